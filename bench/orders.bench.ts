// Orders benchmark: the pure transition vs XState v5 transition() vs a bare table lookup, and through the memory storage.
import { assign, createMachine, transition as xstateTransition, type AnyStateMachine } from 'xstate';
import { createMemoryStorage } from '../src/adapters/memory.js';
import { createFixedClock } from '../src/clock/index.js';
import {
  DEFAULT_ORDER_GUARDS,
  DEFAULT_ORDER_LIFECYCLE,
  ORDER_EVENT_TYPES,
  createOrderMachine,
  effectsToOutbox,
  type AnyOrderEvent,
  type DefaultOrderEvent,
  type HistoryEntry,
  type Order,
  type OrderGuardSpec,
  type OrderPatch,
  type TransitionContext,
} from '../src/orders/index.js';

/** Time per variant; 2 cores, so the whole run stays well under two minutes. */
const BUDGET_MS = Number(process.env.ORDERS_BENCH_MS ?? 2_000);
/** Orders driven through the memory storage, 8 transitions each. */
const STORAGE_ORDERS = Number(process.env.ORDERS_BENCH_STORAGE_ORDERS ?? 3_000);

// A fixed clock for every variant, so none of them pays for formatting the time and the others not.
const clock = createFixedClock('2026-06-18T02:00:00Z');
const context: TransitionContext = { clock };
const machine = createOrderMachine();

const cny = (amount: number) => ({ amount, currency: 'CNY' });

function newOrder(id: string): Order {
  return machine.createOrder(
    {
      id,
      channel: 'tmall',
      channelOrderId: `T-${id}`,
      customerRef: 'buyer-1',
      currency: 'CNY',
      paymentMethod: 'alipay',
      lines: [
        { sku: 'TEA-LONGJING-250', quantity: 2, unitPrice: cny(12_800), category: 'tea' },
        { sku: 'CUP-CELADON', quantity: 4, unitPrice: cny(3_900), category: 'tableware' },
        { sku: 'GIFT-BOX', quantity: 1, unitPrice: cny(1_500) },
      ],
      shipping: cny(1_000),
    },
    { clock, eventId: `${id}:created` },
  );
}

const allocateEvent = (id: string): DefaultOrderEvent => ({
  id,
  type: 'allocate',
  allocations: [
    { lineId: 'L1', warehouseId: 'HZ-01', quantity: 2 },
    { lineId: 'L2', warehouseId: 'HZ-01', quantity: 3 },
    { lineId: 'L2', warehouseId: 'SH-02', quantity: 1 },
    { lineId: 'L3', warehouseId: 'HZ-01', quantity: 1 },
  ],
});

/** The realistic order: 3 lines, picking, 5 history entries (create, pay, approve, allocate, start_picking). */
function pickingOrder(): Order {
  const result = machine.apply(
    newOrder('ord-bench'),
    [{ id: 'e1', type: 'pay', method: 'alipay' }, { id: 'e2', type: 'approve', actor: 'policy:v3' }, allocateEvent('e3'), { id: 'e4', type: 'start_picking' }],
    context,
  );
  if (!result.ok) throw result.error;
  if (result.value.order.history.length !== 5) throw new Error('expected 5 history entries');
  return result.value.order;
}

/** The mix: one event of each kind a picking order meets, each applied to the same fixed order. */
const MIX: readonly DefaultOrderEvent[] = [
  { id: 'm1', type: 'pack' },
  { id: 'm2', type: 'ship', shipmentId: 'S1', warehouseId: 'HZ-01', carrier: 'SF', trackingNumber: 'SF1234567890', lines: [{ lineId: 'L2', quantity: 1 }] },
  { id: 'm3', type: 'cancel', reason: 'buyer changed their mind', actor: 'buyer' },
  { id: 'm4', type: 'flag_exception', reason: 'stock count mismatch' },
];
const EXPECTED = ['packed', 'partially_shipped', 'cancelled', 'exception'];

// ---- XState v5: the same lifecycle, built from the machine's own event table ----------------------

type XContext = { order: Order };

function guardCheck(spec: OrderGuardSpec) {
  return typeof spec === 'function' ? spec : spec.check;
}

/** Appends the history entry and raises the version, as Ordo's transition does. */
function record(order: Order, event: AnyOrderEvent, to: string, patch: OrderPatch | undefined): Order {
  const at = clock.now();
  const version = order.version + 1;
  const entry: HistoryEntry<string> = { eventId: event.id, type: event.type, from: order.status, to, actor: event.actor ?? 'system', at, version };
  if (event.reason !== undefined) entry.reason = event.reason;
  return { ...order, ...patch, status: to as Order['status'], version, updatedAt: at, history: [...order.history, entry as HistoryEntry] };
}

function completesShipment(order: Order, event: AnyOrderEvent): boolean {
  const lines = (event as unknown as { lines: readonly { lineId: string; quantity: number }[] }).lines;
  for (const line of order.lines) {
    let shipped = line.shippedQuantity;
    for (const item of lines) if (item.lineId === line.lineId) shipped += item.quantity;
    if (shipped < line.quantity) return false;
  }
  return true;
}

function buildXStateMachine(): AnyStateMachine {
  const states: Record<string, { on: Record<string, unknown[]> }> = {};
  for (const status of Object.keys(machine.statuses)) states[status] = { on: {} };
  for (const type of ORDER_EVENT_TYPES) {
    const spec = DEFAULT_ORDER_LIFECYCLE.events[type].transitions[0];
    for (const info of machine.events[type].transitions) {
      const checks = info.guards.map((name) => guardCheck(DEFAULT_ORDER_GUARDS[name as keyof typeof DEFAULT_ORDER_GUARDS]));
      const allow = (order: Order, event: AnyOrderEvent): boolean => checks.every((check) => check(order, event, context) === true);
      for (const from of info.from) {
        const options = info.to.map((target) => ({
          target,
          guard: ({ context: c, event }: { context: XContext; event: AnyOrderEvent }) => {
            if (!allow(c.order, event)) return false;
            // ship: shipped when this parcel carries the last units, partially shipped otherwise.
            if (info.to.length > 1) return completesShipment(c.order, event) === (target === 'shipped');
            return true;
          },
          // assign(), as a real XState model would: XState builds the next context from it.
          actions: assign(({ context: c, event }: { context: XContext; event: AnyOrderEvent }) => ({
            order: record(c.order, event, target, spec.apply?.(c.order, event, clock.now())),
          })),
        }));
        (states[from] as { on: Record<string, unknown[]> }).on[type] = options;
      }
    }
  }
  return createMachine({ id: 'order', initial: 'pending_payment', context: { order: newOrder('x') }, states } as never);
}

// ---- A bare hand-written table lookup with an object copy: the ceiling -------------------------------

const TABLE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  picking: { pack: 'packed', ship: 'partially_shipped', cancel: 'cancelled', flag_exception: 'exception' },
};

function handWritten(order: Order, event: DefaultOrderEvent): Order | null {
  const to = TABLE[order.status]?.[event.type];
  if (to === undefined) return null;
  return record(order, event as AnyOrderEvent, to, undefined);
}

// ---- Measurement ------------------------------------------------------------------------------------

function measure(label: string, once: (i: number) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) if (once(i) !== undefined) sink++;
  let operations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < BUDGET_MS) {
    for (let i = 0; i < 4_000; i++) if (once(i) !== undefined) sink++;
    operations += 4_000;
    elapsed = performance.now() - start;
  }
  if (sink === 0) throw new Error(`${label}: optimised away`);
  return (operations / elapsed) * 1000;
}

async function measureStorage(): Promise<{ perSecond: number; transitions: number; outbox: number }> {
  const storage = createMemoryStorage();
  const ids: string[] = [];
  for (let n = 0; n < STORAGE_ORDERS; n++) {
    const order = newOrder(`ord-${n}`);
    await storage.commit({ orders: [{ order, expectedVersion: null, newHistory: order.history }] });
    ids.push(order.id);
  }
  const lifecycle = (id: string): DefaultOrderEvent[] => [
    { id: `${id}:pay`, type: 'pay', method: 'alipay' },
    { id: `${id}:approve`, type: 'approve', actor: 'policy:v3' },
    allocateEvent(`${id}:allocate`),
    { id: `${id}:pick`, type: 'start_picking' },
    { id: `${id}:pack`, type: 'pack' },
    {
      id: `${id}:ship`,
      type: 'ship',
      shipmentId: `${id}-S1`,
      lines: [
        { lineId: 'L1', quantity: 2 },
        { lineId: 'L2', quantity: 4 },
        { lineId: 'L3', quantity: 1 },
      ],
    },
    { id: `${id}:deliver`, type: 'deliver' },
    { id: `${id}:complete`, type: 'complete' },
  ];
  let transitions = 0;
  let outbox = 0;
  const start = performance.now();
  for (const id of ids) {
    for (const event of lifecycle(id)) {
      // The unit of work a service runs per event: read, transition, commit order + history + outbox.
      const order = (await storage.orders.get(id)) as Order;
      const result = machine.transition(order, event, context);
      if (!result.ok) throw result.error;
      const messages = effectsToOutbox(result.value.effects, result.value.order);
      await storage.commit({
        orders: [{ order: result.value.order, expectedVersion: order.version, newHistory: result.value.entry ? [result.value.entry] : [] }],
        outbox: messages,
      });
      transitions++;
      outbox += messages.length;
    }
  }
  const elapsed = performance.now() - start;
  const last = await storage.orders.get(ids[ids.length - 1] as string);
  if (last?.status !== 'completed' || last.version !== 9) throw new Error(`storage run ended in ${last?.status} v${last?.version}`);
  return { perSecond: (transitions / elapsed) * 1000, transitions, outbox };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Runs the benchmark and prints transitions per second and the ratios. */
export async function run(): Promise<void> {
  const order = pickingOrder();
  const xmachine = buildXStateMachine();
  const xsnapshot = xmachine.resolveState({ value: 'picking', context: { order } });

  // All three must agree on every event of the mix, or the comparison means nothing.
  MIX.forEach((event, i) => {
    const ours = machine.transition(order, event, context);
    const [theirs] = xstateTransition(xmachine, xsnapshot, event as never);
    const hand = handWritten(order, event);
    const states = [ours.ok ? ours.value.order.status : 'refused', String(theirs.value), hand?.status];
    if (states.some((s) => s !== EXPECTED[i])) throw new Error(`Variants disagree on ${event.type}: ${states.join(' / ')}`);
    if (ours.ok && (theirs.context as XContext).order.version !== ours.value.order.version) throw new Error('XState model did not record history');
  });

  const mixSize = MIX.length;
  const ordo = measure('ordo', (i) => machine.transition(order, MIX[i % mixSize] as DefaultOrderEvent, context));
  const xstate = measure('xstate', (i) => xstateTransition(xmachine, xsnapshot, MIX[i % mixSize] as never));
  const hand = measure('hand', (i) => handWritten(order, MIX[i % mixSize] as DefaultOrderEvent));
  const storage = await measureStorage();

  console.log('orders: one event on a picking order (3 lines, 5 history entries), mix of pack / ship 1 unit / cancel / flag_exception');
  console.log(`  ordo machine.transition              ${fmt(ordo).padStart(12)} transitions/s`);
  console.log(`  XState v5 transition() (same model)  ${fmt(xstate).padStart(12)} transitions/s`);
  console.log(`  hand-written table + copy (ceiling)  ${fmt(hand).padStart(12)} transitions/s`);
  console.log(`  ordo vs XState v5                    ${(ordo / xstate).toFixed(1)}x (goal >= 10x)`);
  console.log(`  ordo vs hand-written                 ${(ordo / hand).toFixed(2)}x (${((ordo / hand) * 100).toFixed(0)}% of the ceiling)`);
  console.log(
    `  through memory storage (get -> transition -> commit with outbox): ${fmt(storage.perSecond)} transitions/s ` +
      `(${fmt(storage.transitions)} transitions, ${fmt(storage.outbox)} outbox messages)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
