// Douyin (Doudian): amounts already in fen integers, times as Unix seconds, numeric status codes.
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { defineStatusDictionary } from '../../sync/status-dictionary.js';

/** Douyin shop orders. `order_status` is numeric; amounts are integer fen; `create_time` is epoch seconds. */
export const douyinChannel = defineChannel({
  id: 'douyin',
  statusDictionary: defineStatusDictionary({
    system: 'douyin',
    toCanonical: { '1': 'pending_payment', '2': 'paid', '3': 'shipped', '4': 'cancelled', '5': 'completed' },
    fromCanonical: {
      on_hold: '2',
      approved: '2',
      allocated: '2',
      picking: '2',
      packed: '2',
      partially_shipped: '2',
      delivered: '3',
      rejected: '4',
      refunded: '4',
      return_requested: null,
      returned: null,
      exception: null,
    },
  }),
  schema: (kit) =>
    z.object({
      order_id: z.string().regex(/^\d{6,24}$/, 'Expected a numeric order id'),
      doudian_open_id: z.string().min(1),
      order_status: kit.status(),
      create_time: kit.epochSeconds(),
      pay_amount: kit.minorUnits(),
      post_amount: kit.minorUnits(),
      promotion_amount: kit.minorUnits(),
      post_receiver: z.string().min(1),
      post_tel: z.string().min(1),
      post_addr: z.object({
        province: z.object({ name: z.string().min(1) }),
        city: z.object({ name: z.string().min(1) }),
        town: z.object({ name: z.string().min(1) }).optional(),
        detail: z.string().min(1),
      }),
      sku_order_list: z.array(z.object({ order_id: z.string().min(1), code: z.string().min(1), item_num: z.number().int().positive(), goods_price: kit.minorUnits() })).min(1),
    }),
  toOrder: (p, ctx) => ({
    status: p.order_status,
    input: {
      channelOrderId: p.order_id,
      customerRef: p.doudian_open_id,
      currency: ctx.currency,
      placedAt: p.create_time,
      lines: p.sku_order_list.map((s) => ({ lineId: s.order_id, sku: s.code, quantity: s.item_num, unitPrice: s.goods_price })),
      shipping: p.post_amount,
      discount: p.promotion_amount,
      total: p.pay_amount,
      paymentMethod: 'douyin_pay',
      shippingAddress: {
        country: 'CN',
        province: p.post_addr.province.name,
        city: p.post_addr.city.name,
        ...(p.post_addr.town ? { district: p.post_addr.town.name } : {}),
        street: p.post_addr.detail,
        recipient: p.post_receiver,
        phone: p.post_tel,
      },
      attributes: { platform: 'douyin' },
    },
  }),
});
