// ingest and replayQuarantined: idempotent storage, later versions as events, quarantine, masking, storage failures.
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import { createManualClock } from '../../src/clock/index.js';
import { applyOrderEvent } from '../../src/hub/index.js';
import { BUILT_IN_CHANNELS, defineChannel } from '../../src/intake/index.js';
import { ingest, replayQuarantined, type IngestContext } from '../../src/app/index.js';
import { DEFAULT_ORDER_LIFECYCLE, createOrderMachine } from '../../src/orders/index.js';
import type { StoragePort, UnitOfWork } from '../../src/ports/index.js';
import { z } from 'zod';
import { tempDir } from '../support/sqlite.js';
import { fixture } from './load-fixtures.js';

function context(storage: StoragePort = createMemoryStorage()): IngestContext {
  return { storage, clock: createManualClock('2026-06-18T03:00:00Z'), channels: BUILT_IN_CHANNELS };
}

describe('ingest', () => {
  it('accepts one fixture per channel; a paid payload is created and paid', async () => {
    const ctx = context();
    const channels = ['tmall', 'jd', 'douyin', 'pinduoduo', 'wechat-mini', 'pos'];
    const report = await ingest(channels.map((channel) => ({ channel, payload: fixture(channel) })), ctx);
    expect(report.counts).toEqual({ accepted: 6, duplicate: 0, updated: 0, refused: 0, quarantined: 0, failed: 0 });
    const order = await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345');
    expect(order).toMatchObject({ status: 'paid', totals: { total: { amount: 27500 } }, payment: { paid: { amount: 27500 } }, placedAt: '2026-06-17T16:30:05.000Z' });
    expect((await ctx.storage.orders.history(order?.id ?? '')).map((h) => [h.type, h.eventId, h.actor])).toEqual([
      ['create', 'tmall:3862104598812345:created', 'channel:tmall'],
      ['pay', 'tmall:3862104598812345:pay', 'channel:tmall'],
    ]);
    expect(report.items[0]).toMatchObject({ index: 0, outcome: 'accepted', events: ['pay'], orderId: order?.id });
  });

  it('a new paid order is one unit: the order with its history, created and paid, and its events, in one commit', async () => {
    const memory = createMemoryStorage();
    const units: UnitOfWork[] = [];
    const counting: StoragePort = { ...memory, commit: (unit) => (units.push(unit), memory.commit(unit)) };
    const report = await ingest([{ channel: 'tmall', payload: fixture('tmall') }], context(counting));
    expect(report.items[0]).toMatchObject({ outcome: 'accepted', events: ['pay'] });
    expect(units).toHaveLength(1);
    expect(units[0]?.orders?.[0]?.newHistory.map((entry) => entry.type)).toEqual(['create', 'pay']);
    expect(units[0]?.outbox?.map((message) => message.topic)).toEqual(['order.created', 'order.status_changed', 'order.payment_recorded']);
    expect((await memory.orders.get(report.items[0]?.orderId as string))?.status).toBe('paid');
  });

  it('a redelivered payload is a duplicate and writes nothing', async () => {
    const ctx = context();
    await ingest([{ channel: 'tmall', payload: fixture('tmall') }], ctx);
    const before = await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345');
    const report = await ingest([{ channel: 'tmall', payload: fixture('tmall') }, { channel: 'tmall', payload: fixture('tmall') }], ctx);
    expect(report.items.map((i) => i.outcome)).toEqual(['duplicate', 'duplicate']);
    expect((await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345'))?.version).toBe(before?.version);
  });

  it('a later cancellation becomes the cancel event in history; its redelivery is a duplicate', async () => {
    const ctx = context();
    const report = await ingest(
      [
        { channel: 'tmall', payload: fixture('tmall') },
        { channel: 'tmall', payload: fixture('tmall', 'closed') },
        { channel: 'tmall', payload: fixture('tmall', 'closed') },
      ],
      ctx,
    );
    expect(report.items.map((i) => i.outcome)).toEqual(['accepted', 'updated', 'duplicate']);
    expect(report.items[1]?.events).toEqual(['cancel']);
    const order = await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345');
    expect(order?.status).toBe('cancelled');
    expect((await ctx.storage.orders.history(order?.id ?? '')).map((h) => h.type)).toEqual(['create', 'pay', 'cancel']);
  });

  describe('address changes', () => {
    const NEW_STREET = fixture('tmall', 'unpaidAddressChanged').receiver_address as string;
    const OLD_STREET = fixture('tmall', 'unpaid').receiver_address as string;
    /** A tmall payload (paid order 3862104598812345) with the changed street. */
    const readdressed = (name: string, street = NEW_STREET) => ({ ...fixture('tmall', name), receiver_address: street });

    it('a changed address becomes change_address: updated, stored, in history, and announced on the outbox', async () => {
      const ctx = context();
      const report = await ingest([{ channel: 'tmall', payload: fixture('tmall', 'unpaid') }, { channel: 'tmall', payload: fixture('tmall', 'unpaidAddressChanged') }], ctx);
      expect(report.items.map((i) => i.outcome)).toEqual(['accepted', 'updated']);
      expect(report.items[1]).toMatchObject({ events: ['change_address'] });
      expect(report.items[1]?.notes).toBeUndefined();
      const order = await ctx.storage.orders.findByChannelRef('tmall', '3862104598899999');
      expect(order?.status).toBe('pending_payment');
      expect(order?.shippingAddress?.street).toBe(NEW_STREET);
      const history = await ctx.storage.orders.history(order?.id ?? '');
      expect(history.map((h) => [h.type, h.from, h.to, h.actor, h.reason])).toEqual([
        ['create', 'pending_payment', 'pending_payment', 'channel:tmall', undefined],
        ['change_address', 'pending_payment', 'pending_payment', 'channel:tmall', 'address changed in channel'],
      ]);
      expect(history[1]?.eventId).toMatch(/^tmall:3862104598899999:change_address:[0-9a-f]{24}$/);
      expect(JSON.stringify(history)).not.toContain(NEW_STREET);
      const changed = (await ctx.storage.outbox.list()).filter((m) => m.topic === 'order.address_changed');
      expect(changed.map((m) => m.payload)).toEqual([
        expect.objectContaining({ status: 'pending_payment', rerouteMayBeNeeded: false, address: expect.objectContaining({ street: NEW_STREET }) }),
      ]);
    });

    it('a redelivered address change is a duplicate, also when two deliveries race', async () => {
      const ctx = context();
      await ingest([{ channel: 'tmall', payload: fixture('tmall', 'unpaid') }], ctx);
      const changed = { channel: 'tmall', payload: fixture('tmall', 'unpaidAddressChanged') };
      // Two ingest calls on one storage at once: both plan change_address with the same id.
      const racing = await Promise.all([ingest([changed], ctx), ingest([changed], ctx)]);
      expect(racing.map((r) => r.items[0]?.outcome).sort()).toEqual(['duplicate', 'updated']);
      const later = await ingest([changed], ctx);
      expect(later.items[0]?.outcome).toBe('duplicate');
      const order = await ctx.storage.orders.findByChannelRef('tmall', '3862104598899999');
      expect(order?.version).toBe(2);
      expect((await ctx.storage.orders.history(order?.id ?? '')).map((h) => h.type)).toEqual(['create', 'change_address']);
    });

    it('changing back and forth applies every change: A -> B -> A -> B', async () => {
      const ctx = context();
      expect(fixture('tmall').receiver_address).toBe(OLD_STREET);
      const payloads = [fixture('tmall'), readdressed('paid', NEW_STREET), readdressed('paid', OLD_STREET), readdressed('paid', NEW_STREET)];
      const report = await ingest(payloads.map((payload) => ({ channel: 'tmall', payload })), ctx);
      expect(report.items.map((i) => i.outcome)).toEqual(['accepted', 'updated', 'updated', 'updated']);
      const order = await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345');
      expect(order?.shippingAddress?.street).toBe(NEW_STREET);
      const ids = (await ctx.storage.orders.history(order?.id ?? '')).filter((h) => h.type === 'change_address').map((h) => h.eventId);
      expect(ids).toHaveLength(3);
      expect(ids[2]).toBe(`${ids[0]}:2`);
    });

    it('an address change after shipment is refused with transition-refused; Ordo keeps the shipped address', async () => {
      const ctx = context();
      await ingest([{ channel: 'tmall', payload: fixture('tmall') }], ctx);
      const order = await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345');
      const id = order?.id ?? '';
      const deps = { storage: ctx.storage, machine: createOrderMachine(), clock: ctx.clock };
      const allocations = (order?.lines ?? []).map((l) => ({ lineId: l.lineId, warehouseId: 'W1', quantity: l.quantity }));
      const lines = (order?.lines ?? []).map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
      for (const event of [
        { id: 'approve', type: 'approve' },
        { id: 'allocate', type: 'allocate', allocations },
        { id: 'ship', type: 'ship', shipmentId: 'SF1', lines },
      ] as const) {
        expect((await applyOrderEvent(deps, id, event))?.ok).toBe(true);
      }
      const before = await ctx.storage.orders.get(id);
      const report = await ingest([{ channel: 'tmall', payload: readdressed('shipped') }], ctx);
      const item = report.items[0];
      expect(item?.outcome).toBe('refused');
      expect(item?.notes?.map((n) => n.code)).toEqual(['transition-refused']);
      expect(item?.reason).toContain('change_address refused (ILLEGAL_TRANSITION)');
      expect(item?.reason).toContain('Ordo keeps its address');
      for (const secret of [NEW_STREET, OLD_STREET, '王小明', '13812345678']) expect(item?.reason).not.toContain(secret);
      expect(await ctx.storage.orders.get(id)).toEqual(before);
    });

    it('an address change and a cancellation in one later payload: change_address, then cancel', async () => {
      const ctx = context();
      const report = await ingest([{ channel: 'tmall', payload: fixture('tmall') }, { channel: 'tmall', payload: readdressed('closed') }], ctx);
      expect(report.items[1]).toMatchObject({ outcome: 'updated', events: ['change_address', 'cancel'] });
      const order = await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345');
      expect(order).toMatchObject({ status: 'cancelled', shippingAddress: { street: NEW_STREET } });
      expect((await ctx.storage.orders.history(order?.id ?? '')).map((h) => h.type)).toEqual(['create', 'pay', 'change_address', 'cancel']);
    });

    it('other changed fields stay update-unsupported notes beside an applied address change', async () => {
      const ctx = context();
      const paid = fixture('tmall');
      const orders = (paid.orders as Record<string, unknown>[]).map((o, i) => (i === 0 ? { ...o, num: 3 } : o));
      const changed = { ...readdressed('paid'), orders, payment: '403.00' };
      const report = await ingest([{ channel: 'tmall', payload: paid }, { channel: 'tmall', payload: changed }], ctx);
      expect(report.items[1]).toMatchObject({ outcome: 'updated', events: ['change_address'] });
      expect(report.items[1]?.notes).toEqual([expect.objectContaining({ code: 'update-unsupported' })]);
      expect(report.items[1]?.reason).toContain('the channel changed lines, total;');
      expect(report.items[1]?.reason).not.toContain('shippingAddress');
      const order = await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345');
      expect(order?.lines.map((l) => l.quantity)).toEqual([2, 1]);
    });

    it('with a machine that has no change_address, the address change is refused as update-unsupported, never silently dropped', async () => {
      const { change_address: _dropped, ...events } = DEFAULT_ORDER_LIFECYCLE.events;
      const machine = createOrderMachine({ ...DEFAULT_ORDER_LIFECYCLE, base: 'none', events }) as unknown as NonNullable<IngestContext['machine']>;
      const ctx = { ...context(), machine };
      const report = await ingest([{ channel: 'tmall', payload: fixture('tmall', 'unpaid') }, { channel: 'tmall', payload: fixture('tmall', 'unpaidAddressChanged') }], ctx);
      expect(report.items.map((i) => i.outcome)).toEqual(['accepted', 'refused']);
      expect(report.items[1]?.notes?.map((n) => n.code)).toEqual(['update-unsupported']);
      expect(report.items[1]?.reason).toContain('shippingAddress');
      expect(report.items[1]?.reason).not.toContain('文三路');
    });
  });

  it('shipped reported while Ordo has it paid is refused as status-ahead with no change', async () => {
    const ctx = context();
    const report = await ingest([{ channel: 'tmall', payload: fixture('tmall') }, { channel: 'tmall', payload: fixture('tmall', 'shipped') }], ctx);
    expect(report.items[1]).toMatchObject({ outcome: 'refused', notes: [expect.objectContaining({ code: 'status-ahead' })] });
    expect((await ctx.storage.orders.findByChannelRef('tmall', '3862104598812345'))?.status).toBe('paid');
  });

  it('an unknown status code and "274.999" go to quarantine with paths while the rest of the batch goes on', async () => {
    const ctx = context();
    const report = await ingest(
      [
        { channel: 'tmall', payload: fixture('tmall', 'unknownStatus') },
        { channel: 'jd', payload: fixture('jd') },
        { channel: 'tmall', payload: fixture('tmall', 'tooManyDecimals') },
        { channel: 'nope', payload: {} },
      ],
      ctx,
    );
    expect(report.counts).toMatchObject({ accepted: 1, quarantined: 3 });
    expect(report.items[0]?.issues?.map((i) => [i.code, i.path.join('.')])).toEqual([['unknown_status', 'status']]);
    expect(report.items[2]?.issues?.map((i) => [i.code, i.path.join('.')])).toEqual([['invalid_money', 'payment']]);
    expect(report.items[3]?.issues?.map((i) => [i.code, i.path.join('.')])).toEqual([['unknown_channel', 'channel']]);
    const open = await ctx.storage.quarantine.list({ status: 'open' });
    expect(open.map((r) => r.source).sort()).toEqual(['intake:nope', 'intake:tmall', 'intake:tmall']);
    expect(open.find((r) => r.id === report.items[0]?.quarantineId)?.payload).toEqual(fixture('tmall', 'unknownStatus'));
  });

  it('a mapped order that fails the order rules (total mismatch) is quarantined with an order path', async () => {
    const report = await ingest([{ channel: 'tmall', payload: { ...fixture('tmall'), payment: '270.00' } }], context());
    expect(report.items[0]?.issues?.map((i) => [i.code, i.path.join('.')])).toEqual([['total_mismatch', 'order.total']]);
  });

  it('a quarantined payload can be fixed and replayed; the record is then closed', async () => {
    const ctx = context();
    const report = await ingest([{ channel: 'tmall', payload: fixture('tmall', 'tooManyDecimals') }], ctx);
    const id = report.items[0]?.quarantineId as string;
    const stillBad = await replayQuarantined(id, ctx);
    expect(stillBad).toMatchObject({ outcome: 'quarantined', quarantineId: id });
    const replayed = await replayQuarantined(id, ctx, { payload: { ...fixture('tmall', 'tooManyDecimals'), payment: '275.00' } });
    expect(replayed).toMatchObject({ outcome: 'accepted', channelOrderId: '3862104598800002', events: ['pay'] });
    expect(await ctx.storage.quarantine.get(id)).toMatchObject({ status: 'replayed', revisions: 1, issues: [] });
    expect(await replayQuarantined(id, ctx)).toMatchObject({ outcome: 'refused' });
    expect(await replayQuarantined('missing', ctx)).toBeNull();
  });

  it('a replay commits the order and the closed record as one unit: a failed commit leaves both as they were', async () => {
    let failCommit = false;
    const storage = createMemoryStorage({ failWith: (op) => (failCommit && op === 'commit' ? new Error('disk full') : undefined) });
    const ctx = context(storage);
    const report = await ingest([{ channel: 'tmall', payload: fixture('tmall', 'tooManyDecimals') }], ctx);
    const id = report.items[0]?.quarantineId as string;
    failCommit = true;
    const failed = await replayQuarantined(id, ctx, { payload: { ...fixture('tmall', 'tooManyDecimals'), payment: '275.00' } });
    expect(failed).toMatchObject({ outcome: 'failed', errorCode: 'STORAGE_FAILURE', quarantineId: id });
    // Neither the order nor the mark (nor the fix riding with them) landed.
    expect(await storage.orders.findByChannelRef('tmall', '3862104598800002')).toBeNull();
    expect(await storage.quarantine.get(id)).toMatchObject({ status: 'open', revisions: 0 });
    failCommit = false;
    expect(await replayQuarantined(id, ctx, { payload: { ...fixture('tmall', 'tooManyDecimals'), payment: '275.00' } })).toMatchObject({ outcome: 'accepted' });
    expect(await storage.quarantine.get(id)).toMatchObject({ status: 'replayed', revisions: 1 });
  });

  it('a record discarded while its replay runs stops the order: the unit fails on the quarantine part and nothing is stored', async () => {
    const storage = createMemoryStorage();
    const ctx = context(storage);
    const report = await ingest([{ channel: 'tmall', payload: fixture('tmall', 'tooManyDecimals') }], ctx);
    const id = report.items[0]?.quarantineId as string;
    // Another operator discards the record between the replay's read and its commit.
    const racing: StoragePort = {
      ...storage,
      orders: {
        ...storage.orders,
        findByChannelRef: async (channel, channelOrderId) => {
          await storage.quarantine.discard(id, '2026-03-01T00:00:00.000Z' as never);
          return storage.orders.findByChannelRef(channel, channelOrderId);
        },
      },
    };
    const result = await replayQuarantined(id, context(racing), { payload: { ...fixture('tmall', 'tooManyDecimals'), payment: '275.00' } });
    expect(result).toMatchObject({ outcome: 'refused', quarantineId: id });
    expect(result?.reason).toContain('discarded');
    expect(await storage.orders.findByChannelRef('tmall', '3862104598800002')).toBeNull();
    expect(await storage.quarantine.get(id)).toMatchObject({ status: 'discarded' });
  });

  it('masks buyer names, phones and addresses in reasons and issue messages', async () => {
    const leaky = defineChannel({
      id: 'leaky',
      statusDictionary: { OK: 'paid' },
      schema: () => z.object({ receiver_name: z.string(), receiver_mobile: z.string(), receiver_address: z.string() }),
      toOrder: (p) => {
        throw new Error(`cannot route ${p.receiver_name} ${p.receiver_mobile} at ${p.receiver_address}`);
      },
    });
    const payload = { receiver_name: '王小明', receiver_mobile: '13812345678', receiver_address: '文三路 478 号华星时代广场' };
    const report = await ingest([{ channel: 'leaky', payload }], { ...context(), channels: [leaky] });
    const text = `${report.items[0]?.reason} ${JSON.stringify(report.items[0]?.issues)}`;
    expect(report.items[0]?.outcome).toBe('quarantined');
    for (const secret of ['王小明', '13812345678', '文三路 478']) expect(text).not.toContain(secret);
    expect(text).toContain('mapping_failed');
  });

  it('never quotes personal data found in a field that is not personal: status, money, time, channel', async () => {
    const paid = fixture('tmall');
    const phone = '13912345678';
    const address = '浙江省杭州市西湖区文三路 478 号华星时代广场 A 座 1201 室，请放门口的快递柜，谢谢，电话联系';
    const payloads = [
      { channel: 'tmall', payload: { ...paid, status: phone } },
      { channel: 'tmall', payload: { ...paid, payment: `${phone}.123` } },
      { channel: 'tmall', payload: { ...paid, created: phone } },
      { channel: 'tmall', payload: { ...paid, created: address } },
      { channel: 'tmall', payload: { ...paid, status: address } },
      { channel: phone, payload: paid },
    ];
    const report = await ingest(payloads, context());
    for (const item of report.items) {
      expect(item.outcome).toBe('quarantined');
      const text = `${item.reason} ${JSON.stringify(item.issues)} ${item.quarantineId}`;
      expect(text).not.toContain(phone);
      expect(text).not.toContain(address.slice(0, 12));
    }
  });

  it('a storage failure on one payload is failed with its code; the batch goes on', async () => {
    let failNext = true;
    const storage = createMemoryStorage({
      failWith: (op) => {
        if (op === 'commit' && failNext) {
          failNext = false;
          return new Error('disk full');
        }
        return undefined;
      },
    });
    const report = await ingest([{ channel: 'jd', payload: fixture('jd') }, { channel: 'pos', payload: fixture('pos') }], context(storage));
    expect(report.items.map((i) => [i.outcome, i.errorCode])).toEqual([['failed', 'STORAGE_FAILURE'], ['accepted', undefined]]);
    expect(await storage.quarantine.list()).toEqual([]);
    // The failed payload is simply redelivered later.
    expect((await ingest([{ channel: 'jd', payload: fixture('jd') }], context(storage))).items[0]?.outcome).toBe('accepted');
  });

  it('with concurrency, payloads of one order still apply in input order', async () => {
    const ctx = { ...context(), concurrency: 4 };
    const report = await ingest(
      [
        { channel: 'tmall', payload: fixture('tmall') },
        { channel: 'jd', payload: fixture('jd') },
        { channel: 'tmall', payload: fixture('tmall', 'closed') },
        { channel: 'jd', payload: fixture('jd', 'cancelled') },
      ],
      ctx,
    );
    expect(report.items.map((i) => i.outcome)).toEqual(['accepted', 'accepted', 'updated', 'updated']);
  });

  it('rejects a wrong context eagerly', async () => {
    await expect(ingest([], { ...context(), channels: [] })).rejects.toThrow(/channels/);
    await expect(ingest([], { ...context(), concurrency: 0 })).rejects.toThrow(/concurrency/);
  });
});

describe('ingest on SQLite', () => {
  const dir = tempDir('ordo-intake-');
  afterAll(() => dir.remove());

  it('stores, deduplicates, updates and quarantines through the SQLite adapter', async () => {
    const storage = createSqliteStorage({ file: dir.file('intake.db') });
    await storage.migrate();
    try {
      const report = await ingest(
        [
          { channel: 'tmall', payload: fixture('tmall') },
          { channel: 'tmall', payload: fixture('tmall') },
          { channel: 'tmall', payload: fixture('tmall', 'closed') },
          { channel: 'tmall', payload: fixture('tmall', 'tooManyDecimals') },
        ],
        context(storage),
      );
      expect(report.items.map((i) => i.outcome)).toEqual(['accepted', 'duplicate', 'updated', 'quarantined']);
      expect((await storage.orders.findByChannelRef('tmall', '3862104598812345'))?.status).toBe('cancelled');
      expect(await storage.quarantine.list({ status: 'open' })).toHaveLength(1);
    } finally {
      await storage.close();
    }
  });
});
