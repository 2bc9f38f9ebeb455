// Test helper: random task and inventory command sequences run in lockstep on the memory adapter (the model) and a real adapter.
import fc from 'fast-check';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { addDuration, type Instant } from '../../src/clock/index.js';
import type { StoragePort } from '../../src/ports/index.js';

const T0 = '2026-03-01T00:00:00.000Z' as Instant;
const OWNERS = ['w1', 'w2'];
const SKUS = ['A', 'B'];

/** One step of task workers and of order allocation. */
export type StoreCommand =
  | { readonly kind: 'enqueue'; readonly key: number; readonly dueIn: number }
  | { readonly kind: 'claim'; readonly owner: number; readonly limit: number; readonly leaseSeconds: number }
  | { readonly kind: 'complete' | 'deadLetter'; readonly owner: number; readonly pick: number }
  | { readonly kind: 'fail'; readonly owner: number; readonly pick: number; readonly retryIn: number }
  | { readonly kind: 'setStock'; readonly sku: number; readonly onHand: number }
  | { readonly kind: 'reserve'; readonly lines: readonly { readonly sku: number; readonly quantity: number }[]; readonly expiresIn: number | null; readonly reuse: number | null }
  | { readonly kind: 'release' | 'commitReservation'; readonly pick: number }
  | { readonly kind: 'expire'; readonly limit: number | null }
  | { readonly kind: 'advance'; readonly seconds: number };

const owner = fc.nat({ max: 1 });
const pick = fc.nat({ max: 30 });

/** Random command sequences over tasks and inventory. */
export const storeCommands: fc.Arbitrary<StoreCommand[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('enqueue' as const), key: fc.nat({ max: 4 }), dueIn: fc.integer({ min: -5, max: 20 }) }),
    fc.record({ kind: fc.constant('claim' as const), owner, limit: fc.integer({ min: 1, max: 4 }), leaseSeconds: fc.integer({ min: 1, max: 30 }) }),
    fc.record({ kind: fc.constantFrom('complete' as const, 'deadLetter' as const), owner, pick }),
    fc.record({ kind: fc.constant('fail' as const), owner, pick, retryIn: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ kind: fc.constant('setStock' as const), sku: fc.nat({ max: 1 }), onHand: fc.nat({ max: 12 }) }),
    fc.record({
      kind: fc.constant('reserve' as const),
      lines: fc.array(fc.record({ sku: fc.nat({ max: 2 }), quantity: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 3 }),
      expiresIn: fc.option(fc.integer({ min: 0, max: 30 })),
      reuse: fc.option(pick),
    }),
    fc.record({ kind: fc.constantFrom('release' as const, 'commitReservation' as const), pick }),
    fc.record({ kind: fc.constant('expire' as const), limit: fc.option(fc.integer({ min: 0, max: 3 })) }),
    fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 25 }) }),
  ),
  { minLength: 5, maxLength: 30 },
);

/** A result as comparable text: object keys sorted, so column order and JSON key order do not matter. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** Runs `commands` on a fresh memory storage and on `real`; returns the first differing step, or null. */
export async function firstStoreDivergence(real: StoragePort, commands: readonly StoreCommand[]): Promise<string | null> {
  const model = createMemoryStorage();
  let now = T0;
  const taskIds: string[] = [];
  const reservationIds: string[] = [];
  const at = (list: readonly string[], index: number): string => list[index % Math.max(1, list.length)] ?? 'none';
  const run = async (storage: StoragePort, command: StoreCommand, step: number): Promise<unknown> => {
    switch (command.kind) {
      case 'enqueue':
        return storage.tasks.enqueue({ queue: 'q', key: `key-${command.key}`, payload: { step }, dueAt: addDuration(now, { seconds: command.dueIn }) }, `t${step}`, now);
      case 'claim':
        return storage.tasks.claim({ queue: 'q', owner: OWNERS[command.owner] as string, now, leaseUntil: addDuration(now, { seconds: command.leaseSeconds }), limit: command.limit });
      case 'complete':
        return storage.tasks.complete(at(taskIds, command.pick), OWNERS[command.owner] as string, now);
      case 'deadLetter':
        return storage.tasks.deadLetter(at(taskIds, command.pick), OWNERS[command.owner] as string, { error: 'gave up', at: now });
      case 'fail':
        return storage.tasks.fail(at(taskIds, command.pick), OWNERS[command.owner] as string, { error: 'boom', nextDueAt: addDuration(now, { seconds: command.retryIn }), at: now });
      case 'setStock':
        return storage.inventory.setStock('WH', SKUS[command.sku] as string, command.onHand, now);
      case 'reserve':
        return storage.inventory.reserve(
          command.lines.map((line, j) => ({
            reservationId: j === 0 && command.reuse !== null && reservationIds.length > 0 ? at(reservationIds, command.reuse) : `r${step}-${j}`,
            orderId: `o${step}`,
            lineId: `L${j + 1}`,
            warehouseId: 'WH',
            // Index 2 is a SKU that never has stock.
            sku: SKUS[line.sku] ?? 'NONE',
            quantity: line.quantity,
            ...(command.expiresIn === null ? {} : { expiresAt: addDuration(now, { seconds: command.expiresIn }) }),
          })),
          now,
        );
      case 'release':
        return storage.inventory.release(at(reservationIds, command.pick), now);
      case 'commitReservation':
        return storage.inventory.commitReservation(at(reservationIds, command.pick), now);
      case 'expire':
        return storage.inventory.expireReservations(now, command.limit ?? undefined);
      case 'advance':
        return null;
    }
  };
  const snapshot = async (storage: StoragePort): Promise<string> =>
    canonical({
      tasks: await storage.tasks.list({ queue: 'q' }),
      stock: await Promise.all(SKUS.map((sku) => storage.inventory.getStock('WH', sku))),
      reservations: await Promise.all(reservationIds.map(async (id) => (await storage.inventory.listReservations(`o${id.slice(1).split('-')[0]}`)).find((r) => r.reservationId === id) ?? null)),
    });
  for (const [step, command] of commands.entries()) {
    const expected = canonical(await run(model, command, step));
    const actual = canonical(await run(real, command, step));
    if (command.kind === 'enqueue' && (JSON.parse(expected) as { created: boolean }).created) taskIds.push(`t${step}`);
    if (command.kind === 'reserve' && (JSON.parse(expected) as { ok: boolean }).ok) {
      for (const [j] of command.lines.entries()) if (!reservationIds.includes(`r${step}-${j}`)) reservationIds.push(`r${step}-${j}`);
    }
    if (command.kind === 'advance') now = addDuration(now, { seconds: command.seconds });
    const [modelState, realState] = [await snapshot(model), await snapshot(real)];
    if (expected !== actual || modelState !== realState) {
      return `step ${step} ${JSON.stringify(command)}: model ${expected} vs adapter ${actual}; state model ${modelState} vs adapter ${realState}`;
    }
  }
  await model.close();
  return null;
}
