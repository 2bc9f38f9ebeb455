// The canonical data model shared across modules: addresses and customers.
export { addressSchema, geoPointSchema } from './address.js';
export { ISO_COUNTRY_CODES } from './countries.js';
export type { Address, GeoPoint } from './address.js';
export { customerSchema, paymentAccountSchema } from './customer.js';
export type { Customer, CustomerInput, PaymentAccount } from './customer.js';
