// An example warehouse system's status dictionary, for the docs, the demo and a starting point of your own.
import { defineStatusDictionary } from './status-dictionary.js';

/**
 * A typical WMS: it hears of an order once stock is allocated, waves and picks it, packs, loads
 * and ships it, and reports exceptions. Ordo's statuses before allocation have no WMS code;
 * statuses after delivery show as the WMS's last word (`DELIVERED`, `RETURNED`).
 */
export const EXAMPLE_WMS_STATUSES = defineStatusDictionary({
  system: 'wms',
  toCanonical: {
    NEW: 'allocated',
    WAVED: 'picking',
    PICKING: 'picking',
    PICKED: 'picking',
    PACKED: 'packed',
    LOADED: 'packed',
    PART_SHIPPED: 'partially_shipped',
    SHIPPED: 'shipped',
    DELIVERED: 'delivered',
    RETURNED: 'returned',
    CANCELLED: 'cancelled',
    EXCEPTION: 'exception',
  },
  fromCanonical: {
    pending_payment: null,
    paid: null,
    on_hold: null,
    approved: null,
    picking: 'PICKING',
    packed: 'PACKED',
    completed: 'DELIVERED',
    rejected: 'CANCELLED',
    return_requested: 'DELIVERED',
    refunded: 'RETURNED',
  },
});
