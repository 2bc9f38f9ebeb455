// Routing test helpers: the seed router, an order builder and stock lists.
import { instant } from '../../src/clock/index.js';
import type { Instant } from '../../src/clock/index.js';
import { compileRouting, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY, type RoutableOrder, type RoutingDecision, type RoutingAllocation } from '../../src/routing/index.js';
import type { Address } from '../../src/model/index.js';

/** The seed router. */
export function seedRouter(): ReturnType<typeof compileRouting> {
  return compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY });
}

/** Monday 2026-11-30 10:00 in Shanghai: a working day, before the 16:00 cut-off. */
export const MONDAY_MORNING: Instant = instant('2026-11-30T10:00:00+08:00');

export const HANGZHOU: Address = { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 478 号' };
export const SHANGHAI: Address = { country: 'CN', province: '上海', street: '浦东新区世纪大道 100 号' };
export const SHENZHEN: Address = { country: 'CN', province: '广东省', city: '深圳市', street: '深南大道 1 号' };
export const HARBIN: Address = { country: 'CN', province: '黑龙江省', city: '哈尔滨市', street: '中央大街 1 号' };

type LineSpec = readonly [sku: string, quantity: number, category?: string];

/** An order with these lines to this address, total 100.00 CNY unless given. */
export function orderTo(address: Address | undefined, lines: readonly LineSpec[], totalFen = 10_000, id = 'order-1'): RoutableOrder {
  return {
    id,
    channel: 'tmall',
    lines: lines.map(([sku, quantity, category], i) => ({ lineId: `L${i + 1}`, sku, quantity, ...(category === undefined ? {} : { category }) })),
    totals: { total: { amount: totalFen, currency: 'CNY' } },
    ...(address === undefined ? {} : { shippingAddress: address }),
  };
}

/** Stock as `{ 'HZ:SKU': available }`. */
export function stock(levels: Readonly<Record<string, number>>): { warehouseId: string; sku: string; available: number }[] {
  return Object.entries(levels).map(([key, available]) => {
    const [warehouseId, sku] = key.split(':') as [string, string];
    return { warehouseId, sku, available };
  });
}

/** Narrows a decision to an allocation, failing with the decision when it is not one. */
export function allocated(decision: RoutingDecision): RoutingAllocation {
  if (decision.outcome !== 'allocate') throw new Error(`expected an allocation, got ${JSON.stringify({ outcome: decision.outcome, lines: 'lines' in decision ? decision.lines : [] })}`);
  return decision;
}

/** `warehouseId:lineId=quantity` per allocation, for compact assertions. */
export function allocationText(decision: RoutingAllocation): string[] {
  return decision.allocations.map((a) => `${a.warehouseId}:${a.lineId}=${a.quantity}`);
}
