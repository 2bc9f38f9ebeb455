// The in-memory CustomerStore on its own: the customer tables of a private memory storage.
import type { CustomerStore } from '../../../ports/customer-store-port.js';
import { createMemoryCustomers } from './memory-customers.js';
import { createMemoryState } from './memory-state.js';

/**
 * Creates an in-memory {@link CustomerStore}, the same store a memory storage has as
 * `storage.customers`. Values are copied on the way in and out, so a caller can never mutate
 * what the store holds; `commit` applies several changes atomically.
 * @example const store = createMemoryCustomerStore();
 */
export function createMemoryCustomerStore(): CustomerStore {
  return Object.freeze(createMemoryCustomers(createMemoryState(undefined)));
}
