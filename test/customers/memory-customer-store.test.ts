// Runs the CustomerStore conformance suite against the in-memory store and the memory storage's `customers`.
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { customerStoreConformance } from '../../src/testing/customer-store-conformance.js';
import { createMemoryCustomerStore } from '../../src/adapters/memory.js';
import { isStorageError } from '../../src/errors/index.js';

describe('createMemoryCustomerStore', () => {
  customerStoreConformance({ describe, it }, () => createMemoryCustomerStore());
});

describe('memory storage customers', () => {
  customerStoreConformance({ describe, it }, () => createMemoryStorage().customers);

  it('is one store per storage: two storages share nothing', async () => {
    const a = createMemoryStorage();
    const b = createMemoryStorage();
    await a.customers.addPostings('r1', ['k']);
    expect(await a.customers.getPostings('k', 10)).toEqual({ ids: ['r1'], total: 1 });
    expect(await b.customers.getPostings('k', 10)).toEqual({ ids: [], total: 0 });
  });

  it('after close, customer calls fail with STORAGE_UNAVAILABLE', async () => {
    const storage = createMemoryStorage();
    await storage.customers.putProfile({ id: 'c1', names: [], phones: [], emails: [], addresses: [], paymentAccounts: [], deviceIds: [], attributes: {} });
    await storage.close();
    const error = await storage.customers.getProfile('c1').catch((e: unknown) => e);
    expect(isStorageError(error) && error.code).toBe('STORAGE_UNAVAILABLE');
  });

  it('failWith injects faults into customer calls by operation name', async () => {
    const storage = createMemoryStorage({ failWith: (operation) => (operation === 'customers.addPostings' ? new Error('disk full') : undefined) });
    const error = await storage.customers.addPostings('r1', ['k']).catch((e: unknown) => e);
    expect(isStorageError(error) && error.code).toBe('STORAGE_FAILURE');
    expect(await storage.customers.getPostings('k', 10)).toEqual({ ids: [], total: 0 });
  });
});
