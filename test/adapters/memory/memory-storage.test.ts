// Runs the storage conformance suite on the memory adapter, plus what only the memory adapter promises.
import { describe, expect, it } from 'vitest';
import { createMemoryStorage, memoryStorageBackdoor } from '../../../src/adapters/memory.js';
import type { Instant } from '../../../src/clock/index.js';
import { isOrdoError } from '../../../src/errors/index.js';
import { createOrder } from '../../../src/orders/index.js';
import { createFixedClock } from '../../../src/clock/index.js';
import { storageConformance } from '../../../src/testing/index.js';

storageConformance({ describe, it }, () => createMemoryStorage(), { name: 'memory storage', backdoor: memoryStorageBackdoor });

// The same suite without a backdoor proves the port-read fallback works too.
storageConformance({ describe, it }, () => createMemoryStorage(), { name: 'memory storage (port reads only)' });

const T0 = '2026-03-01T00:00:00.000Z' as Instant;

function order(id: string) {
  return createOrder<string>(
    {
      id,
      channel: 'pos',
      channelOrderId: `P-${id}`,
      customerRef: 'walk-in',
      currency: 'CNY',
      lines: [{ sku: 'TEA-1', quantity: 1, unitPrice: { amount: 100, currency: 'CNY' } }],
    },
    { clock: createFixedClock(T0) },
  );
}

describe('createMemoryStorage', () => {
  it('declares itself non-persistent and single-process', () => {
    expect(createMemoryStorage().capabilities).toEqual({ name: 'memory', persistent: false, multiProcess: false });
  });

  it('rejects options that are not what it expects', () => {
    expect(() => createMemoryStorage({ failWith: 'yes' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['failWith'], message: 'Expected a function' })] }));
    expect(() => createMemoryStorage(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: [] })] }));
    expect(() => createMemoryStorage({ failwith: () => undefined } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['failwith'] })] }));
  });

  it('failWith makes the named operation fail with STORAGE_FAILURE and writes nothing', async () => {
    const storage = createMemoryStorage({ failWith: (op) => (op === 'commit' ? new Error('disk full') : undefined) });
    const o = order('o-1');
    const error = await storage.commit({ orders: [{ order: o, expectedVersion: null, newHistory: o.history }] }).catch((e: unknown) => e);
    expect(isOrdoError(error) && error.code).toBe('STORAGE_FAILURE');
    expect((error as Error).message).toMatch(/disk full/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(await memoryStorageBackdoor(storage).readOrderVersion('o-1')).toBeNull();
    expect(await storage.orders.get('o-1')).toBeNull();
  });

  it('close can be called twice and names the closed storage in later errors', async () => {
    const storage = createMemoryStorage();
    await storage.close();
    await storage.close();
    await expect(storage.migrate()).rejects.toThrow(/memory storage was closed/);
  });

  it('mutating records returned by other sub-stores does not change storage', async () => {
    const storage = createMemoryStorage();
    await storage.commit({ outbox: [{ id: 'm1', topic: 't', key: 'k', payload: { n: 1 }, createdAt: T0 }] });
    const [listed] = await storage.outbox.list();
    (listed!.payload as { n: number }).n = 2;
    expect((await storage.outbox.list())[0]!.payload).toEqual({ n: 1 });

    const { task } = await storage.tasks.enqueue({ queue: 'q', key: 'k', payload: { n: 1 }, dueAt: T0 }, 't1', T0);
    (task.payload as { n: number }).n = 2;
    expect((await storage.tasks.get('t1'))!.payload).toEqual({ n: 1 });

    const issues = [{ code: 'c', path: ['a'], message: 'm' }];
    await storage.quarantine.put({ id: 'q1', source: 's', payload: { n: 1 }, issues, receivedAt: T0 });
    issues[0]!.message = 'changed';
    expect((await storage.quarantine.get('q1'))!.issues[0]!.message).toBe('m');
  });

  it('rejects a unit with a value structuredClone refuses before writing anything', async () => {
    const storage = createMemoryStorage();
    const bad = { id: 'm1', topic: 't', key: 'k', payload: { f: (() => 1) as never }, createdAt: T0 };
    await expect(storage.commit({ outbox: [bad] })).rejects.toThrow();
    expect(await memoryStorageBackdoor(storage).countOutbox()).toBe(0);
  });

  it('reserve and setStock reject counts that are not whole units with VALIDATION_FAILED', async () => {
    const storage = createMemoryStorage();
    await expect(storage.inventory.setStock('w', 's', -1, T0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(storage.inventory.setStock('w', 's', 1.5, T0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await storage.inventory.setStock('w', 's', 5, T0);
    await expect(
      storage.inventory.reserve([{ reservationId: 'r', orderId: 'o', lineId: 'L1', warehouseId: 'w', sku: 's', quantity: 0 }], T0),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: [0, 'quantity'] }] });
  });

  it('two writes to one order in a unit apply in sequence', async () => {
    const storage = createMemoryStorage();
    const o = order('o-2');
    const v2 = { ...o, status: 'paid', version: 2 };
    const v3 = { ...o, status: 'approved', version: 3 };
    const entry = (version: number) => ({ ...o.history[0]!, eventId: `e${version}`, version });
    await storage.commit({
      orders: [
        { order: o, expectedVersion: null, newHistory: o.history },
        { order: v2, expectedVersion: 1, newHistory: [entry(2)] },
        { order: v3, expectedVersion: 2, newHistory: [entry(3)] },
      ],
    });
    expect((await storage.orders.get('o-2'))?.status).toBe('approved');
    expect(await memoryStorageBackdoor(storage).countHistory('o-2')).toBe(3);
  });

  it('an update that moves an order onto another order\'s channel ref fails with DUPLICATE_KEY', async () => {
    const storage = createMemoryStorage();
    const a = order('a');
    const b = order('b');
    await storage.commit({ orders: [a, b].map((o) => ({ order: o, expectedVersion: null, newHistory: o.history })) });
    const moved = { ...b, channelOrderId: a.channelOrderId, version: 2 };
    await expect(storage.commit({ orders: [{ order: moved, expectedVersion: 1, newHistory: [] }] })).rejects.toMatchObject({ code: 'DUPLICATE_KEY' });
    expect((await storage.orders.findByChannelRef('pos', a.channelOrderId))?.id).toBe('a');
    expect((await storage.orders.findByChannelRef('pos', b.channelOrderId))?.id).toBe('b');
  });

  it('memoryStorageBackdoor refuses a storage it did not make', () => {
    const fake = { ...createMemoryStorage() };
    expect(() => memoryStorageBackdoor(fake)).toThrow(/createMemoryStorage/);
  });
});
