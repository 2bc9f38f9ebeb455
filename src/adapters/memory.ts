// The `ordo/adapters/memory` entry point: in-process storage and transport, the defaults and the test doubles.
export { createMemoryStorage, memoryStorageBackdoor } from './storage/memory/index.js';
export type { MemoryStorage, MemoryStorageOptions, MemoryStorageBackdoor } from './storage/memory/index.js';
export { createMemoryCustomerStore } from './storage/memory/memory-customer-store.js';
export { createMemoryTransport } from './transport/memory/index.js';
export type { MemoryTransport, MemoryTransportOptions, MemoryDeadLetter } from './transport/memory/index.js';
