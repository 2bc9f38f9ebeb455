// Test helper: one persisted transition (read, guard, versioned write, history and outbox in one commit), retried on a stale version.
import type { Clock } from '../../src/clock/index.js';
import { isConcurrencyError } from '../../src/errors/index.js';
import { createOrderMachine, effectsToOutbox, type Order } from '../../src/orders/index.js';
import type { StoragePort } from '../../src/ports/index.js';

const machine = createOrderMachine();

/** A paid order (version 2): from here `hold` and `approve` alternate forever. */
export function paidOrder(id: string, clock: Clock): { readonly order: Order; readonly writes: Parameters<StoragePort['commit']>[0] } {
  const created = machine.createOrder(
    {
      id,
      channel: 'tmall',
      channelOrderId: `T-${id}`,
      customerRef: 'buyer-1',
      currency: 'CNY',
      lines: [{ sku: 'TEA-1', quantity: 1, unitPrice: { amount: 1990, currency: 'CNY' } }],
    },
    { clock },
  );
  const paid = machine.transition(created, { id: `${id}:pay`, type: 'pay' }, { clock });
  if (!paid.ok || paid.value.entry === null) throw new Error('pay was refused');
  return {
    order: paid.value.order,
    writes: {
      orders: [{ order: paid.value.order, expectedVersion: null, newHistory: [...created.history, paid.value.entry] }],
      outbox: effectsToOutbox(paid.value.effects, paid.value.order),
    },
  };
}

/** The outcome of {@link applyNextTransition}. */
export interface AppliedTransition {
  readonly version: number;
  /** Stale-version conflicts met (and retried) on the way. */
  readonly conflicts: number;
}

/**
 * Reads the order, applies the next event of the hold/approve cycle with the machine, and commits
 * the order, its history entry and its outbox events with the version it read; on
 * CONCURRENCY_CONFLICT it reads again and retries (up to `maxRetries`).
 */
export async function applyNextTransition(storage: StoragePort, orderId: string, eventId: string, clock: Clock, maxRetries = 200): Promise<AppliedTransition> {
  for (let conflicts = 0; ; conflicts += 1) {
    const order = (await storage.orders.get(orderId)) as Order | null;
    if (order === null) throw new Error(`order ${orderId} is missing`);
    const event = order.status === 'on_hold' ? ({ id: eventId, type: 'approve' } as const) : ({ id: eventId, type: 'hold', reason: 'check address' } as const);
    const result = machine.transition(order, event, { clock, actor: 'worker' });
    if (!result.ok) throw result.error;
    if (result.value.entry === null) return { version: order.version, conflicts };
    try {
      await storage.commit({
        orders: [{ order: result.value.order, expectedVersion: order.version, newHistory: [result.value.entry] }],
        outbox: effectsToOutbox(result.value.effects, result.value.order),
      });
      return { version: result.value.order.version, conflicts };
    } catch (error) {
      if (!isConcurrencyError(error) || conflicts >= maxRetries) throw error;
    }
  }
}
