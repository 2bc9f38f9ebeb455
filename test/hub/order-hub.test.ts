// createOrderHub on its own: embedded defaults, idempotent creation (also racing), transitions,
// the outbox reaching the transport, validation before any read, and close.
import { describe, expect, it } from 'vitest';
import { createMemoryStorage, createMemoryTransport } from '../../src/adapters/memory.js';
import { createManualClock } from '../../src/clock/index.js';
import { isIdempotencyError, isValidationError } from '../../src/errors/index.js';
import { createOrderHub } from '../../src/hub/index.js';
import { compileRouting, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY } from '../../src/routing/index.js';
import type { CreateOrderInput } from '../../src/orders/index.js';
import type { OutboxMessage } from '../../src/ports/index.js';

const input = (overrides: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
  channel: 'tmall',
  channelOrderId: 'TM-1',
  customerRef: 'buyer-9',
  currency: 'CNY',
  lines: [{ lineId: 'L1', sku: 'LONGJING-250G', quantity: 2, unitPrice: { amount: 12800, currency: 'CNY' } }],
  ...overrides,
});

describe('createOrderHub', () => {
  it('runs embedded with no configuration: create, transition, history, next events', async () => {
    const hub = createOrderHub({ clock: createManualClock('2026-11-11T00:00:00+08:00') });
    const { order, created } = await hub.createOrder(input());
    expect(created).toBe(true);
    expect(order.status).toBe('pending_payment');
    expect((await hub.apply(order.id, { id: 'e1', type: 'pay' }))?.ok).toBe(true);
    expect((await hub.get(order.id))?.status).toBe('paid');
    expect((await hub.history(order.id)).map((h) => h.to)).toEqual(['pending_payment', 'paid']);
    const next = await hub.nextEvents(order.id);
    expect(next?.find((e) => e.type === 'approve')?.allowed).toBe(true);
    expect(await hub.apply('missing', { id: 'e2', type: 'pay' })).toBeNull();
    expect(await hub.nextEvents('missing')).toBeNull();
    await hub.close();
  });

  it('creates a channel order once: the same input returns the stored order, other content is IDEMPOTENCY_MISMATCH', async () => {
    const hub = createOrderHub({ clock: createManualClock('2026-11-11T00:00:00Z') });
    const first = await hub.createOrder(input());
    const again = await hub.createOrder(input());
    expect(again).toEqual({ order: first.order, created: false });
    const error = await hub.createOrder(input({ lines: [{ lineId: 'L1', sku: 'LONGJING-250G', quantity: 9, unitPrice: { amount: 12800, currency: 'CNY' } }] })).catch((e: unknown) => e);
    expect(isIdempotencyError(error) && error.key).toBe('tmall:TM-1');
    await hub.close();
  });

  it('two hubs racing to create one channel order store it once; both get the same order', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock('2026-11-11T00:00:00Z');
    const hubs = [createOrderHub({ storage, clock }), createOrderHub({ storage, clock })];
    const results = await Promise.all(hubs.map((hub) => hub.createOrder(input())));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect((await storage.outbox.claim({ owner: 'x', now: clock.now(), leaseUntil: clock.now(), limit: 10 })).filter((m) => m.topic === 'order.created')).toHaveLength(1);
  });

  it('publishes committed events through the outbox to the transport, in order', async () => {
    const transport = createMemoryTransport();
    const received: OutboxMessage[] = [];
    await transport.subscribe({ topic: 'order.*', group: 'wms', handler: async ({ message }) => void received.push(message as OutboxMessage) });
    const hub = createOrderHub({ clock: createManualClock('2026-11-11T00:00:00Z'), transport });
    const { order } = await hub.createOrder(input());
    await hub.apply(order.id, { id: 'e1', type: 'pay' });
    const result = await hub.publishPending();
    expect(result.delivered).toBeGreaterThanOrEqual(2);
    await transport.idle();
    expect(received.map((m) => m.topic).slice(0, 2)).toEqual(['order.created', 'order.status_changed']);
    // order.created leaves as an effect, like every other event: the new order inside.
    expect(received[0]?.payload).toMatchObject({ type: 'created', orderId: order.id, eventId: `${order.id}:created`, order: { id: order.id, version: 1 } });
    expect(received[0]?.headers).toMatchObject({ effect: 'created', eventId: `${order.id}:created` });
    await hub.close();
  });

  it('refuses bad input before any read, and a bad event as data, writing nothing', async () => {
    const storage = createMemoryStorage();
    const hub = createOrderHub({ storage, clock: createManualClock('2026-11-11T00:00:00Z') });
    const error = await hub.createOrder(input({ currency: 'yuan' })).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    const { order } = await hub.createOrder(input());
    const refused = await hub.apply(order.id, { type: 'pay' } as never);
    expect(refused?.ok === false && refused.error.code).toBe('VALIDATION_FAILED');
    expect((await hub.get(order.id))?.version).toBe(1);
    await hub.close();
  });

  it('close() stops the relay and closes storage and transport', async () => {
    const storage = createMemoryStorage();
    const hub = createOrderHub({ storage, clock: createManualClock('2026-11-11T00:00:00Z') });
    hub.relay.start();
    await hub.close();
    expect(hub.relay.running).toBe(false);
    await expect(storage.orders.get('x')).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });

  it('route() routes an approved order with the hub\'s router in one unit, and refuses with INVALID_OPTIONS without a router', async () => {
    const clock = createManualClock('2026-11-30T10:00:00+08:00');
    const bare = createOrderHub({ clock });
    const refused = await bare.route('x').catch((e: unknown) => e);
    expect(isValidationError(refused) && refused.code).toBe('INVALID_OPTIONS');
    await bare.close();

    const hub = createOrderHub({ clock, router: compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY }) });
    await hub.storage.inventory.setStock('HZ', 'LONGJING-250G', 10, clock.now());
    const { order } = await hub.createOrder({ ...input(), shippingAddress: { country: 'CN', province: '浙江省', city: '杭州市', street: '文三路 1 号' } });
    await hub.apply(order.id, { id: 'p', type: 'pay' });
    await hub.apply(order.id, { id: 'a', type: 'approve' });
    const routed = await hub.route(order.id);
    expect(routed?.ok && routed.value.outcome).toBe('allocated');
    expect((await hub.get(order.id))?.status).toBe('allocated');
    expect(await hub.route('nobody')).toBeNull();
    await hub.close();
  });
});
