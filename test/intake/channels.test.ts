// Each built-in channel maps its fixture to the canonical order: fen, Beijing-time instants, statuses.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../../src/errors/index.js';
import { BUILT_IN_CHANNELS, defineChannel, douyinChannel, jdChannel, pinduoduoChannel, posChannel, tmallChannel, wechatMiniChannel } from '../../src/intake/index.js';
import type { IntakeChannel } from '../../src/intake/index.js';
import { fixture } from './load-fixtures.js';

function normalised(channel: IntakeChannel, payload: unknown) {
  const result = channel.normalise(payload);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error.issues)}`);
  return result.value;
}
const cny = (amount: number) => ({ amount, currency: 'CNY' });

describe('built-in channels', () => {
  it('tmall: yuan strings to fen, a Beijing wall time past midnight to the previous UTC day, WAIT_SELLER_SEND_GOODS to paid', () => {
    const { input, status } = normalised(tmallChannel, fixture('tmall'));
    expect(status).toBe('paid');
    expect(input).toMatchObject({
      channel: 'tmall',
      channelOrderId: '3862104598812345',
      placedAt: '2026-06-17T16:30:05.000Z',
      total: cny(27500),
      discount: cny(2000),
      shipping: cny(0),
      lines: [
        { lineId: '3862104598812346', sku: 'TEA-LJ-250', quantity: 2, unitPrice: cny(12800) },
        { lineId: '3862104598812347', sku: 'CUP-CELADON', quantity: 1, unitPrice: cny(3900) },
      ],
      shippingAddress: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', postalCode: '310012' },
    });
  });

  it('tmall: every status code maps through the dictionary', () => {
    const reported = ['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'WAIT_BUYER_CONFIRM_GOODS'].map((code) => normalised(tmallChannel, { ...fixture('tmall'), status: code }).status);
    expect(reported).toEqual(['pending_payment', 'cancelled', 'shipped']);
  });

  it('jd: string item counts, yuan amounts, 11.11 midnight Beijing time', () => {
    const { input, status } = normalised(jdChannel, fixture('jd'));
    expect(status).toBe('paid');
    expect(input).toMatchObject({
      channelOrderId: '289451237765',
      placedAt: '2026-11-10T16:00:01.000Z',
      total: cny(13580),
      shipping: cny(600),
      discount: cny(1000),
      lines: [{ sku: 'RICE-WUCHANG-5KG', quantity: 2, unitPrice: cny(6990) }],
    });
    expect(normalised(jdChannel, fixture('jd', 'cancelled')).status).toBe('cancelled');
  });

  it('douyin: integer fen kept as fen, epoch seconds to an instant, numeric status 2 to paid', () => {
    const { input, status } = normalised(douyinChannel, fixture('douyin'));
    expect(status).toBe('paid');
    expect(input).toMatchObject({
      channelOrderId: '6921358741236985471',
      placedAt: '2026-06-18T02:00:05.000Z',
      total: cny(5470),
      discount: cny(500),
      lines: [{ sku: 'SNACK-MIX-1', quantity: 3, unitPrice: cny(1990) }],
      shippingAddress: { province: '广东省', city: '深圳市', district: '南山区' },
    });
  });

  it('pinduoduo: order_status 1 is paid, yuan strings, Beijing wall time', () => {
    const { input, status } = normalised(pinduoduoChannel, fixture('pinduoduo'));
    expect(status).toBe('paid');
    expect(input).toMatchObject({ channelOrderId: '260618-412345678901234', placedAt: '2026-06-18T02:00:05.000Z', total: cny(5480), lines: [{ unitPrice: cny(5980) }] });
    expect(normalised(pinduoduoChannel, { ...fixture('pinduoduo'), order_status: 2 }).status).toBe('shipped');
  });

  it('wechat-mini: compact time_end in Beijing time, total_fee in fen, SUCCESS to paid', () => {
    const { input, status } = normalised(wechatMiniChannel, fixture('wechat-mini'));
    expect(status).toBe('paid');
    expect(input).toMatchObject({ channelOrderId: 'WX20260618100005A1', placedAt: '2026-06-18T02:00:05.000Z', total: cny(15800), shipping: cny(1000), discount: cny(2000) });
  });

  it('pos: slashed store time, packed item cells, walk-in or member', () => {
    const { input, status } = normalised(posChannel, fixture('pos'));
    expect(status).toBe('paid');
    expect(input).toMatchObject({
      channelOrderId: 'SH01-20260618-0042',
      customerRef: 'pos:member:M00098231',
      placedAt: '2026-06-18T13:15:00.000Z',
      total: cny(4000),
      lines: [
        { sku: 'BREAD-CROISSANT', quantity: 2, unitPrice: cny(1250) },
        { sku: 'MILK-1L', quantity: 1, unitPrice: cny(1590) },
      ],
    });
    expect(input.shippingAddress).toBeUndefined();
    const { member_no: _dropped, ...walkIn } = fixture('pos');
    // A walk-in is nobody known: a reference of its own per sale, so walk-ins are never linked together.
    expect(normalised(posChannel, walkIn).input.customerRef).toBe('pos:walk-in:SH01:SH01-20260618-0042');
  });

  it('one rule for every channel: a customer reference is <channel id>:<the buyer id in that channel>', () => {
    for (const channel of BUILT_IN_CHANNELS) {
      const ref = normalised(channel, fixture(channel.id)).input.customerRef;
      expect(ref.startsWith(`${channel.id}:`), `${channel.id}: ${ref}`).toBe(true);
      expect(ref.length).toBeGreaterThan(channel.id.length + 1);
    }
    expect(normalised(wechatMiniChannel, fixture('wechat-mini')).input.customerRef).toMatch(/^wechat-mini:/);
    // A channel of yours gets the same rule, whether its mapper gives the buyer id alone or the whole reference.
    const shop = (ref: string) =>
      defineChannel({
        id: 'shop',
        statusDictionary: { PAID: 'paid' },
        schema: (kit) => z.object({ id: z.string(), buyer: z.string(), status: kit.status() }),
        toOrder: (p) => ({ status: p.status, input: { channelOrderId: p.id, customerRef: ref.replace('{buyer}', p.buyer), currency: 'CNY', lines: [{ sku: 'A', quantity: 1, unitPrice: cny(100) }] } }),
      });
    expect(normalised(shop('{buyer}'), { id: 'S1', buyer: 'u-9', status: 'PAID' }).input.customerRef).toBe('shop:u-9');
    expect(normalised(shop('shop:{buyer}'), { id: 'S1', buyer: 'u-9', status: 'PAID' }).input.customerRef).toBe('shop:u-9');
  });

  it('an unknown status code is an issue at the status field, never a default', () => {
    const result = tmallChannel.normalise(fixture('tmall', 'unknownStatus'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([expect.objectContaining({ code: 'unknown_status', path: ['status'] })]);
    const pdd = pinduoduoChannel.normalise({ ...fixture('pinduoduo'), order_status: 9 });
    expect(pdd.ok ? [] : pdd.error.issues.map((i) => [i.code, i.path.join('.')])).toEqual([['unknown_status', 'order_status']]);
  });

  it('more decimals than fen is an issue, never rounded; float amounts are refused', () => {
    const result = tmallChannel.normalise(fixture('tmall', 'tooManyDecimals'));
    expect(result.ok ? [] : result.error.issues.map((i) => [i.code, i.path.join('.')])).toEqual([['invalid_money', 'payment']]);
    const float = tmallChannel.normalise({ ...fixture('tmall'), payment: 275.0 });
    expect(float.ok ? [] : float.error.issues.map((i) => i.path.join('.'))).toEqual(['payment']);
  });

  it('a nonexistent wall time is an issue at its field', () => {
    const result = jdChannel.normalise({ ...fixture('jd'), orderStartTime: '2026-02-30 10:00:00' });
    expect(result.ok ? [] : result.error.issues.map((i) => [i.code, i.path.join('.')])).toEqual([['invalid_time', 'orderStartTime']]);
  });

  it('ships six channels with distinct ids, each declaring Asia/Shanghai and CNY', () => {
    expect(BUILT_IN_CHANNELS.map((c) => c.id)).toEqual(['tmall', 'jd', 'douyin', 'pinduoduo', 'wechat-mini', 'pos']);
    expect(new Set(BUILT_IN_CHANNELS.map((c) => `${c.zone}/${c.currency}`))).toEqual(new Set(['Asia/Shanghai/CNY']));
  });
});

describe('defineChannel', () => {
  const shop = (overrides: { id?: string; zone?: string; statusDictionary?: Record<string, never>; toOrder?: () => never } = {}) =>
    defineChannel({
      id: overrides.id ?? 'shop',
      ...(overrides.zone === undefined ? {} : { zone: overrides.zone }),
      statusDictionary: overrides.statusDictionary ?? { PAID: 'paid' },
      schema: (kit) => z.object({ no: z.string(), at: kit.wallTime(), state: kit.status() }),
      toOrder:
        overrides.toOrder ??
        ((p) => ({
          status: p.state,
          input: { channelOrderId: p.no, customerRef: 'c', currency: 'CNY', placedAt: p.at, lines: [{ sku: 'S', quantity: 1, unitPrice: cny(100) }] },
        })),
    });

  it('reads offset-less times in the declared zone', () => {
    const ny = shop({ zone: 'America/New_York' });
    expect(normalised(ny, { no: '1', at: '2026-01-15 09:00:00', state: 'PAID' }).input.placedAt).toBe('2026-01-15T14:00:00.000Z');
  });

  it('rejects a bad declaration eagerly, naming each problem', () => {
    expect(() => shop({ id: 'Bad Id', zone: 'Mars/Olympus', statusDictionary: { X: 'shipping' as never } })).toThrow(ValidationError);
    try {
      shop({ id: 'Bad Id', zone: 'Mars/Olympus', statusDictionary: { X: 'shipping' as never } });
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path.join('.'))).toEqual(['id', 'zone', 'statusDictionary.X']);
    }
  });

  it('turns a throwing mapper into a mapping_failed issue without quoting its text (it may hold payload values)', () => {
    const broken = shop({ toOrder: () => { throw new TypeError('bad phone 13912345678'); } });
    const result = broken.normalise({ no: '1', at: '2026-01-15 09:00:00', state: 'PAID' });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', issues: [{ code: 'mapping_failed', path: [], message: expect.stringContaining('TypeError') }] } });
    expect(JSON.stringify(result)).not.toContain('13912345678');
  });

  it('never throws for a payload whose getter or proxy trap throws', () => {
    const getter = Object.defineProperty({ no: '1', state: 'PAID' }, 'at', { enumerable: true, get: () => { throw new Error('getter'); } });
    const proxy = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); }, getOwnPropertyDescriptor: () => { throw new Error('trap'); } });
    for (const payload of [getter, proxy]) {
      const result = shop().normalise(payload);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.issues[0]?.code).toBe('unreadable');
    }
  });
});
