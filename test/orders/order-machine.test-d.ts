// Type tests: statuses and events are literal unions, so misspelt names and missing payloads do not compile.
import { describe, expectTypeOf, it } from 'vitest';
import { createFixedClock } from '../../src/clock/index.js';
import {
  createOrderMachine,
  type CustomOrderEvent,
  type DefaultOrderEvent,
  type NextEvent,
  type Order,
  type OrderEventType,
  type OrderMachine,
  type OrderStatus,
  type TransitionResult,
} from '../../src/orders/index.js';

declare const order: Order;
const context = { clock: createFixedClock('2026-01-01T00:00:00Z') };

describe('the default machine', () => {
  const machine = createOrderMachine();

  it('is typed by the default status and event unions', () => {
    expectTypeOf(machine).toEqualTypeOf<OrderMachine<OrderStatus, DefaultOrderEvent>>();
    expectTypeOf(machine.initial).toEqualTypeOf<OrderStatus>();
    expectTypeOf(machine.transition(order, { id: '1', type: 'approve' }, context)).toEqualTypeOf<TransitionResult<OrderStatus>>();
    expectTypeOf(machine.nextEvents(order)).toEqualTypeOf<NextEvent<OrderStatus, OrderEventType>[]>();
    expectTypeOf<OrderEventType>().toEqualTypeOf<DefaultOrderEvent['type']>();
  });

  it('rejects a misspelt event type', () => {
    // @ts-expect-error: "shp" is not an event
    machine.transition(order, { id: '1', type: 'shp' }, context);
    // @ts-expect-error: "aprove" is not an event
    machine.apply(order, [{ id: '1', type: 'aprove' }], context);
    expectTypeOf<{ id: '1'; type: 'shp' }>().not.toMatchTypeOf<DefaultOrderEvent>();
  });

  it('rejects an event without its payload', () => {
    // @ts-expect-error: ship needs shipmentId and lines
    machine.transition(order, { id: '1', type: 'ship' }, context);
    // @ts-expect-error: refund needs an amount
    machine.transition(order, { id: '1', type: 'refund' }, context);
    // @ts-expect-error: hold needs a reason
    machine.transition(order, { id: '1', type: 'hold' }, context);
    machine.transition(order, { id: '1', type: 'hold', reason: 'risk' }, context);
    // @ts-expect-error: change_address needs an address
    machine.transition(order, { id: '1', type: 'change_address' }, context);
    // @ts-expect-error: an address needs a street
    machine.transition(order, { id: '1', type: 'change_address', address: { country: 'CN' } }, context);
    machine.transition(order, { id: '1', type: 'change_address', address: { country: 'CN', street: '文三路 90 号' } }, context);
  });

  it('rejects a misspelt status', () => {
    // @ts-expect-error: "shiped" is not a status
    const status: OrderStatus = 'shiped';
    expectTypeOf(machine.statuses).toHaveProperty('partially_shipped');
    // @ts-expect-error: no such status in the dictionary
    void machine.statuses.shiped;
    void status;
  });
});

describe('an extended machine', () => {
  const machine = createOrderMachine({
    statuses: { awaiting_customs: { description: 'Waiting for customs.' } },
    events: {
      declare_customs: { transitions: [{ from: 'packed', to: 'awaiting_customs', guards: ['has_papers'] }] },
      clear_customs: { transitions: [{ from: 'awaiting_customs', to: 'packed' }] },
    },
    guards: { has_papers: () => true },
  });

  it('infers its status and event unions from the definition, merged with the defaults', () => {
    expectTypeOf(machine.initial).toEqualTypeOf<OrderStatus | 'awaiting_customs'>();
    expectTypeOf(machine).toEqualTypeOf<
      OrderMachine<OrderStatus | 'awaiting_customs', DefaultOrderEvent | CustomOrderEvent<'declare_customs' | 'clear_customs'>>
    >();
    machine.transition(order, { id: '1', type: 'declare_customs' }, context);
    machine.transition(order, { id: '1', type: 'ship', shipmentId: 'S', lines: [] }, context);
    // @ts-expect-error: "declare_custom" is not an event of this machine
    machine.transition(order, { id: '1', type: 'declare_custom' }, context);
  });

  it('refuses misspelt statuses and guard names inside the definition', () => {
    createOrderMachine({
      statuses: { awaiting_customs: { description: 'Waiting for customs.' } },
      events: {
        // @ts-expect-error: "pakced" is not a status
        declare_customs: { transitions: [{ from: 'pakced', to: 'awaiting_customs' }] },
      },
    });
    createOrderMachine({
      statuses: { awaiting_customs: { description: 'Waiting for customs.' } },
      events: {
        // @ts-expect-error: "awaiting_custom" is not a status
        declare_customs: { transitions: [{ from: 'packed', to: 'awaiting_custom' }] },
      },
    });
    createOrderMachine({
      events: {
        // @ts-expect-error: guard "has_paper" is not defined
        release: { transitions: [{ from: 'on_hold', to: 'approved', guards: ['has_paper'] }] },
      },
      guards: { has_papers: () => true },
    });
    // @ts-expect-error: the initial status must be a status of the machine
    createOrderMachine({ initial: 'pending' });
  });

  it('with base "none" keeps only its own names', () => {
    const tiny = createOrderMachine({
      base: 'none',
      initial: 'open',
      statuses: { open: { description: 'Open.' }, closed: { description: 'Closed.', terminal: true } },
      events: { close: { transitions: [{ from: 'open', to: 'closed' }] } },
    });
    expectTypeOf(tiny.initial).toEqualTypeOf<'open' | 'closed'>();
    expectTypeOf(tiny).toEqualTypeOf<OrderMachine<'open' | 'closed', CustomOrderEvent<'close'>>>();
    createOrderMachine({
      base: 'none',
      initial: 'open',
      statuses: { open: { description: 'Open.' }, closed: { description: 'Closed.', terminal: true } },
      // @ts-expect-error: "paid" is a default status, not one of this machine's
      events: { close: { transitions: [{ from: 'paid', to: 'closed' }] } },
    });
  });
});
