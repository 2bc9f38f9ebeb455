// Test helper: approved orders ready for routing, written to a storage in one commit each.
import type { Clock } from '../../src/clock/index.js';
import type { Address } from '../../src/model/index.js';
import { createOrderMachine, effectsToOutbox, type Order } from '../../src/orders/index.js';
import type { StoragePort } from '../../src/ports/index.js';
import { compileRouting, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY, type Router, type RoutingNetworkInput, type RoutingPolicyInput } from '../../src/routing/index.js';

const machine = createOrderMachine();

/** An approved order (version 3) with these lines ([sku, quantity, category?]) to this address. */
export function approvedOrder(id: string, address: Address, lines: readonly (readonly [string, number, string?])[], clock: Clock): { readonly order: Order; readonly writes: Parameters<StoragePort['commit']>[0] } {
  const created = machine.createOrder(
    {
      id,
      channel: 'tmall',
      channelOrderId: `T-${id}`,
      customerRef: 'buyer-1',
      currency: 'CNY',
      shippingAddress: address,
      lines: lines.map(([sku, quantity, category]) => ({ sku, quantity, unitPrice: { amount: 1990, currency: 'CNY' }, ...(category === undefined ? {} : { category }) })),
    },
    { clock },
  );
  let order = created;
  const history = [...created.history];
  const effects = [];
  for (const type of ['pay', 'approve'] as const) {
    const result = machine.transition(order, { id: `${id}:${type}`, type }, { clock });
    if (!result.ok || result.value.entry === null) throw new Error(`${type} was refused`);
    order = result.value.order;
    history.push(result.value.entry);
    effects.push(...result.value.effects);
  }
  return { order, writes: { orders: [{ order, expectedVersion: null, newHistory: history }], outbox: effectsToOutbox(effects, order) } };
}

/** Writes approved orders. */
export async function storeApproved(storage: StoragePort, orders: readonly { readonly writes: Parameters<StoragePort['commit']>[0] }[]): Promise<void> {
  for (const { writes } of orders) await storage.commit(writes);
}

export { machine as routingTestMachine };

/**
 * The router the routing reliability test runs: the seed network with room for 6 orders a day
 * per warehouse, and the seed policy holding (not backordering) what no warehouse can ship.
 */
export function reliabilityRouter(): Router {
  const network = { ...SEED_ROUTING_NETWORK, warehouses: SEED_ROUTING_NETWORK.warehouses.map((w) => ({ ...w, capacity: { orders: 6 } })) } as RoutingNetworkInput;
  const policy = {
    ...SEED_ROUTING_POLICY,
    rules: SEED_ROUTING_POLICY.rules.map((rule) => (rule.id === 'nationwide' ? { ...rule, fallback: { type: 'hold', reason: 'OUT_OF_STOCK' } } : rule)),
  } as RoutingPolicyInput;
  return compileRouting({ network, policy });
}
