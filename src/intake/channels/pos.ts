// Offline POS: one row of a store's CSV export per receipt (all fields text, items packed as `SKU*qty@price;...`).
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { defineStatusDictionary } from '../../sync/status-dictionary.js';

const ITEM = /^([A-Za-z0-9_-]{1,40})\*([1-9]\d{0,4})@(\d{1,9}(?:\.\d+)?)$/;

/**
 * POS exports: every cell is text as the CSV gave it; times are store wall times with slashes
 * (`2026/06/18 10:00:05`); `items` is `SKU*qty@unitPrice` joined by `;`. No shipping address:
 * the buyer left with the goods.
 */
export const posChannel = defineChannel({
  id: 'pos',
  statusDictionary: defineStatusDictionary({
    system: 'pos',
    toCanonical: { SETTLED: 'paid', VOID: 'cancelled', RETURNED: 'return_requested' },
    // A till knows a sale, a void and a return; the buyer carried the goods away.
    fromCanonical: {
      pending_payment: null,
      on_hold: null,
      approved: 'SETTLED',
      allocated: 'SETTLED',
      picking: 'SETTLED',
      packed: 'SETTLED',
      partially_shipped: 'SETTLED',
      shipped: 'SETTLED',
      delivered: 'SETTLED',
      completed: 'SETTLED',
      rejected: 'VOID',
      returned: 'RETURNED',
      refunded: 'RETURNED',
      exception: null,
    },
  }),
  schema: (kit) =>
    z.object({
      receipt_no: z.string().regex(/^[A-Z0-9-]{4,32}$/, 'Expected a receipt number such as SH01-20260618-0042'),
      store_code: z.string().min(1),
      member_no: z.string().optional(),
      sold_at: z
        .string()
        .transform((t) => t.replaceAll('/', '-'))
        .pipe(kit.wallTime()),
      status: kit.status(),
      total: kit.money(),
      discount: kit.money(),
      items: z
        .string()
        .min(1)
        .transform((text, ctx) => {
          const items = text.split(';').map((part) => ITEM.exec(part.trim()));
          if (items.some((m) => m === null)) {
            ctx.addIssue({ code: 'custom', message: 'Expected items as SKU*qty@price joined by ";"' });
            return z.NEVER;
          }
          return items.map((m) => ({ sku: (m as RegExpExecArray)[1] as string, quantity: Number((m as RegExpExecArray)[2]), price: (m as RegExpExecArray)[3] as string }));
        })
        .pipe(z.array(z.object({ sku: z.string(), quantity: z.number().int().positive(), price: kit.money() }))),
    }),
  toOrder: (p, ctx) => ({
    status: p.status,
    input: {
      channelOrderId: p.receipt_no,
      // A walk-in buyer is nobody known: one reference per sale, so walk-ins are never linked into one customer.
      customerRef: p.member_no ? `member:${p.member_no}` : `walk-in:${p.store_code}:${p.receipt_no}`,
      currency: ctx.currency,
      placedAt: p.sold_at,
      lines: p.items.map((i) => ({ sku: i.sku, quantity: i.quantity, unitPrice: i.price })),
      discount: p.discount,
      total: p.total,
      paymentMethod: 'in_store',
      attributes: { platform: 'pos', store: p.store_code },
    },
  }),
});
