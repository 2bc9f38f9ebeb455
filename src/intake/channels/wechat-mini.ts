// WeChat mini-program: a WeChat Pay notify (out_trade_no, total_fee in fen, time_end yyyyMMddHHmmss) plus the mini-program's cart and address.
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { defineStatusDictionary } from '../../sync/status-dictionary.js';

/**
 * WeChat mini-program orders. `time_end` is compact Beijing time (`20260618100005`); amounts
 * are integer fen; the address uses the names of `wx.chooseAddress`.
 */
export const wechatMiniChannel = defineChannel({
  id: 'wechat-mini',
  statusDictionary: defineStatusDictionary({
    system: 'wechat-mini',
    toCanonical: { NOTPAY: 'pending_payment', USERPAYING: 'pending_payment', SUCCESS: 'paid', CLOSED: 'cancelled', REVOKED: 'cancelled', REFUND: 'refunded' },
    // WeChat Pay's trade state is about the payment: every fulfilment status is still SUCCESS.
    fromCanonical: {
      pending_payment: 'NOTPAY',
      on_hold: 'SUCCESS',
      approved: 'SUCCESS',
      allocated: 'SUCCESS',
      picking: 'SUCCESS',
      packed: 'SUCCESS',
      partially_shipped: 'SUCCESS',
      shipped: 'SUCCESS',
      delivered: 'SUCCESS',
      completed: 'SUCCESS',
      cancelled: 'CLOSED',
      rejected: 'CLOSED',
      return_requested: 'SUCCESS',
      returned: 'SUCCESS',
      exception: null,
    },
  }),
  schema: (kit) =>
    z.object({
      out_trade_no: z.string().regex(/^[A-Za-z0-9_-]{6,32}$/, 'Expected WeChat Pay out_trade_no (6-32 letters, digits, _ or -)'),
      openid: z.string().min(1),
      trade_state: kit.status(),
      time_end: z
        .string()
        .regex(/^\d{14}$/, 'Expected yyyyMMddHHmmss')
        .transform((t) => `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}`)
        .pipe(kit.wallTime()),
      total_fee: kit.minorUnits(),
      freight_fee: kit.minorUnits().optional(),
      coupon_fee: kit.minorUnits().optional(),
      goods_detail: z.array(z.object({ goods_id: z.string().min(1), quantity: z.number().int().positive(), price: kit.minorUnits() })).min(1),
      address: z.object({
        userName: z.string().min(1),
        telNumber: z.string().min(1),
        provinceName: z.string().min(1),
        cityName: z.string().min(1),
        countyName: z.string().optional(),
        detailInfo: z.string().min(1),
        postalCode: z.string().optional(),
      }),
    }),
  toOrder: (p, ctx) => ({
    status: p.trade_state,
    input: {
      channelOrderId: p.out_trade_no,
      customerRef: p.openid,
      currency: ctx.currency,
      placedAt: p.time_end,
      lines: p.goods_detail.map((g) => ({ sku: g.goods_id, quantity: g.quantity, unitPrice: g.price })),
      ...(p.freight_fee ? { shipping: p.freight_fee } : {}),
      ...(p.coupon_fee ? { discount: p.coupon_fee } : {}),
      total: p.total_fee,
      paymentMethod: 'wechat_pay',
      shippingAddress: {
        country: 'CN',
        province: p.address.provinceName,
        city: p.address.cityName,
        ...(p.address.countyName ? { district: p.address.countyName } : {}),
        street: p.address.detailInfo,
        ...(p.address.postalCode ? { postalCode: p.address.postalCode } : {}),
        recipient: p.address.userName,
        phone: p.address.telNumber,
      },
      attributes: { platform: 'wechat-mini' },
    },
  }),
});
