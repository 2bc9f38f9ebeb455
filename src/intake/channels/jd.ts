// JD: a `jingdong.pop.order.get` style order (orderId, yuan strings, Beijing wall times, consigneeInfo).
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { defineStatusDictionary } from '../../sync/status-dictionary.js';

/** JD POP orders. `itemTotal` is a count sent as a string; amounts are yuan strings. */
export const jdChannel = defineChannel({
  id: 'jd',
  statusDictionary: defineStatusDictionary({
    system: 'jd',
    toCanonical: {
      WAIT_SELLER_STOCK_OUT: 'paid',
      WAIT_GOODS_RECEIVE_CONFIRM: 'shipped',
      FINISHED_L: 'completed',
      TRADE_CANCELED: 'cancelled',
      LOCKED: 'on_hold',
    },
    // JD lists paid orders only and ships an order whole: a partial shipment is still "waiting to stock out".
    fromCanonical: {
      pending_payment: null,
      approved: 'WAIT_SELLER_STOCK_OUT',
      allocated: 'WAIT_SELLER_STOCK_OUT',
      picking: 'WAIT_SELLER_STOCK_OUT',
      packed: 'WAIT_SELLER_STOCK_OUT',
      partially_shipped: 'WAIT_SELLER_STOCK_OUT',
      delivered: 'WAIT_GOODS_RECEIVE_CONFIRM',
      rejected: 'TRADE_CANCELED',
      refunded: 'TRADE_CANCELED',
      return_requested: null,
      returned: null,
      exception: null,
    },
  }),
  schema: (kit) =>
    z.object({
      orderId: z.string().regex(/^\d{6,20}$/, 'Expected a numeric order id'),
      pin: z.string().min(1),
      orderState: kit.status(),
      orderStartTime: kit.wallTime(),
      orderTotalPrice: kit.money(),
      orderPayment: kit.money(),
      freightPrice: kit.money(),
      sellerDiscount: kit.money(),
      payType: z.string().optional(),
      consigneeInfo: z.object({
        fullname: z.string().min(1),
        mobile: z.string().min(1),
        province: z.string().min(1),
        city: z.string().min(1),
        county: z.string().optional(),
        fullAddress: z.string().min(1),
      }),
      itemInfoList: z
        .array(z.object({ skuId: z.string().min(1), outerSkuId: z.string().min(1), itemTotal: z.string().regex(/^[1-9]\d{0,5}$/, 'Expected a positive count'), jdPrice: kit.money() }))
        .min(1),
    }),
  toOrder: (p, ctx) => ({
    status: p.orderState,
    input: {
      channelOrderId: p.orderId,
      customerRef: p.pin,
      currency: ctx.currency,
      placedAt: p.orderStartTime,
      lines: p.itemInfoList.map((i) => ({ lineId: i.skuId, sku: i.outerSkuId, quantity: Number(i.itemTotal), unitPrice: i.jdPrice })),
      shipping: p.freightPrice,
      discount: p.sellerDiscount,
      total: p.orderPayment,
      paymentMethod: p.payType === '1' ? 'cod' : 'online',
      shippingAddress: {
        country: 'CN',
        province: p.consigneeInfo.province,
        city: p.consigneeInfo.city,
        ...(p.consigneeInfo.county ? { district: p.consigneeInfo.county } : {}),
        street: p.consigneeInfo.fullAddress,
        recipient: p.consigneeInfo.fullname,
        phone: p.consigneeInfo.mobile,
      },
      attributes: { platform: 'jd', orderTotalPrice: p.orderTotalPrice.amount },
    },
  }),
});
