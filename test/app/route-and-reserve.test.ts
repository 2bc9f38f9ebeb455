// routeAndReserve on memory, SQLite and PostgreSQL: one unit per decision, re-routing after a lost race, capacity, holds and backorders.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { applyOrderEvent, CAPACITY_ATTRIBUTE, routeAndReserve } from '../../src/app/index.js';
import { createFixedClock, instant } from '../../src/clock/index.js';
import type { Address } from '../../src/model/index.js';
import type { StoragePort } from '../../src/ports/index.js';
import { compileRouting, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY, type RoutingNetworkInput } from '../../src/routing/index.js';
import { RELIABILITY_ADAPTERS } from '../reliability/adapters.js';
import { approvedOrder, routingTestMachine as machine, storeApproved } from '../support/routing.js';
import { openTarget } from '../support/storage-target.js';

const clock = createFixedClock(instant('2026-11-30T10:00:00+08:00'));
const HANGZHOU: Address = { country: 'CN', province: '浙江省', city: '杭州市', street: '文三路 478 号' };
const HARBIN: Address = { country: 'CN', province: '黑龙江省', city: '哈尔滨市', street: '中央大街 1 号' };
const router = compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY });

const STORAGES: { name: string; skipReason: string | undefined; open(): { storage: StoragePort; cleanup(): Promise<void> } }[] = [
  { name: 'memory', skipReason: undefined, open: () => ({ storage: createMemoryStorage(), cleanup: async () => {} }) },
  ...RELIABILITY_ADAPTERS.map((adapter) => ({
    name: adapter.name,
    skipReason: adapter.skipReason,
    open() {
      const { target, cleanup } = adapter.fresh();
      const storage = openTarget(target);
      return {
        storage,
        cleanup: async () => {
          await storage.close();
          await cleanup();
        },
      };
    },
  })),
];

for (const backend of STORAGES) {
  describe.skipIf(backend.skipReason !== undefined)(`routeAndReserve on ${backend.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    async function fresh(): Promise<StoragePort> {
      const { storage, cleanup } = backend.open();
      cleanups.push(cleanup);
      await storage.migrate();
      return storage;
    }

    it('commits reservations, capacity, the allocate event with the allocation and its outbox as one unit; a redelivery writes nothing', async () => {
      const storage = await fresh();
      await storage.inventory.setStock('HZ', 'TEA', 10, clock.now());
      await storeApproved(storage, [approvedOrder('o-1', HANGZHOU, [['TEA', 3]], clock)]);
      const outboxBefore = (await storage.outbox.list({ limit: 1000 })).length;
      const result = await routeAndReserve({ storage, machine, clock, router }, 'o-1');
      expect(result?.ok).toBe(true);
      if (!result?.ok) return;
      expect(result.value.outcome).toBe('allocated');
      expect(result.value.decision?.outcome === 'allocate' && result.value.decision.rule).toBe('east-china');
      const stored = await storage.orders.get('o-1');
      expect(stored?.status).toBe('allocated');
      expect(stored?.lines[0]?.allocations).toEqual([{ warehouseId: 'HZ', quantity: 3 }]);
      expect(stored?.attributes[CAPACITY_ATTRIBUTE]).toBe('HZ=2026-11-30/3');
      expect(stored?.history.at(-1)).toMatchObject({ type: 'allocate', actor: 'routing:seed-routing@2026.11-1', reason: 'seed-routing@2026.11-1 rule east-china' });
      expect(await storage.inventory.getStock('HZ', 'TEA')).toMatchObject({ onHand: 10, reserved: 3 });
      const reservations = await storage.inventory.listReservations('o-1');
      expect(reservations.map((r) => [r.warehouseId, r.lineId, r.quantity, r.status])).toEqual([['HZ', stored?.lines[0]?.lineId, 3, 'active']]);
      expect(await storage.inventory.getCapacityUsage({ dates: ['2026-11-30'], warehouseIds: ['HZ'] })).toEqual([{ warehouseId: 'HZ', date: '2026-11-30', orders: 1, units: 3 }]);
      expect((await storage.outbox.list({ limit: 1000 })).length).toBeGreaterThan(outboxBefore);

      const again = await routeAndReserve({ storage, machine, clock, router }, 'o-1');
      expect(again?.ok && again.value.outcome).toBe('already');
      expect(await storage.inventory.getStock('HZ', 'TEA')).toMatchObject({ reserved: 3 });
    });

    it('re-reads and re-routes when another worker took the stock between its read and its commit', async () => {
      const storage = await fresh();
      await storage.inventory.setStock('HZ', 'TEA', 5, clock.now());
      await storage.inventory.setStock('WH', 'TEA', 9, clock.now());
      await storeApproved(storage, [approvedOrder('o-2', HANGZHOU, [['TEA', 3]], clock)]);
      // A storage whose first stock read lets a rival reserve Hangzhou's units before the commit.
      let raced = false;
      const racing: StoragePort = Object.create(storage, {
        inventory: {
          value: Object.create(storage.inventory, {
            getStockLevels: {
              value: async (query: Parameters<StoragePort['inventory']['getStockLevels']>[0]) => {
                const levels = await storage.inventory.getStockLevels(query);
                if (!raced) {
                  raced = true;
                  await storage.inventory.reserve([{ reservationId: 'rival', orderId: 'rival', lineId: 'L1', warehouseId: 'HZ', sku: 'TEA', quantity: 3 }], clock.now());
                }
                return levels;
              },
            },
          }),
        },
      });
      const result = await routeAndReserve({ storage: racing, machine, clock, router }, 'o-2');
      expect(result?.ok).toBe(true);
      if (!result?.ok) return;
      expect(result.value.retries).toBe(1);
      expect((await storage.orders.get('o-2'))?.lines[0]?.allocations).toEqual([{ warehouseId: 'WH', quantity: 3 }]);
      expect(await storage.inventory.getStock('HZ', 'TEA')).toMatchObject({ reserved: 3 });
      expect(await storage.inventory.getStock('WH', 'TEA')).toMatchObject({ reserved: 3 });
    });

    it('respects daily capacity: a warehouse with room for one order a day sends the second elsewhere', async () => {
      const storage = await fresh();
      const network = { ...SEED_ROUTING_NETWORK, warehouses: SEED_ROUTING_NETWORK.warehouses.map((w) => (w.id === 'HZ' ? { ...w, capacity: { orders: 1 } } : w)) } as RoutingNetworkInput;
      const small = compileRouting({ network, policy: SEED_ROUTING_POLICY });
      await storage.inventory.setStock('HZ', 'TEA', 50, clock.now());
      await storage.inventory.setStock('WH', 'TEA', 50, clock.now());
      await storeApproved(storage, [approvedOrder('c-1', HANGZHOU, [['TEA', 1]], clock), approvedOrder('c-2', HANGZHOU, [['TEA', 1]], clock)]);
      await routeAndReserve({ storage, machine, clock, router: small }, 'c-1');
      await routeAndReserve({ storage, machine, clock, router: small }, 'c-2');
      expect((await storage.orders.get('c-1'))?.lines[0]?.allocations).toEqual([{ warehouseId: 'HZ', quantity: 1 }]);
      expect((await storage.orders.get('c-2'))?.lines[0]?.allocations).toEqual([{ warehouseId: 'WH', quantity: 1 }]);
    });

    it('holds the order with the policy\'s reason, or backorders it writing nothing, when no allocation exists', async () => {
      const storage = await fresh();
      await storeApproved(storage, [approvedOrder('h-1', HARBIN, [['FISH', 1, 'fresh']], clock), approvedOrder('b-1', HARBIN, [['TEA', 1]], clock)]);
      const held = await routeAndReserve({ storage, machine, clock, router }, 'h-1');
      expect(held?.ok && held.value.outcome).toBe('held');
      const order = await storage.orders.get('h-1');
      expect(order?.status).toBe('on_hold');
      expect(order?.history.at(-1)).toMatchObject({ type: 'hold', reason: 'ROUTING_FRESH_NOT_IN_STOCK' });
      const backordered = await routeAndReserve({ storage, machine, clock, router }, 'b-1');
      expect(backordered?.ok && backordered.value.outcome).toBe('backordered');
      expect((await storage.orders.get('b-1'))?.status).toBe('approved');
      expect(await storage.inventory.listReservations('b-1')).toEqual([]);
    });

    it('refuses an order its state does not let allocate, and answers null for an unknown order', async () => {
      const storage = await fresh();
      await storage.inventory.setStock('HZ', 'TEA', 10, clock.now());
      const { order, writes } = approvedOrder('r-1', HANGZHOU, [['TEA', 1]], clock);
      await storage.commit(writes);
      const cancelled = machine.transition(order, { id: 'r-1:cancel', type: 'cancel' }, { clock });
      if (!cancelled.ok || cancelled.value.entry === null) throw new Error('cancel refused');
      await storage.commit({ orders: [{ order: cancelled.value.order, expectedVersion: order.version, newHistory: [cancelled.value.entry] }] });
      const result = await routeAndReserve({ storage, machine, clock, router }, 'r-1');
      expect(result?.ok).toBe(false);
      expect(result?.ok === false && result.error.code).toBe('ILLEGAL_TRANSITION');
      expect(await storage.inventory.getStock('HZ', 'TEA')).toMatchObject({ reserved: 0 });
      expect(await routeAndReserve({ storage, machine, clock, router }, 'nobody')).toBeNull();
    });
  });
}

describe('reservations follow the order on memory', () => {
  const apply = (storage: StoragePort, orderId: string, event: Parameters<typeof applyOrderEvent>[2]) => applyOrderEvent({ storage, machine, clock }, orderId, event);

  it('a cancel releases the reservations and the capacity in the same unit as the event', async () => {
    const storage = createMemoryStorage();
    await storage.inventory.setStock('HZ', 'TEA', 10, clock.now());
    await storeApproved(storage, [approvedOrder('x-1', HANGZHOU, [['TEA', 4]], clock)]);
    await routeAndReserve({ storage, machine, clock, router }, 'x-1');
    const cancelled = await apply(storage, 'x-1', { id: 'x-1:cancel', type: 'cancel' });
    expect(cancelled?.ok).toBe(true);
    expect(await storage.inventory.getStock('HZ', 'TEA')).toMatchObject({ onHand: 10, reserved: 0 });
    expect((await storage.inventory.listReservations('x-1')).map((r) => r.status)).toEqual(['released']);
    expect(await storage.inventory.getCapacityUsage({ dates: ['2026-11-30'] })).toEqual([]);
  });

  it('a shipment commits the reservation of every line it shipped in full, and only those', async () => {
    const storage = createMemoryStorage();
    await storage.inventory.setStock('HZ', 'TEA', 10, clock.now());
    await storage.inventory.setStock('HZ', 'CUP', 10, clock.now());
    await storeApproved(storage, [approvedOrder('s-1', HANGZHOU, [['TEA', 2], ['CUP', 1]], clock)]);
    await routeAndReserve({ storage, machine, clock, router }, 's-1');
    const order = await storage.orders.get('s-1');
    const [tea, cup] = order?.lines ?? [];
    await apply(storage, 's-1', { id: 's-1:ship-1', type: 'ship', shipmentId: 'P1', warehouseId: 'HZ', lines: [{ lineId: tea?.lineId as string, quantity: 2 }] } as never);
    expect(await storage.inventory.getStock('HZ', 'TEA')).toMatchObject({ onHand: 8, reserved: 0 });
    expect(await storage.inventory.getStock('HZ', 'CUP')).toMatchObject({ onHand: 10, reserved: 1 });
    await apply(storage, 's-1', { id: 's-1:ship-2', type: 'ship', shipmentId: 'P2', lines: [{ lineId: cup?.lineId as string, quantity: 1 }] } as never);
    expect(await storage.inventory.getStock('HZ', 'CUP')).toMatchObject({ onHand: 9, reserved: 0 });
    expect((await storage.inventory.listReservations('s-1')).map((r) => r.status)).toEqual(['committed', 'committed']);
  });

  it('after an address change, routing again releases the old reservations and reserves for the new address in one unit', async () => {
    const storage = createMemoryStorage();
    await storage.inventory.setStock('HZ', 'TEA', 10, clock.now());
    await storage.inventory.setStock('BJ', 'TEA', 10, clock.now());
    await storeApproved(storage, [approvedOrder('a-1', HANGZHOU, [['TEA', 2]], clock)]);
    await routeAndReserve({ storage, machine, clock, router }, 'a-1');
    expect((await storage.orders.get('a-1'))?.lines[0]?.allocations).toEqual([{ warehouseId: 'HZ', quantity: 2 }]);
    await apply(storage, 'a-1', { id: 'a-1:move', type: 'change_address', address: HARBIN } as never);
    const again = await routeAndReserve({ storage, machine, clock, router }, 'a-1');
    expect(again?.ok && again.value.outcome).toBe('allocated');
    const order = await storage.orders.get('a-1');
    expect(order?.status).toBe('allocated');
    expect(order?.lines[0]?.allocations).toEqual([{ warehouseId: 'BJ', quantity: 2 }]);
    expect(await storage.inventory.getStock('HZ', 'TEA')).toMatchObject({ reserved: 0 });
    expect(await storage.inventory.getStock('BJ', 'TEA')).toMatchObject({ reserved: 2 });
    expect(await storage.inventory.getCapacityUsage({ dates: ['2026-11-30'] })).toEqual([{ warehouseId: 'BJ', date: '2026-11-30', orders: 1, units: 2 }]);
    // Routing it once more changes nothing: the address has not changed since.
    expect((await routeAndReserve({ storage, machine, clock, router }, 'a-1'))?.ok).toBe(true);
    expect(await storage.inventory.getStock('BJ', 'TEA')).toMatchObject({ reserved: 2 });
  });

  it('a re-route that finds nothing at the new address releases the old reservations and capacity and flags the order for an operator', async () => {
    const storage = createMemoryStorage();
    await storage.inventory.setStock('HZ', 'TEA', 10, clock.now());
    const holding = compileRouting({
      network: SEED_ROUTING_NETWORK,
      policy: { ...SEED_ROUTING_POLICY, rules: SEED_ROUTING_POLICY.rules.map((rule) => (rule.id === 'nationwide' ? { ...rule, fallback: { type: 'hold', reason: 'OUT_OF_STOCK' } } : rule)) } as never,
    });
    await storeApproved(storage, [approvedOrder('m-1', HANGZHOU, [['TEA', 2]], clock)]);
    await routeAndReserve({ storage, machine, clock, router: holding }, 'm-1');
    await apply(storage, 'm-1', { id: 'm-1:move', type: 'change_address', address: { ...HARBIN } } as never);
    // Hangzhou does not serve Harbin and ships within a day only in East China: nowhere to go.
    await storage.inventory.setStock('HZ', 'TEA', 2, clock.now());
    const again = await routeAndReserve({ storage, machine, clock, router: holding }, 'm-1');
    expect(again?.ok && again.value.outcome).toBe('held');
    const order = await storage.orders.get('m-1');
    expect(order?.status).toBe('exception');
    expect(order?.history.at(-1)).toMatchObject({ type: 'flag_exception', reason: 'ROUTING_OUT_OF_STOCK' });
    expect(order?.attributes[CAPACITY_ATTRIBUTE]).toBe('');
    expect(await storage.inventory.getStock('HZ', 'TEA')).toMatchObject({ reserved: 0 });
    expect(await storage.inventory.getCapacityUsage({ dates: ['2026-11-30'] })).toEqual([]);
    // The operator resolves it and the buyer cancels: nothing is released twice.
    expect((await apply(storage, 'm-1', { id: 'm-1:resolve', type: 'resolve_exception' }))?.ok).toBe(true);
    expect((await apply(storage, 'm-1', { id: 'm-1:cancel', type: 'cancel' }))?.ok).toBe(true);
    expect(await storage.inventory.getCapacityUsage({ dates: ['2026-11-30'] })).toEqual([]);
  });
});

describe('routeAndReserve with the order the caller holds', () => {
  it('routes a current copy without reading it again, and confirms a stale copy on a fresh read', async () => {
    const storage = createMemoryStorage();
    let reads = 0;
    const counting: StoragePort = { ...storage, orders: { ...storage.orders, get: async (id: string) => (reads++, storage.orders.get(id)) } };
    await storage.inventory.setStock('HZ', 'TEA', 10, clock.now());
    await storeApproved(storage, [approvedOrder('o-copy', HANGZHOU, [['TEA', 3]], clock)]);
    const copy = await storage.orders.get('o-copy');
    const first = await routeAndReserve({ storage: counting, machine, clock, router }, 'o-copy', copy === null ? {} : { current: copy });
    expect(first?.ok && first.value.outcome).toBe('allocated');
    expect(reads).toBe(0);
    // The same copy again is stale now (the order is allocated): a fresh read says so, and nothing is written twice.
    const again = await routeAndReserve({ storage: counting, machine, clock, router }, 'o-copy', copy === null ? {} : { current: copy });
    expect(again?.ok && again.value.outcome).toBe('already');
    expect(reads).toBe(1);
    expect((await storage.inventory.listReservations('o-copy')).map((r) => r.quantity)).toEqual([3]);
  });
});
