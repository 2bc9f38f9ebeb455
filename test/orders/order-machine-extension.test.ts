// Extending the lifecycle: custom statuses, events, guards and hooks, and definitions refused with every problem.
import { describe, expect, it } from 'vitest';
import { isDefinitionError, type DefinitionError, type TransitionError } from '../../src/errors/index.js';
import { DEFAULT_ORDER_LIFECYCLE, createOrderMachine, type Order, type OrderTransitionSpec } from '../../src/orders/index.js';
import { context, newOrder, orderAt } from './fixtures.js';

const shipTransition = DEFAULT_ORDER_LIFECYCLE.events.ship.transitions[0];

/** Customs between packed and shipped: packed -> awaiting_customs -> (ship) -> shipped. */
const customs = createOrderMachine({
  statuses: {
    awaiting_customs: { description: 'Declared to customs; the parcel may not leave until cleared.' },
  },
  events: {
    declare_customs: {
      description: 'The customs declaration was filed.',
      transitions: [{ from: 'packed', to: 'awaiting_customs', guards: ['customs_declaration_attached'] }],
    },
    ship: {
      merge: 'replace',
      transitions: [{ ...shipTransition, from: ['allocated', 'picking', 'awaiting_customs', 'partially_shipped'] }],
    },
    hold: { transitions: [{ from: 'awaiting_customs', to: 'on_hold', guards: ['reason_given'] }] },
  },
  guards: {
    customs_declaration_attached: (order) =>
      typeof order.attributes['customsDeclaration'] === 'string' ? true : 'No customs declaration is attached to the order',
  },
  hooks: {
    onTransition: [
      (change) =>
        change.to === 'awaiting_customs'
          ? [{ type: 'notify_customs_broker', orderId: change.order.id, eventId: change.event.id, declaration: change.order.attributes['customsDeclaration'] }]
          : undefined,
    ],
  },
});

function packedWithDeclaration(): Order {
  const packed = orderAt('packed');
  return { ...packed, attributes: { customsDeclaration: 'CD-2026-001' } };
}

describe('an extended lifecycle (customs between packed and shipped)', () => {
  it('adds the status to the dictionary and the event to the event list', () => {
    expect(customs.statuses.awaiting_customs).toEqual({ description: 'Declared to customs; the parcel may not leave until cleared.', terminal: false });
    expect(customs.statuses.paid).toEqual(DEFAULT_ORDER_LIFECYCLE.statuses.paid);
    expect(customs.events.declare_customs.transitions).toEqual([{ from: ['packed'], to: ['awaiting_customs'], guards: ['customs_declaration_attached'] }]);
  });

  it('runs the custom guard with its reason', () => {
    const result = customs.transition(orderAt('packed'), { id: 'd', type: 'declare_customs' }, context);
    expect(result.ok).toBe(false);
    expect(!result.ok && [result.error.code, (result.error as TransitionError).guard, (result.error as TransitionError).reason]).toEqual([
      'GUARD_REJECTED',
      'customs_declaration_attached',
      'No customs declaration is attached to the order',
    ]);
  });

  it('goes packed -> awaiting_customs -> shipped, and the hook adds its effect', () => {
    const declared = customs.transition(packedWithDeclaration(), { id: 'd', type: 'declare_customs' }, context);
    if (!declared.ok) throw declared.error;
    expect(declared.value.order.status).toBe('awaiting_customs');
    expect(declared.value.effects.map((e) => e.type)).toEqual(['status_changed', 'notify_customs_broker']);
    expect(declared.value.effects[1]).toEqual({ type: 'notify_customs_broker', orderId: 'ord-1', eventId: 'd', declaration: 'CD-2026-001' });
    const shipped = customs.transition(
      declared.value.order,
      { id: 's', type: 'ship', shipmentId: 'S1', lines: [{ lineId: 'L1', quantity: 2 }, { lineId: 'L2', quantity: 1 }] },
      context,
    );
    if (!shipped.ok) throw shipped.error;
    expect(shipped.value.order.status).toBe('shipped');
    expect(shipped.value.effects.map((e) => e.type)).toEqual(['status_changed', 'commit_reservations']);
  });

  it('"replace" removed ship from packed; "append" added hold from awaiting_customs after the default hold transitions', () => {
    const fromPacked = customs.transition(orderAt('packed'), { id: 's', type: 'ship', shipmentId: 'S1', lines: [{ lineId: 'L1', quantity: 1 }] }, context);
    expect(!fromPacked.ok && fromPacked.error.code).toBe('ILLEGAL_TRANSITION');
    expect(customs.events.hold.transitions.map((t) => t.from)).toEqual([['paid', 'approved'], ['awaiting_customs']]);
    expect(customs.events.ship.transitions).toHaveLength(1);
  });

  it('includes the new status in flag_exception (from "*") and in the diagram', () => {
    expect(customs.events.flag_exception.transitions[0]?.from).toContain('awaiting_customs');
    const diagram = customs.toMermaid();
    expect(diagram).toContain('    packed --> awaiting_customs: declare_customs\n');
    expect(diagram).toContain('    awaiting_customs --> shipped: ship\n');
    expect(diagram).not.toContain('packed --> shipped');
  });

  it('nextEvents reports the custom guard verdict (a plain guard runs against a payload-free event)', () => {
    expect(customs.nextEvents(orderAt('packed')).find((e) => e.type === 'declare_customs')).toEqual({
      type: 'declare_customs',
      allowed: false,
      targets: ['awaiting_customs'],
      guards: [{ guard: 'customs_declaration_attached', ok: false, reason: 'No customs declaration is attached to the order' }],
    });
  });

  it('keeps orders of the default machine usable (a default order is an order of the extended machine)', () => {
    const result = customs.transition(newOrder(), { id: 'p', type: 'pay' }, context);
    expect(result.ok && result.value.order.status).toBe('paid');
    // @ts-expect-error: the status union of the extended machine has no "awaiting_custom"
    const misspelt: (typeof customs)['initial'] = 'awaiting_custom';
    expect(misspelt).toBe('awaiting_custom');
  });

  it('replaces a default guard by name', () => {
    const strict = createOrderMachine({ guards: { nothing_shipped: () => 'Cancellation is closed for this shop' } });
    const result = strict.transition(orderAt('paid'), { id: 'c', type: 'cancel' }, context);
    expect(!result.ok && (result.error as TransitionError).reason).toBe('Cancellation is closed for this shop');
  });

  it('a guarded transition before an unguarded one on the same (event, status) is tried first', () => {
    const vip = createOrderMachine({
      events: {
        fast_track: {
          transitions: [
            { from: 'paid', to: 'allocated', guards: ['is_vip'] },
            { from: 'paid', to: 'approved' },
          ],
        },
      },
      guards: { is_vip: (order) => (order.customerRef.startsWith('vip-') ? true : 'Not a VIP') },
    });
    const paid = orderAt('paid');
    const normal = vip.transition(paid, { id: 'f', type: 'fast_track' }, context);
    const special = vip.transition({ ...paid, customerRef: 'vip-7' }, { id: 'f', type: 'fast_track' }, context);
    expect([normal.ok && normal.value.order.status, special.ok && special.value.order.status]).toEqual(['approved', 'allocated']);
  });

  it('a machine from scratch (base "none") has only its own statuses and events', () => {
    const tiny = createOrderMachine({
      base: 'none',
      initial: 'open',
      statuses: { open: { description: 'Open.' }, closed: { description: 'Closed.', terminal: true } },
      events: { close: { transitions: [{ from: 'open', to: 'closed' }] } },
    });
    expect(Object.keys(tiny.statuses)).toEqual(['open', 'closed']);
    expect(Object.keys(tiny.events)).toEqual(['close']);
    const order = tiny.createOrder(
      { id: 'o', channel: 'pos', channelOrderId: '1', customerRef: 'c', currency: 'CNY', lines: [{ sku: 'A', quantity: 1, unitPrice: { amount: 1, currency: 'CNY' } }] },
      { clock: context.clock },
    );
    expect(order.status).toBe('open');
    const closed = tiny.transition(order, { id: 'x', type: 'close' }, context);
    expect(closed.ok && closed.value.order.status).toBe('closed');
    // @ts-expect-error: "pay" is not an event of this machine
    expect(tiny.transition(order, { id: 'y', type: 'pay' }, context).ok).toBe(false);
    expect(tiny.toMermaid()).toBe(['stateDiagram-v2', '    [*] --> open', '    open --> closed: close', '    closed --> [*]'].join('\n'));
  });
});

function definitionError(run: () => unknown): DefinitionError {
  try {
    run();
  } catch (error) {
    if (isDefinitionError(error)) return error;
    throw error;
  }
  throw new Error('expected a DefinitionError');
}

describe('definition validation', () => {
  it('lists every problem at once, with paths', () => {
    const error = definitionError(() =>
      createOrderMachine({
        statuses: {
          limbo: { description: 'Nobody gets here and nobody leaves.' },
          quarantine: { description: '' },
        },
        events: {
          teleport: { transitions: [{ from: 'paid', to: 'nowhere' }] },
          vanish: { transitions: [] },
          inspect: { transitions: [{ from: ['paid', 'limbo2'], to: 'quarantine', guards: ['is_suspicious'] }] },
          split: { transitions: [{ from: 'paid', to: ['approved', 'on_hold'] }] },
          approve: { transitions: [{ from: 'paid', to: 'quarantine' }] },
        },
      } as never),
    );
    expect(error.code).toBe('INVALID_MACHINE_DEFINITION');
    expect(error.problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['missing_description', 'statuses.quarantine.description'],
      // Default events come first, in the default order; then the definition's new ones.
      ['shadowed_transition', 'events.approve.transitions.0'],
      ['unknown_target', 'events.teleport.transitions.0.to'],
      ['no_transitions', 'events.vanish.transitions'],
      ['unknown_source', 'events.inspect.transitions.0.from.1'],
      ['unknown_guard', 'events.inspect.transitions.0.guards.0'],
      ['missing_choose', 'events.split.transitions.0.choose'],
      ['unreachable_status', 'statuses.limbo'],
    ]);
    expect(error.message).toContain('Invalid order machine definition (8 problems):');
    expect(error.message).toContain('- events.teleport.transitions.0.to: Unknown target status "nowhere" in "teleport"');
    expect(error.problems.find((p) => p.code === 'shadowed_transition')?.message).toBe(
      '"approve" from "paid" can never use this transition: an earlier one (the default lifecycle\'s events.approve.transitions.0) has no guard',
    );
  });

  it('reports a non-terminal status with no way out (with the default lifecycle, flag_exception from "*" always leaves)', () => {
    const error = definitionError(() =>
      createOrderMachine({
        base: 'none',
        initial: 'open',
        statuses: { open: { description: 'Open.' }, stuck: { description: 'Stuck.' }, done: { description: 'Done.', terminal: true } },
        events: { jam: { transitions: [{ from: 'open', to: 'stuck' }] }, finish: { transitions: [{ from: 'open', to: 'done' }] } },
      }),
    );
    expect(error.problems).toEqual([
      {
        code: 'dead_end_status',
        path: ['statuses', 'stuck'],
        message: 'Status "stuck" is not terminal but no event leads out of it; mark it terminal or add a transition',
      },
    ]);
  });

  it('refuses a missing or unknown initial status, and bad sections', () => {
    const missing = definitionError(() => createOrderMachine({ base: 'none', statuses: { a: { description: 'A.', terminal: true } } } as never));
    expect(missing.problems.map((p) => p.code)).toEqual(['missing_initial']);
    const unknown = definitionError(() => createOrderMachine({ initial: 'paied' } as never));
    expect(unknown.problems).toEqual([{ code: 'unknown_initial', path: ['initial'], message: 'Initial status "paied" is not a status of this machine' }]);
    const bad = definitionError(() =>
      createOrderMachine({ base: 'some', guards: { g: 42 }, hooks: { onTransition: ['x'] }, events: { e: { merge: 'mix', transitions: [{ from: 'paid', to: 'approved', apply: 1 }] } } } as never),
    );
    expect(bad.problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['invalid_base', 'base'],
      ['invalid_guard', 'guards.g'],
      ['invalid_merge', 'events.e.merge'],
      ['invalid_hook', 'hooks.onTransition.0'],
      ['invalid_transition', 'events.e.transitions.0.apply'],
    ]);
  });

  it('a choose() that picks a status outside its targets is a definition bug, thrown', () => {
    const transitions: OrderTransitionSpec[] = [{ from: 'paid', to: ['approved', 'on_hold'], choose: () => 'shipped' }];
    const broken = createOrderMachine({ events: { route: { transitions } } } as never) as ReturnType<typeof createOrderMachine>;
    expect(() => broken.transition(orderAt('paid'), { id: 'r', type: 'route' } as never, context)).toThrow(/choose\(\) returned "shipped"/);
  });
});
