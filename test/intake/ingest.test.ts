// ingest and replayQuarantined: idempotent storage, later versions as events, quarantine, masking, storage failures.
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import { createManualClock } from '../../src/clock/index.js';
import { BUILT_IN_CHANNELS, defineChannel, ingest, replayQuarantined, type IngestContext } from '../../src/intake/index.js';
import type { StoragePort } from '../../src/ports/index.js';
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

  it('an address change on an unpaid order is refused as update-unsupported, never silently dropped', async () => {
    const ctx = context();
    const report = await ingest([{ channel: 'tmall', payload: fixture('tmall', 'unpaid') }, { channel: 'tmall', payload: fixture('tmall', 'unpaidAddressChanged') }], ctx);
    expect(report.items.map((i) => i.outcome)).toEqual(['accepted', 'refused']);
    expect(report.items[1]?.notes?.map((n) => n.code)).toEqual(['update-unsupported']);
    expect(report.items[1]?.reason).toContain('shippingAddress');
    expect(report.items[1]?.reason).not.toContain('文三路');
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
    expect(text).toContain('138****5678');
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
