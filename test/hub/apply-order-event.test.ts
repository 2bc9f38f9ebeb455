import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import { createManualClock } from '../../src/clock/index.js';
import { StorageError } from '../../src/errors/index.js';
import { applyOrderEvent } from '../../src/app/apply-order-event.js';
import { insertOrder } from '../../src/app/insert-order.js';
import { createOrderMachine, type DefaultOrderEvent, type Order } from '../../src/orders/index.js';
import type { StoragePort } from '../../src/ports/index.js';

const machine = createOrderMachine();
const cny = (amount: number) => ({ amount, currency: 'CNY' });

async function storedAllocatedOrder(storage: StoragePort, quantity: number) {
  const clock = createManualClock('2026-11-11T00:00:00+08:00');
  const order = machine.createOrder(
    { id: 'o-1', channel: 'tmall', channelOrderId: 'T-1', customerRef: 'b-1', currency: 'CNY', lines: [{ lineId: 'L1', sku: 'TEA', quantity, unitPrice: cny(100) }] },
    { clock },
  );
  await insertOrder(storage, order);
  const deps = { storage, machine, clock };
  const events: DefaultOrderEvent[] = [
    { id: 'e-pay', type: 'pay' },
    { id: 'e-approve', type: 'approve' },
    { id: 'e-alloc', type: 'allocate', allocations: [{ lineId: 'L1', warehouseId: 'HZ', quantity }] },
  ];
  for (const event of events) {
    const result = await applyOrderEvent(deps, 'o-1', event);
    expect(result?.ok).toBe(true);
  }
  return deps;
}

describe('applyOrderEvent', () => {
  it('commits the new version, its history entry and its outbox messages together', async () => {
    const storage = createMemoryStorage();
    await storedAllocatedOrder(storage, 3);
    const stored = await storage.orders.get('o-1');
    expect(stored?.status).toBe('allocated');
    expect(stored?.version).toBe(4);
    expect((await storage.orders.history('o-1')).map((h) => h.type)).toEqual(['create', 'pay', 'approve', 'allocate']);
    const topics = (await storage.outbox.list()).map((m) => m.topic);
    expect(topics[0]).toBe('order.created');
    expect(topics.filter((t) => t === 'order.status_changed')).toHaveLength(3);
  });

  it('returns null for an unknown order and refusals as values', async () => {
    const storage = createMemoryStorage();
    const deps = await storedAllocatedOrder(storage, 1);
    expect(await applyOrderEvent(deps, 'nope', { id: 'x', type: 'approve' })).toBeNull();
    const refused = await applyOrderEvent(deps, 'o-1', { id: 'e-x', type: 'pay' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'ILLEGAL_TRANSITION' } });
  });

  it('reports a redelivered event as a duplicate and writes nothing', async () => {
    const storage = createMemoryStorage();
    const deps = await storedAllocatedOrder(storage, 1);
    const before = (await storage.outbox.list()).length;
    const again = await applyOrderEvent(deps, 'o-1', { id: 'e-approve', type: 'approve' });
    expect(again).toMatchObject({ ok: true, value: { duplicate: true } });
    expect((await storage.orders.get('o-1'))?.version).toBe(4);
    expect((await storage.outbox.list()).length).toBe(before);
  });

  it('loses no update when ten workers ship units of one order at once', async () => {
    const storage = createMemoryStorage();
    const deps = await storedAllocatedOrder(storage, 10);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        applyOrderEvent(deps, 'o-1', { id: `ship-${i}`, type: 'ship', shipmentId: `S${i}`, lines: [{ lineId: 'L1', quantity: 1 }] }, { retries: 30, minBackoffMs: 1 }),
      ),
    );
    expect(results.every((r) => r?.ok)).toBe(true);
    // The race really happened: some commits lost and were re-applied on a fresh read.
    expect(results.reduce((sum, r) => sum + (r?.ok ? r.value.conflicts : (r?.conflicts ?? 0)), 0)).toBeGreaterThan(0);
    const stored = (await storage.orders.get('o-1')) as Order;
    expect(stored.status).toBe('shipped');
    expect(stored.lines[0]?.shippedQuantity).toBe(10);
    expect(stored.version).toBe(14);
    const versions = (await storage.orders.history('o-1')).map((h) => h.version);
    expect(versions).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
  });

  it('does not retry failures that are not races', async () => {
    const storage = createMemoryStorage();
    const deps = await storedAllocatedOrder(storage, 1);
    let commits = 0;
    const failing: StoragePort = {
      ...storage,
      orders: storage.orders,
      commit: async () => {
        commits += 1;
        throw new StorageError('STORAGE_UNAVAILABLE', { operation: 'commit', message: 'connection refused' });
      },
    };
    await expect(applyOrderEvent({ ...deps, storage: failing }, 'o-1', { id: 'e-pick', type: 'start_picking' })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(commits).toBe(1);
  });

  it('gives up with CONCURRENCY_CONFLICT when retries run out', async () => {
    const storage = createMemoryStorage();
    const deps = await storedAllocatedOrder(storage, 1);
    const stale: StoragePort = {
      ...storage,
      orders: storage.orders,
      commit: (unit) => storage.commit({ ...unit, orders: unit.orders?.map((w) => ({ ...w, expectedVersion: 99 })) ?? [] }),
    };
    await expect(applyOrderEvent({ ...deps, storage: stale }, 'o-1', { id: 'e-pick', type: 'start_picking' }, { retries: 2, minBackoffMs: 1 })).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
    });
  });
});

describe('applyOrderEvent with the order the caller holds (options.current)', () => {
  /** A storage that counts reads of orders, so a test can see the read that was skipped. */
  function counting(storage: StoragePort): { storage: StoragePort; reads: () => number } {
    let reads = 0;
    const orders = { ...storage.orders, get: (id: string) => ((reads += 1), storage.orders.get(id)) };
    return { storage: { ...storage, orders }, reads: () => reads };
  }

  it('with the current version held, the transition is one commit and no read', async () => {
    const memory = createMemoryStorage();
    const deps = await storedAllocatedOrder(memory, 3);
    const current = (await memory.orders.get('o-1')) as Order;
    const { storage, reads } = counting(memory);
    const result = await applyOrderEvent({ ...deps, storage }, 'o-1', { id: 'e-pick', type: 'start_picking' }, { current });
    expect(result).toMatchObject({ ok: true, value: { duplicate: false, conflicts: 0 } });
    expect(reads()).toBe(0);
    // The returned order is the next one to hold.
    if (!result?.ok) throw new Error('expected the first transition to apply');
    const next = await applyOrderEvent({ ...deps, storage }, 'o-1', { id: 'e-pack', type: 'pack' }, { current: result.value.order });
    expect(next?.ok && next.value.order.status).toBe('packed');
    expect(reads()).toBe(0);
  });

  it('a stale copy meets the conflict, reads once and applies on the stored version', async () => {
    const memory = createMemoryStorage();
    const deps = await storedAllocatedOrder(memory, 3);
    const stale = (await memory.orders.get('o-1')) as Order;
    await applyOrderEvent(deps, 'o-1', { id: 'e-pick', type: 'start_picking' });
    const { storage, reads } = counting(memory);
    // Legal on the copy and on the stored order alike: the commit on the copy's version loses.
    const result = await applyOrderEvent({ ...deps, storage }, 'o-1', { id: 'e-flag', type: 'flag_exception', reason: 'carton damaged' }, { current: stale, minBackoffMs: 1 });
    expect(result).toMatchObject({ ok: true, value: { conflicts: 1, order: { status: 'exception', version: 6 } } });
    expect(reads()).toBe(1);
  });

  it('a refusal or a duplicate on a stale copy is decided again on a fresh read, never on stale data', async () => {
    const memory = createMemoryStorage();
    const deps = await storedAllocatedOrder(memory, 3);
    const stale = (await memory.orders.get('o-1')) as Order;
    await applyOrderEvent(deps, 'o-1', { id: 'e-pick', type: 'start_picking' });
    // `pack` is illegal in the copy's `allocated`, legal in the stored `picking`.
    const packed = await applyOrderEvent(deps, 'o-1', { id: 'e-pack', type: 'pack' }, { current: stale });
    expect(packed?.ok && packed.value.order.status).toBe('packed');
    // `e-pick` is not in the copy's history but is stored: a duplicate, found on the fresh read.
    const again = await applyOrderEvent(deps, 'o-1', { id: 'e-pick', type: 'start_picking' }, { current: stale });
    expect(again).toMatchObject({ ok: true, value: { duplicate: true } });
    expect((await memory.orders.get('o-1'))?.version).toBe(6);
  });

  it('a held order missing part of its history cannot record an event twice: the commit refuses it and a fresh read answers duplicate or mismatch', async () => {
    for (const storage of [createMemoryStorage(), createSqliteStorage({ file: ':memory:' })]) {
      await storage.migrate();
      const clock = createManualClock('2026-11-11T00:00:00+08:00');
      await insertOrder(storage, machine.createOrder({ id: 'o-2', channel: 'jd', channelOrderId: 'J-2', customerRef: 'b', currency: 'CNY', lines: [{ lineId: 'L1', sku: 'TEA', quantity: 1, unitPrice: cny(100) }] }, { clock }));
      const refusals: string[] = [];
      const watched: StoragePort = {
        ...storage,
        commit: async (unit) => {
          try {
            await storage.commit(unit);
          } catch (error) {
            refusals.push((error as { code?: string }).code ?? String(error));
            throw error;
          }
        },
      };
      const deps = { storage: watched, machine, clock };
      for (const event of [{ id: 'e-pay', type: 'pay' }, { id: 'e-h1', type: 'hold', reason: 'check address' }, { id: 'e-a1', type: 'approve' }] as DefaultOrderEvent[]) {
        expect((await applyOrderEvent(deps, 'o-2', event))?.ok).toBe(true);
      }
      const stored = (await storage.orders.get('o-2')) as Order;
      expect(stored.status).toBe('approved');
      // A copy without the entry that recorded e-h1 (a trimmed cache): hold is legal from approved,
      // so only the commit can tell that e-h1 was recorded.
      const held = { ...stored, history: stored.history.filter((entry) => entry.eventId !== 'e-h1') } as Order;
      const again = await applyOrderEvent(deps, 'o-2', { id: 'e-h1', type: 'hold', reason: 'check address' }, { current: held });
      expect(again).toMatchObject({ ok: true, value: { duplicate: true } });
      const changed = await applyOrderEvent(deps, 'o-2', { id: 'e-h1', type: 'hold', reason: 'another request' }, { current: held });
      expect(changed).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_MISMATCH' } });
      expect(refusals).toEqual(['DUPLICATE_KEY', 'DUPLICATE_KEY']);
      expect((await storage.orders.history('o-2')).filter((entry) => entry.eventId === 'e-h1')).toHaveLength(1);
      expect((await storage.orders.get('o-2'))?.version).toBe(4);
      await storage.close();
    }
  });
});
