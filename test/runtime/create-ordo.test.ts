// createOrdo: one definition runs the whole pipeline (intake, approval, routing and reservation,
// waybills, sync with compensation, fan-out to every transport) with no glue.
import { describe, expect, it, vi } from 'vitest';
import { createManualClock, type ManualClock } from '../../src/clock/index.js';
import { createOrdo, PIPELINE, type OrdoOptions } from '../../src/index.js';
import { createMemoryCarrier } from '../../src/adapters/carrier.js';
import { createMemoryStorage, createMemoryTransport } from '../../src/adapters/memory.js';
import { createWebhookTransport, generateWebhookSecret } from '../../src/adapters/webhook.js';
import { EXAMPLE_WMS_STATUSES, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY } from '../../src/index.js';
import type { JsonValue, TransportMessage, TransportPort } from '../../src/ports/index.js';
import type { Order } from '../../src/orders/index.js';
import type { SyncTarget } from '../../src/ports/index.js';

const goodCustomer = async () => ({ creditScore: 720, isBlocked: false });

function tmallTrade(tid: string, overrides: Record<string, unknown> = {}) {
  return {
    tid,
    buyer_open_uid: `buyer-${tid}`,
    status: 'WAIT_SELLER_SEND_GOODS',
    created: '2026-11-11 00:00:08',
    payment: '275.00',
    post_fee: '0.00',
    discount_fee: '20.00',
    receiver_name: '王小明',
    receiver_mobile: '13812345678',
    receiver_state: '浙江省',
    receiver_city: '杭州市',
    receiver_address: '文三路 478 号',
    orders: [
      { oid: `${tid}1`, outer_sku_id: 'TEA-LJ-250', num: 2, price: '128.00' },
      { oid: `${tid}2`, outer_sku_id: 'CUP-CELADON', num: 1, price: '39.00' },
    ],
    ...overrides,
  };
}

/** A WMS that can be down, holding what was pushed. */
function fakeWms() {
  const held = new Map<string, JsonValue>();
  const state = { up: true, pushes: 0 };
  const target: SyncTarget = {
    system: 'wms',
    async push(key, record) {
      state.pushes += 1;
      if (!state.up) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' });
      held.set(key, record);
    },
    read: async (key) => held.get(key),
  };
  const config = {
    target,
    statuses: ['allocated', 'shipped', 'cancelled'],
    toTarget: (record: JsonValue) => ({ id: (record as unknown as Order).id, status: EXAMPLE_WMS_STATUSES.fromCanonical((record as unknown as Order).status) }),
    spec: { fields: { status: { compare: 'status' as const, source: EXAMPLE_WMS_STATUSES, target: EXAMPLE_WMS_STATUSES } } },
  };
  return { held, state, config };
}

/** A transport that records what it carried and can refuse. */
function recordingTransport(): TransportPort & { readonly carried: TransportMessage[]; down: boolean } {
  const carried: TransportMessage[] = [];
  const transport = {
    carried,
    down: false,
    async publish(message: TransportMessage) {
      if (transport.down) throw Object.assign(new Error('broker unreachable'), { code: 'TRANSPORT_FAILURE' });
      carried.push(message);
    },
    declareGroup: async () => undefined,
    subscribe: async () => ({ unsubscribe: async () => undefined }),
    close: async () => undefined,
  };
  return transport;
}

function fullOrdo(clock: ManualClock, extra: Partial<OrdoOptions> = {}) {
  const wms = fakeWms();
  const carrier = createMemoryCarrier({ clock });
  const ordo = createOrdo({
    clock,
    zone: 'Asia/Shanghai',
    catalogue: { 'TEA-LJ-250': { category: 'home', weightGrams: 300 }, 'CUP-CELADON': { category: 'home', weightGrams: 450 } },
    approval: { customerFacts: goodCustomer },
    routing: { network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY },
    waybills: { carrier, sender: { country: 'CN', province: '浙江省', city: '杭州市', street: '余杭区仓前街道 1 号' } },
    sync: { targets: [wms.config] },
    ...extra,
  });
  return { ordo, wms, carrier };
}

async function stock(ordo: ReturnType<typeof createOrdo>, clock: ManualClock, levels: readonly (readonly [string, string, number])[]): Promise<void> {
  for (const [warehouse, sku, units] of levels) await ordo.storage.inventory.setStock(warehouse, sku, units, clock.now());
}

describe('createOrdo with no options', () => {
  it('runs embedded: a paid order meets the seed policy, which holds it for the facts it lacks and says which', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const ordo = createOrdo({ clock });
    expect(ordo.pipeline.map((line) => line.step)).toEqual(['approval']);
    const report = await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800001') }]);
    expect(report.counts.accepted).toBe(1);
    expect((await ordo.settle()).settled).toBe(true);
    const order = await ordo.get('tmall:3862104598800001');
    expect(order?.status).toBe('on_hold');
    const why = await ordo.explain('tmall:3862104598800001');
    expect(why?.history.at(-1)?.details).toMatchObject({ step: 'approval', outcome: 'hold', reasons: ['MISSING_FACT'] });
    expect(why?.text).toContain('facts missing: customer.creditScore');
    // Personal data never reaches the explanation.
    expect(why?.text).not.toMatch(/13812345678|王小明|文三路/);

    const reviewed = await ordo.review('tmall:3862104598800001', { decision: 'approve', by: 'ops:alice', reason: 'called the buyer' });
    expect(reviewed?.ok).toBe(true);
    await ordo.settle();
    const after = await ordo.explain('tmall:3862104598800001');
    expect(after?.status).toBe('approved');
    expect(after?.history.at(-1)).toMatchObject({ type: 'approve', actor: 'ops:alice', reason: 'called the buyer', details: { step: 'review', decision: 'approve', by: 'ops:alice' } });
    expect(after?.waitingOn).toBe('routing (no routing section: nothing routes it)');
    await ordo.close();
  });

  it('masks an ID number or phone an operator typed into a review reason', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const ordo = createOrdo({ clock });
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800002') }]);
    await ordo.settle();
    await ordo.review('tmall:3862104598800002', { decision: 'reject', by: 'ops:bob', reason: 'buyer 13812345678 asked to cancel' });
    const why = await ordo.explain('tmall:3862104598800002');
    expect(why?.status).toBe('rejected');
    expect(why?.text).not.toContain('13812345678');
    await ordo.close();
  });
});

describe('createOrdo, the whole pipeline', () => {
  it('takes a payload to an allocated order with its waybill, and keeps the WMS in step through an outage', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const { ordo, wms, carrier } = fullOrdo(clock);
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    const heard: string[] = [];
    await ordo.transport.subscribe({ topic: 'order.#', group: 'erp', handler: async ({ message }) => void heard.push(message.topic) });
    wms.state.up = false;

    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800010') }]);
    expect((await ordo.settle()).settled).toBe(true);
    const id = 'tmall:3862104598800010';
    const order = await ordo.get(id);
    expect(order?.status).toBe('allocated');
    expect(order?.history.map((entry) => entry.type)).toEqual(['create', 'pay', 'approve', 'allocate']);
    expect(order?.history.at(-1)?.details).toMatchObject({ step: 'routing', rule: 'east-china', shipments: [{ warehouseId: 'HZ' }] });
    expect(carrier.issued()).toHaveLength(1);
    expect((await ordo.storage.inventory.listReservations(id)).map((r) => `${r.warehouseId}:${r.sku}:${r.quantity}`).sort()).toEqual(['HZ:CUP-CELADON:1', 'HZ:TEA-LJ-250:2']);
    expect(heard).toContain('order.created');
    // The WMS was down: a compensation task waits, and explain shows it.
    expect((await ordo.explain(id))?.tasks).toEqual([expect.objectContaining({ queue: 'ordo.tasks', key: `wms:${id}`, status: 'pending' })]);
    expect(wms.held.size).toBe(0);
    // Step tasks keep what woke them, never the order with its buyer's phone, name or address.
    const stepTasks = (await ordo.storage.tasks.list({ queue: 'ordo.tasks', limit: 1_000 })).filter((task) => String((task.payload as { kind?: string }).kind).startsWith('step.'));
    expect(stepTasks.length).toBeGreaterThan(0);
    expect(JSON.stringify(stepTasks)).not.toMatch(/13812345678|王小明|文三路/);

    wms.state.up = true;
    clock.advance({ minutes: 16 });
    await ordo.settle();
    expect(wms.held.get(id)).toEqual({ id, status: EXAMPLE_WMS_STATUSES.fromCanonical('allocated') });
    expect((await ordo.explain(id))?.tasks).toEqual([]);

    // Settling again, or a redelivered payload, changes nothing: one reservation set, one waybill.
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800010') }]);
    await ordo.settle();
    expect(carrier.issued()).toHaveLength(1);
    expect((await ordo.get(id))?.version).toBe(4);
    await ordo.close();
  });

  it('treats the same channel order with another body as a change, never a second order', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const { ordo, carrier } = fullOrdo(clock);
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    const first = tmallTrade('3862104598800011');
    const changed = tmallTrade('3862104598800011', { orders: [{ oid: '38621045988000111', outer_sku_id: 'TEA-LJ-250', num: 5, price: '128.00' }], payment: '640.00', discount_fee: '0.00' });
    const report = await ordo.ingest([{ channel: 'tmall', payload: first }, { channel: 'tmall', payload: changed }]);
    expect(report.items.map((item) => item.outcome)).toEqual(['accepted', 'refused']);
    await ordo.settle();
    expect((await ordo.get('tmall:3862104598800011'))?.lines.map((line) => line.quantity)).toEqual([2, 1]);
    expect(carrier.issued()).toHaveLength(1);
    // createOrder is the same door with the same id rule: other content is refused, the same content finds the order.
    const input = { channel: 'erp', channelOrderId: 'SO-1', customerRef: 'erp:c-1', currency: 'CNY', lines: [{ lineId: 'L1', sku: 'TEA-LJ-250', quantity: 1, unitPrice: { amount: 12800, currency: 'CNY' } }] };
    expect((await ordo.createOrder(input)).order.id).toBe('erp:SO-1');
    expect((await ordo.createOrder(input)).created).toBe(false);
    await expect(ordo.createOrder({ ...input, lines: [{ ...input.lines[0]!, quantity: 2 }] })).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
    await ordo.close();
  });

  it('waits for short stock (backorder, or a hold with its reason) and routes the order once the stock is in', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    // Fresh goods ship only from Hangzhou (a hold when it has none); tea waits for stock (a backorder).
    const { ordo, carrier } = fullOrdo(clock, { catalogue: { 'TEA-LJ-250': { category: 'home', weightGrams: 300 }, 'CUP-CELADON': { category: 'home' }, 'CRAB-2KG': { category: 'fresh', weightGrams: 2000 } } });
    const crab = tmallTrade('3862104598800013', { payment: '399.00', discount_fee: '0.00', orders: [{ oid: '38621045988000131', outer_sku_id: 'CRAB-2KG', num: 1, price: '399.00' }] });
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800012') }, { channel: 'tmall', payload: crab }]);
    await ordo.settle();
    const tea = 'tmall:3862104598800012';
    const fresh = 'tmall:3862104598800013';
    expect((await ordo.get(tea))?.status).toBe('approved');
    expect((await ordo.explain(tea))?.waitingOn).toMatch(/^routing/);
    const held = await ordo.get(fresh);
    expect(held?.status).toBe('on_hold');
    expect(held?.history.at(-1)?.reason).toBe('ROUTING_FRESH_NOT_IN_STOCK');
    expect((await ordo.explain(fresh))?.text).toMatch(/CRAB-2KG needs 1, 0 available/);

    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4], ['HZ', 'CRAB-2KG', 3]]);
    clock.advance({ minutes: 5 });
    await ordo.settle();
    expect((await ordo.get(tea))?.status).toBe('allocated');
    const routed = await ordo.get(fresh);
    expect(routed?.status).toBe('allocated');
    expect(routed?.history.map((entry) => entry.actor).slice(-2)).toEqual(['routing:recheck', expect.stringMatching(/^routing:/)]);
    expect(carrier.issued()).toHaveLength(2);
    await ordo.close();
  });

  it('lets an order that ships nothing (a store sale) skip routing and waybills by the pipeline rule', async () => {
    const clock = createManualClock('2026-06-18T10:30:00+08:00');
    const { ordo, carrier, wms } = fullOrdo(clock);
    const sale = { receipt_no: 'SH01-20260618-0042', store_code: 'SH01', sold_at: '2026/06/18 10:00:05', status: 'SETTLED', total: '59.00', discount: '0.00', items: 'TEA-LJ-250*1@59.00' };
    expect((await ordo.ingest([{ channel: 'pos', payload: sale }])).counts.accepted).toBe(1);
    await ordo.settle();
    const why = await ordo.explain('pos:SH01-20260618-0042');
    expect(why?.status).toBe('approved');
    expect(why?.waitingOn).toBeNull();
    expect(why?.tasks).toEqual([]);
    expect(carrier.issued()).toHaveLength(0);
    expect(wms.state.pushes).toBe(0);
    await ordo.close();
  });
});

describe('createOrdo customers', () => {
  it('links each buyer, merges two profiles of one person, and approval counts the history of both', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const { ordo } = fullOrdo(clock, { customers: {} });
    expect(ordo.pipeline.map((line) => line.step)).toEqual(['customers', 'approval', 'routing', 'waybills', 'sync']);
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    // The same person on Tmall under two buyer ids: same name, phone and address.
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800050', { buyer_open_uid: 'first-account' }) }]);
    await ordo.settle();
    clock.advance({ days: 3 });
    // A third buyer, someone else: never merged.
    await ordo.ingest([
      { channel: 'tmall', payload: tmallTrade('3862104598800051', { buyer_open_uid: 'second-account' }) },
      { channel: 'tmall', payload: tmallTrade('3862104598800052', { buyer_open_uid: 'stranger', receiver_name: '李四', receiver_mobile: '13900001111', receiver_state: '广东省', receiver_city: '深圳市', receiver_address: '南山区科技园 1 号' }) },
    ]);
    await ordo.settle();
    const first = await ordo.get('tmall:3862104598800050');
    const second = await ordo.get('tmall:3862104598800051');
    const golden = await ordo.storage.customers.findGoldenBySource(second?.customerRef ?? '');
    expect(golden?.sourceIds).toEqual(expect.arrayContaining([first?.customerRef, second?.customerRef]));
    // The second account's first order is not a first order: the merged history has one before it.
    const approvalOf = (order: typeof second) => order?.history.find((entry) => entry.type === 'approve' || entry.type === 'hold')?.details as { missingFacts: string[] } | undefined;
    expect(approvalOf(second)?.missingFacts).not.toContain('derived.accountAgeDays');
    expect(approvalOf(first)?.missingFacts).toContain('derived.accountAgeDays');
    const stranger = await ordo.get('tmall:3862104598800052');
    expect(await ordo.storage.customers.getProfiles([stranger?.customerRef ?? ''])).toHaveLength(1);
    expect(await ordo.storage.customers.findGoldenBySource(stranger?.customerRef ?? '')).toBeNull();
    expect(golden?.sourceIds).not.toContain(stranger?.customerRef);
    expect(approvalOf(stranger)?.missingFacts).toContain('derived.accountAgeDays');
    await ordo.close();
  });
});

describe('ordo.reevaluate', () => {
  it('releases an order the policy held once its facts say so, and leaves other holds alone', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    let crm: { creditScore: number; isBlocked: boolean } | null = null;
    const { ordo } = fullOrdo(clock, { approval: { customerFacts: async () => crm } });
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800060') }, { channel: 'tmall', payload: tmallTrade('3862104598800061') }]);
    await ordo.settle();
    const id = 'tmall:3862104598800060';
    expect((await ordo.get(id))?.status).toBe('on_hold');
    expect(await ordo.reevaluate(id)).toBe('still_held');
    // An operator approves the other one, then holds it: not the policy's hold to release.
    expect((await ordo.review('tmall:3862104598800061', { decision: 'approve', by: 'ops:alice', reason: 'known buyer' }))?.ok).toBe(true);
    expect((await ordo.review('tmall:3862104598800061', { decision: 'hold', by: 'ops:alice', reason: 'buyer asked to wait' }))?.ok).toBe(true);

    crm = { creditScore: 720, isBlocked: false };
    expect(await ordo.reevaluate(id)).toBe('approved');
    expect(await ordo.reevaluate('tmall:3862104598800061')).toBe('not_policy_hold');
    expect(await ordo.reevaluate('tmall:nope')).toBeNull();
    await ordo.settle();
    const order = await ordo.get(id);
    expect(order?.status).toBe('allocated');
    expect(order?.history.find((entry) => entry.eventId.includes(':reapproval:'))?.details).toMatchObject({ step: 'approval', outcome: 'approve', reevaluatedBecause: 'asked for (ordo.reevaluate)' });
    await ordo.close();
  });
});

describe('createOrdo fan-out', () => {
  it('gives every transport its topics; one that is down gets the event later with the same id, and holds up nobody', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const broker = recordingTransport();
    const partner = recordingTransport();
    const { ordo } = fullOrdo(clock, { transports: [{ transport: broker, name: 'rabbitmq' }, { transport: partner, name: 'partner', topics: ['order.status_changed'] }] });
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    broker.down = true;
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800020') }]);
    await ordo.settle();
    expect((await ordo.get('tmall:3862104598800020'))?.status).toBe('allocated');
    expect(partner.carried.every((message) => message.topic === 'order.status_changed')).toBe(true);
    expect(partner.carried).toHaveLength(3);
    expect(broker.carried).toHaveLength(0);

    broker.down = false;
    clock.advance({ seconds: 2 });
    await ordo.settle();
    const everything = await ordo.storage.outbox.list({ limit: 1_000 });
    expect(broker.carried.map((message) => message.id).sort()).toEqual(everything.map((message) => message.id).sort());
    await ordo.close();
  });
});

describe('createOrdo fan-out group commit', () => {
  it('commits the step tasks of one event alone when the shared unit fails, so one event never holds up its neighbours', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const base = createMemoryStorage();
    const poisoned = 'tmall:3862104598800081';
    let shared = 0;
    const storage = {
      ...base,
      async commit(unit: Parameters<typeof base.commit>[0]) {
        const orderIds = new Set((unit.tasks ?? []).map((change) => (change.type === 'enqueue' ? (change.task.payload as { payload?: { orderId?: string } }).payload?.orderId : undefined)));
        if (orderIds.size > 1) shared += 1;
        if (orderIds.has(poisoned)) throw Object.assign(new Error('could not write'), { code: 'STORAGE_FAILURE' });
        return base.commit(unit);
      },
    };
    const { ordo } = fullOrdo(clock, { storage });
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800080') }, { channel: 'tmall', payload: tmallTrade('3862104598800081') }]);
    await ordo.settle();
    expect(shared).toBeGreaterThan(0); // the two events' tasks were offered as one unit
    expect((await ordo.get('tmall:3862104598800080'))?.status).toBe('allocated');
    expect((await ordo.get(poisoned))?.status).toBe('paid');
    await ordo.close();
  });
});

describe('createOrdo with a webhook transport', () => {
  it('delivers signed webhooks through the one task worker of the runtime, not a loop of their own', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const posted: string[] = [];
    const fetchStub = (async (_url: string | URL | Request, init?: RequestInit) => {
      posted.push((JSON.parse(String(init?.body)) as { type: string }).type);
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const { ordo } = fullOrdo(clock, {
      transports: [
        {
          name: 'partner',
          topics: ['order.status_changed'],
          transport: (context) => createWebhookTransport({ ...context, fetch: fetchStub, allowHttp: true, allowPrivateNetworks: true, endpoints: [{ id: 'partner', url: 'http://127.0.0.1:9/hooks', secrets: generateWebhookSecret(), topics: ['order.*'] }] }),
        },
      ],
    });
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800070') }]);
    await ordo.settle();
    expect(posted).toEqual(['order.status_changed', 'order.status_changed', 'order.status_changed']);
    const deliveries = (await ordo.storage.tasks.list({ limit: 1_000 })).filter((task) => String((task.payload as { kind?: string }).kind).startsWith('webhook.deliver'));
    expect(deliveries.map((task) => `${task.queue} ${task.status}`)).toEqual(['ordo.tasks completed', 'ordo.tasks completed', 'ordo.tasks completed']);
    await ordo.close();
  });
});

describe('createOrdo steps', () => {
  it('runs a step you replace, and not one you switch off', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const seen: string[] = [];
    const { ordo, wms } = fullOrdo(clock, {
      steps: {
        approval: async ({ order, apply }) => {
          seen.push(order.id);
          await apply({ id: `${order.id}:my-approval`, type: 'hold', reason: 'every order is looked at today' });
        },
        sync: false,
      },
    });
    expect(ordo.pipeline.map((line) => line.step)).toEqual(['approval', 'routing', 'waybills']);
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800030') }]);
    await ordo.settle();
    expect(seen).toEqual(['tmall:3862104598800030']);
    expect((await ordo.get('tmall:3862104598800030'))?.status).toBe('on_hold');
    expect(wms.state.pushes).toBe(0);
    await ordo.close();
  });

  it('runs a step again after it failed, with backoff, and the pipeline reads as documented', async () => {
    expect(PIPELINE.map((line) => `${line.step}<-${line.to?.join('|') ?? '*'}`)).toEqual(['customers<-*', 'approval<-paid', 'routing<-approved', 'waybills<-allocated|cancelled', 'sync<-*']);
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    let failures = 1;
    const { ordo } = fullOrdo(clock, {
      approval: {
        customerFacts: async () => {
          if (failures-- > 0) throw Object.assign(new Error('crm timeout'), { code: 'ETIMEDOUT' });
          return { creditScore: 720, isBlocked: false };
        },
      },
    });
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800031') }]);
    const first = await ordo.settle();
    expect(first.tasks.retried).toBe(1);
    expect((await ordo.get('tmall:3862104598800031'))?.status).toBe('paid');
    clock.advance({ seconds: 2 });
    await ordo.settle();
    expect((await ordo.get('tmall:3862104598800031'))?.status).toBe('allocated');
    await ordo.close();
  });
});

describe('createOrdo options', () => {
  it('refuses bad options with every path, as INVALID_OPTIONS', () => {
    const error = (() => {
      try {
        createOrdo({ zone: 'CST', transports: [{ transport: createMemoryTransport(), name: 'a' }, { transport: createMemoryTransport(), name: 'a' }], tasks: { batchSize: 0 } } as never);
      } catch (caught) {
        return caught as { code: string; issues: { path: (string | number)[] }[] };
      }
      return null;
    })();
    expect(error?.code).toBe('INVALID_OPTIONS');
    expect(error?.issues.map((issue) => issue.path.join('.'))).toEqual(expect.arrayContaining(['zone', 'tasks.batchSize']));
    expect(() => createOrdo({ transports: [{ transport: createMemoryTransport(), name: 'a' }, { transport: createMemoryTransport(), name: 'a' }] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => createOrdo({ routing: { network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY }, waybills: { carrier: createMemoryCarrier({ clock: createManualClock('2026-01-01T00:00:00Z') }) } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['waybills', 'sender'] })] }),
    );
    // A routing definition error names its path under the section.
    expect(() => createOrdo({ routing: { network: { ...SEED_ROUTING_NETWORK, warehouses: [] }, policy: SEED_ROUTING_POLICY } })).toThrow(
      expect.objectContaining({ issues: expect.arrayContaining([expect.objectContaining({ path: expect.arrayContaining(['routing']) })]) }),
    );
    expect(() => createOrdo({ approval: { policy: { id: 'p' } } })).toThrow(expect.objectContaining({ issues: expect.arrayContaining([expect.objectContaining({ path: expect.arrayContaining(['approval']) })]) }));
  });

  it('refuses a review without who and why', async () => {
    const ordo = createOrdo({ clock: createManualClock('2026-11-11T00:05:00+08:00') });
    await expect(ordo.review('x', { decision: 'approve', by: '', reason: '' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(ordo.review('x', { decision: 'ship', by: 'a', reason: 'b' } as never)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    expect(await ordo.review('nope', { decision: 'approve', by: 'a', reason: 'b' })).toBeNull();
    expect(await ordo.explain('nope')).toBeNull();
    await ordo.close();
  });
});

describe('ordo.run', () => {
  it('runs the pipeline in the background until the signal aborts, and says how far behind it is', async () => {
    const clock = createManualClock('2026-11-11T00:05:00+08:00');
    const { ordo } = fullOrdo(clock, { pollIntervalMs: 5 });
    await stock(ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    const controller = new AbortController();
    const runtime = await ordo.run({ signal: controller.signal, concurrency: 2 });
    await ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800040') }]);
    await vi.waitFor(async () => expect((await ordo.get('tmall:3862104598800040'))?.status).toBe('allocated'), { timeout: 20_000, interval: 20 });
    const health = await runtime.health();
    expect(health).toMatchObject({ state: 'running', lastError: null, outbox: { pending: expect.any(Number) }, tasks: { deadLettered: 0 } });
    expect(health.rounds).toBeGreaterThan(0);
    controller.abort();
    await runtime.stop();
    expect((await runtime.health()).state).toBe('stopped');

    // A second stop returns at once, with a step still in flight: both stops return; the lease lets another process redo it.
    let release: () => void = () => undefined;
    let started = false;
    const slow = fullOrdo(clock, {
      pollIntervalMs: 5,
      steps: {
        approval: () =>
          new Promise<void>((resolve) => {
            started = true;
            release = resolve;
          }),
      },
    });
    await stock(slow.ordo, clock, [['HZ', 'TEA-LJ-250', 12], ['HZ', 'CUP-CELADON', 4]]);
    const busy = await slow.ordo.run();
    await slow.ordo.ingest([{ channel: 'tmall', payload: tmallTrade('3862104598800041') }]);
    await vi.waitFor(() => expect(started).toBe(true), { timeout: 20_000, interval: 10 });
    const first = busy.stop();
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(firstDone).toBe(false); // the first stop waits for the step in flight
    await busy.stop();
    await first;
    expect(firstDone).toBe(true);
    release();
    await slow.ordo.close();
    await ordo.close();
  });
});
