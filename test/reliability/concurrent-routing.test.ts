// 8 worker processes routing the same approved orders at once: no SKU oversold, no day over capacity, every order allocated or held with a reason.
import { afterEach, describe, expect, it } from 'vitest';
import { parseCapacityDays, reservationIdOf } from '../../src/app/index.js';
import { systemClock } from '../../src/clock/index.js';
import type { Address } from '../../src/model/index.js';
import { approvedOrder, reliabilityRouter, storeApproved } from '../support/routing.js';
import { openTarget } from '../support/storage-target.js';
import { RELIABILITY_ADAPTERS } from './adapters.js';
import { runWorker } from './spawn-worker.js';

const WORKERS = 8;
const ORDERS = 60;
const SKUS = ['TEA', 'CUP', 'POT', 'MAT', 'SCARF', 'FISH'];
const PLACES: Address[] = [
  { country: 'CN', province: '浙江省', city: '杭州市', street: '文三路 1 号' },
  { country: 'CN', province: '上海市', street: '世纪大道 100 号' },
  { country: 'CN', province: '北京市', street: '长安街 1 号' },
  { country: 'CN', province: '广东省', city: '深圳市', street: '深南大道 1 号' },
  { country: 'CN', province: '四川省', city: '成都市', street: '春熙路 1 号' },
  { country: 'CN', province: '湖北省', city: '武汉市', street: '中山大道 1 号' },
];

for (const adapter of RELIABILITY_ADAPTERS) {
  describe.skipIf(adapter.skipReason !== undefined)(`concurrent routing on ${adapter.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    it(`${WORKERS} processes routing ${ORDERS} overlapping orders never oversell, never exceed a day's capacity, and leave every order allocated or held`, async () => {
      const { target, cleanup } = adapter.fresh();
      cleanups.push(cleanup);
      const storage = openTarget(target);
      try {
        await storage.migrate();
        const now = systemClock.now();
        // Little stock per warehouse and SKU and room for 6 orders a day each, so orders split, spill over or wait.
        for (const warehouseId of ['HZ', 'BJ', 'GZ', 'CD', 'WH']) {
          for (const [i, sku] of SKUS.entries()) await storage.inventory.setStock(warehouseId, sku, 8 + ((i * 3 + warehouseId.charCodeAt(0)) % 7), now);
        }
        const orders = Array.from({ length: ORDERS }, (_, n) =>
          approvedOrder(
            `rt-${n}`,
            PLACES[n % PLACES.length] as Address,
            Array.from({ length: 1 + (n % 3) }, (_, l) => [SKUS[(n + l * 2) % SKUS.length] as string, 1 + ((n + l) % 3), (n + l) % 11 === 0 ? 'fresh' : 'home'] as const),
            systemClock,
          ),
        );
        await storeApproved(storage, orders);
        const ids = orders.map((o) => o.order.id);
        const results = await Promise.all(
          Array.from({ length: WORKERS }, (_, w) => runWorker<{ outcomes: Record<string, number>; retries: number }>({ job: 'route', target, orderIds: w % 2 === 0 ? ids : [...ids].reverse() })),
        );
        const outcomes = results.reduce<Record<string, number>>((all, r) => {
          for (const [k, v] of Object.entries(r.outcomes)) all[k] = (all[k] ?? 0) + v;
          return all;
        }, {});
        expect(Object.keys(outcomes).every((k) => ['allocated', 'held', 'already', 'ILLEGAL_TRANSITION'].includes(k)), JSON.stringify(outcomes)).toBe(true);

        const router = reliabilityRouter();
        let allocated = 0;
        const reservedBy = new Map<string, number>();
        const shipmentsBy = new Map<string, number>();
        for (const id of ids) {
          const order = await storage.orders.get(id);
          expect(order).not.toBeNull();
          if (order === null) continue;
          if (order.status === 'on_hold') {
            expect(order.history.at(-1)?.reason, `order ${id} held with a routing reason`).toMatch(/^ROUTING_/);
            expect(await storage.inventory.listReservations(id)).toEqual([]);
            continue;
          }
          expect(order.status, `order ${id}`).toBe('allocated');
          allocated += 1;
          const allocateEvent = [...order.history].reverse().find((entry) => entry.type === 'allocate');
          const reservations = (await storage.inventory.listReservations(id)).filter((r) => r.status === 'active');
          // Exactly the reservations of its one allocation, line by line.
          const expected = order.lines.flatMap((line) => line.allocations.map((a) => reservationIdOf(allocateEvent?.eventId as string, line.lineId, a.warehouseId))).sort();
          expect(reservations.map((r) => r.reservationId).sort()).toEqual(expected);
          for (const line of order.lines) expect(line.allocations.reduce((sum, a) => sum + a.quantity, 0)).toBe(line.quantity);
          for (const r of reservations) reservedBy.set(`${r.warehouseId}:${r.sku}`, (reservedBy.get(`${r.warehouseId}:${r.sku}`) ?? 0) + r.quantity);
          for (const day of parseCapacityDays(order.attributes['routing.capacity'])) shipmentsBy.set(`${day.warehouseId}:${day.date}`, (shipmentsBy.get(`${day.warehouseId}:${day.date}`) ?? 0) + 1);
        }
        expect(allocated).toBeGreaterThan(ORDERS / 4);
        for (const warehouseId of ['HZ', 'BJ', 'GZ', 'CD', 'WH']) {
          for (const sku of SKUS) {
            const level = await storage.inventory.getStock(warehouseId, sku);
            expect(level?.reserved, `${warehouseId} ${sku} reserved = its active reservations`).toBe(reservedBy.get(`${warehouseId}:${sku}`) ?? 0);
            expect(level?.reserved ?? 0, `${warehouseId} ${sku} never oversold`).toBeLessThanOrEqual(level?.onHand ?? 0);
          }
        }
        const days = [...new Set(router.shipDays(systemClock.now()).map((d) => d.date))];
        const usage = await storage.inventory.getCapacityUsage({ dates: [...new Set([...days, ...[...shipmentsBy.keys()].map((k) => k.split(':')[1] as string)])] });
        for (const day of usage) {
          expect(day.orders, `${day.warehouseId} on ${day.date} within capacity`).toBeLessThanOrEqual(6);
          expect(day.orders, `${day.warehouseId} on ${day.date} counts each shipment once`).toBe(shipmentsBy.get(`${day.warehouseId}:${day.date}`) ?? 0);
        }
        // Demand exceeds 5 warehouses x 6 orders: the capacity limit was really in play.
        expect(usage.some((day) => day.orders === 6)).toBe(true);
      } finally {
        await storage.close();
      }
    }, 300_000);
  });
}
