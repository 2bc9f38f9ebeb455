// Pinduoduo: `order_sn`, order_status 1/2/3, yuan strings, Beijing wall times.
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { defineStatusDictionary } from '../../sync/status-dictionary.js';

/**
 * Pinduoduo orders. PDD only lists paid orders, so status 1 is "waiting to ship". Refunds come
 * through PDD's after-sales API, not this payload; `refund_status` is kept as an attribute.
 */
export const pinduoduoChannel = defineChannel({
  id: 'pinduoduo',
  statusDictionary: defineStatusDictionary({
    system: 'pinduoduo',
    toCanonical: { '1': 'paid', '2': 'shipped', '3': 'delivered' },
    // Cancellations and refunds are after-sales records on PDD, not order statuses.
    fromCanonical: {
      pending_payment: null,
      on_hold: '1',
      approved: '1',
      allocated: '1',
      picking: '1',
      packed: '1',
      partially_shipped: '1',
      completed: '3',
      cancelled: null,
      rejected: null,
      return_requested: null,
      returned: null,
      refunded: null,
      exception: null,
    },
  }),
  schema: (kit) =>
    z.object({
      order_sn: z.string().regex(/^\d{6}-\d{6,20}$/, 'Expected an order_sn such as 260618-123456789012345'),
      order_status: kit.status(),
      refund_status: z.number().int().optional(),
      created_time: kit.wallTime(),
      pay_amount: kit.money(),
      postage: kit.money(),
      discount_amount: kit.money(),
      buyer_id: z.string().min(1),
      receiver_name: z.string().min(1),
      receiver_phone: z.string().min(1),
      province: z.string().min(1),
      city: z.string().min(1),
      town: z.string().optional(),
      address: z.string().min(1),
      item_list: z.array(z.object({ sku_id: z.string().min(1), outer_id: z.string().min(1), goods_count: z.number().int().positive(), goods_price: kit.money() })).min(1),
    }),
  toOrder: (p, ctx) => ({
    status: p.order_status,
    input: {
      channelOrderId: p.order_sn,
      customerRef: p.buyer_id,
      currency: ctx.currency,
      placedAt: p.created_time,
      lines: p.item_list.map((i) => ({ lineId: i.sku_id, sku: i.outer_id, quantity: i.goods_count, unitPrice: i.goods_price })),
      shipping: p.postage,
      discount: p.discount_amount,
      total: p.pay_amount,
      paymentMethod: 'pdd_pay',
      shippingAddress: {
        country: 'CN',
        province: p.province,
        city: p.city,
        ...(p.town ? { district: p.town } : {}),
        street: p.address,
        recipient: p.receiver_name,
        phone: p.receiver_phone,
      },
      attributes: { platform: 'pinduoduo', refundStatus: p.refund_status ?? null },
    },
  }),
});
