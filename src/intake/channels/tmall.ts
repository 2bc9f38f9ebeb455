// Tmall/Taobao: a `taobao.trade.fullinfo.get` style trade (tid, yuan strings, Beijing wall times).
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { defineStatusDictionary } from '../../sync/status-dictionary.js';

/**
 * Tmall/Taobao trades. Amounts are yuan strings (`payment`, `post_fee`, `discount_fee`),
 * times Beijing wall times (`created`), one sub-order per SKU in `orders`.
 */
export const tmallChannel = defineChannel({
  id: 'tmall',
  zone: 'Asia/Shanghai',
  currency: 'CNY',
  statusDictionary: defineStatusDictionary({
    system: 'tmall',
    toCanonical: {
      WAIT_BUYER_PAY: 'pending_payment',
      WAIT_SELLER_SEND_GOODS: 'paid',
      SELLER_CONSIGNED_PART: 'partially_shipped',
      WAIT_BUYER_CONFIRM_GOODS: 'shipped',
      TRADE_BUYER_SIGNED: 'delivered',
      TRADE_FINISHED: 'completed',
      TRADE_CLOSED: 'cancelled',
      TRADE_CLOSED_BY_TAOBAO: 'cancelled',
    },
    // Until the parcel leaves, the buyer sees "waiting for the seller to ship"; refunds live in the refund API.
    fromCanonical: {
      on_hold: 'WAIT_SELLER_SEND_GOODS',
      approved: 'WAIT_SELLER_SEND_GOODS',
      allocated: 'WAIT_SELLER_SEND_GOODS',
      picking: 'WAIT_SELLER_SEND_GOODS',
      packed: 'WAIT_SELLER_SEND_GOODS',
      cancelled: 'TRADE_CLOSED',
      rejected: 'TRADE_CLOSED',
      refunded: 'TRADE_CLOSED',
      return_requested: null,
      returned: null,
      exception: null,
    },
  }),
  schema: (kit) =>
    z.object({
      tid: z.string().regex(/^\d{6,20}$/, 'Expected a numeric trade id'),
      buyer_open_uid: z.string().min(1),
      status: kit.status(),
      created: kit.wallTime(),
      payment: kit.money(),
      post_fee: kit.money(),
      discount_fee: kit.money(),
      receiver_name: z.string().min(1),
      receiver_mobile: z.string().min(1),
      receiver_state: z.string().min(1),
      receiver_city: z.string().min(1),
      receiver_district: z.string().optional(),
      receiver_address: z.string().min(1),
      receiver_zip: z.string().optional(),
      seller_nick: z.string().optional(),
      orders: z.array(z.object({ oid: z.string().min(1), outer_sku_id: z.string().min(1), num: z.number().int().positive(), price: kit.money() })).min(1),
    }),
  toOrder: (p, ctx) => ({
    status: p.status,
    input: {
      channelOrderId: p.tid,
      customerRef: p.buyer_open_uid,
      currency: ctx.currency,
      placedAt: p.created,
      lines: p.orders.map((o) => ({ lineId: o.oid, sku: o.outer_sku_id, quantity: o.num, unitPrice: o.price })),
      shipping: p.post_fee,
      discount: p.discount_fee,
      total: p.payment,
      paymentMethod: 'alipay',
      shippingAddress: {
        country: 'CN',
        province: p.receiver_state,
        city: p.receiver_city,
        ...(p.receiver_district ? { district: p.receiver_district } : {}),
        street: p.receiver_address,
        ...(p.receiver_zip ? { postalCode: p.receiver_zip } : {}),
        recipient: p.receiver_name,
        phone: p.receiver_mobile,
      },
      attributes: { platform: 'tmall', ...(p.seller_nick ? { shop: p.seller_nick } : {}) },
    },
  }),
});
