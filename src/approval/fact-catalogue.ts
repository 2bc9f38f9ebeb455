// The facts a policy may name, with their types: the canonical order facts and a way to extend them.
import { expectObject, ValidationError } from '../errors/validation-error.js';
import { FACT_TYPES, type FactDefinition, type FactType } from './policy-schema.js';

/** Fact name to definition. Names are dotted paths such as `order.total`. */
export type FactCatalogue = Readonly<Record<string, FactDefinition>>;

/**
 * The canonical approval facts, as {@link buildFacts} produces them. Facts are a flat record
 * keyed by these dotted names; a fact that is `undefined` or `null` is missing.
 */
export const ORDER_FACTS: FactCatalogue = Object.freeze({
  'order.id': { type: 'string', description: 'The order id.' },
  'order.total': { type: 'money', description: 'The order total (subtotal - discount + shipping + tax).' },
  'order.currency': { type: 'string', description: 'ISO 4217 currency of the order.' },
  'order.channel': { type: 'string', description: 'Sales channel, e.g. tmall, jd, pos.' },
  'order.paymentMethod': { type: 'string', description: 'e.g. alipay, wechat_pay, cod.' },
  'order.lineCount': { type: 'number', description: 'Number of order lines.' },
  'order.itemCount': { type: 'number', description: 'Units over all lines.' },
  'order.categories': { type: 'string[]', description: 'Distinct product categories of the lines.' },
  'order.shippingCountry': { type: 'string', description: 'ISO 3166-1 alpha-2 country of the shipping address.' },
  'order.shippingProvince': { type: 'string', description: 'Province or state of the shipping address.' },
  'customer.id': { type: 'string', description: 'The customer id.' },
  'customer.tier': { type: 'string', description: 'Membership tier, e.g. standard, silver, gold, platinum.' },
  'customer.creditScore': { type: 'number', description: 'Credit score (your scale, e.g. 300-850).' },
  'customer.isNew': { type: 'boolean', description: 'No earlier order from this customer.' },
  'customer.isBlocked': { type: 'boolean', description: 'On a block list.' },
  'customer.tags': { type: 'string[]', description: 'Behaviour or CRM tags.' },
  'derived.accountAgeDays': { type: 'number', description: 'Whole days since the account was created.' },
  'derived.orderCountInWindow': { type: 'number', description: 'Orders placed in the look-back window.' },
  'derived.returnRate': { type: 'number', description: 'Units returned / units shipped in the window (0-1).' },
  'derived.distanceFromUsualKm': {
    type: 'number',
    description: 'Kilometres from the shipping address to the nearest usual address of the customer.',
  },
  'derived.averageOrderAmount': { type: 'money', description: "The customer's average order total in the window." },
  'derived.amountVsAverage': { type: 'number', description: "This order's total divided by the customer's average." },
  'derived.shipsToNewProvince': {
    type: 'boolean',
    description: 'The shipping province is one the customer never received a parcel in; missing for a first order (no usual province); needs no coordinates.',
  },
  'derived.shipsToNewCity': {
    type: 'boolean',
    description: 'The shipping city is one the customer never received a parcel in; missing for a first order (no usual city); needs no coordinates.',
  },
  'derived.shippingAddressReadable': {
    type: 'boolean',
    description: 'The shipping address resolves to a province or carries coordinates; missing for an order without one.',
  },
} satisfies Record<string, FactDefinition>);

/**
 * A catalogue with more facts (or redefined ones) on top of a base.
 * @example extendFactCatalogue(ORDER_FACTS, { 'order.giftWrap': { type: 'boolean' } })
 * @throws ValidationError `VALIDATION_FAILED` for a bad name or type.
 */
export function extendFactCatalogue(base: FactCatalogue, extra: Readonly<Record<string, FactDefinition>>): FactCatalogue {
  expectObject('extendFactCatalogue base', base, 'a fact catalogue');
  expectObject('extendFactCatalogue extra', extra, 'fact definitions by name');
  const issues = [];
  for (const [name, definition] of Object.entries(extra)) {
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(name)) {
      issues.push({ code: 'invalid_fact_name', path: [name], message: 'Expected a dotted fact name such as "order.giftWrap"' });
    }
    if (!(FACT_TYPES as readonly string[]).includes(definition.type)) {
      issues.push({ code: 'invalid_fact_type', path: [name, 'type'], message: `Expected one of ${FACT_TYPES.join(', ')}` });
    }
  }
  if (issues.length > 0) throw new ValidationError('fact catalogue', issues);
  return Object.freeze({ ...base, ...extra });
}

/** The type of a fact, or `undefined` when the catalogue does not know it. */
export function factType(catalogue: FactCatalogue, name: string): FactType | undefined {
  return Object.prototype.hasOwnProperty.call(catalogue, name) ? catalogue[name]?.type : undefined;
}
