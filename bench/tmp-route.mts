import { compileRouting } from '../src/routing/compile-routing.js';
import { SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY } from '../src/routing/seed-routing.js';
const router = compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY });
console.log('warnings', router.warnings);
const snap = router.snapshot({ at: '2026-11-30T07:00:00.000Z' as any, stock: [
  { warehouseId: 'HZ', sku: 'A', available: 3 }, { warehouseId: 'WH', sku: 'A', available: 10 }, { warehouseId: 'BJ', sku: 'A', available: 50 },
  { warehouseId: 'HZ', sku: 'B', available: 10 }, { warehouseId: 'GZ', sku: 'B', available: 10 },
], weights: { A: 800 } });
const order = { id: 'o1', channel: 'tmall', lines: [{ lineId: 'l1', sku: 'A', quantity: 2 }, { lineId: 'l2', sku: 'B', quantity: 1 }], totals: { total: { amount: 10000, currency: 'CNY' } }, shippingAddress: { country: 'CN', province: '浙江省', city: '杭州市', street: '文三路1号' } };
console.dir(router.route(order, snap), { depth: 8 });
const o2 = { ...order, lines: [{ lineId: 'l1', sku: 'A', quantity: 5 }], shippingAddress: { country: 'CN', province: '广东', city: '深圳', street: 'x' } };
console.dir(router.route(o2, snap), { depth: 8 });
