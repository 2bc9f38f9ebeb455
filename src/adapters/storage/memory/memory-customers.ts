// The memory storage's customer store: the customers module's in-memory store behind the storage's guard.
import { createMemoryCustomerStore } from './memory-customer-store.js';
import type { CustomerStore } from '../../../ports/customer-store-port.js';
import type { MemoryState } from './memory-state.js';

/**
 * Creates the customer store of one memory storage. Every call passes the storage's guard first,
 * so a closed storage fails with `STORAGE_UNAVAILABLE` and `failWith` can inject faults (operation
 * names `customers.putProfile`, `customers.getPostings`, ...), as for the other sub-stores.
 */
export function createMemoryCustomers(state: MemoryState): CustomerStore {
  const store = createMemoryCustomerStore();
  // The memory store's methods are closures (no `this`) and finish without yielding, so each
  // guarded call stays atomic.
  const guard =
    <A extends unknown[], R>(name: keyof CustomerStore, method: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      state.enter(`customers.${name}`);
      return method(...args);
    };
  return {
    putProfile: guard('putProfile', store.putProfile),
    getProfile: guard('getProfile', store.getProfile),
    getProfiles: guard('getProfiles', store.getProfiles),
    deleteProfile: guard('deleteProfile', store.deleteProfile),
    putGolden: guard('putGolden', store.putGolden),
    getGolden: guard('getGolden', store.getGolden),
    findGoldenBySource: guard('findGoldenBySource', store.findGoldenBySource),
    deleteGolden: guard('deleteGolden', store.deleteGolden),
    addPostings: guard('addPostings', store.addPostings),
    removePostings: guard('removePostings', store.removePostings),
    getPostings: guard('getPostings', store.getPostings),
    appendAudit: guard('appendAudit', store.appendAudit),
    getAudit: guard('getAudit', store.getAudit),
    listAudit: guard('listAudit', store.listAudit),
  };
}
