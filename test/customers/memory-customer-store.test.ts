// Runs the CustomerStore conformance suite against the in-memory store.
import { describe, it } from 'vitest';
import { customerStoreConformance } from '../../src/testing/customer-store-conformance.js';
import { createMemoryCustomerStore } from '../../src/customers/index.js';

customerStoreConformance({ describe, it }, () => createMemoryCustomerStore());
