// The `ordo/testing` entry point: conformance suites for adapter authors, channel fixtures, and
// the synthetic customers and accuracy measures the customers tests and benchmarks use.
export { storageConformance } from './storage-conformance.js';
export type { StorageBackdoor, StorageConformanceOptions } from './storage-conformance.js';
export type { ConformanceTestApi } from './conformance-api.js';
export { transportConformance } from './transport-conformance.js';
export type { TransportConformanceOptions, DeadLetterRecord } from './transport-conformance.js';
export { customerStoreConformance } from './customer-store-conformance.js';
export type { CustomerStoreBackdoor, CustomerStoreConformanceOptions } from './customer-store-conformance.js';
export { FIXTURE_CHANNELS, channelFixtures, channelFixture } from './channel-fixtures.js';
export type { FixtureChannel } from './channel-fixtures.js';
export { generateSyntheticCustomers } from './synthetic-customers.js';
export type { SyntheticCustomerOptions, SyntheticCustomers } from './synthetic-customers.js';
export { evaluateClusters, evaluateBlocking } from './cluster-evaluation.js';
export type { ClusterAccuracy, BlockingQuality } from './cluster-evaluation.js';
export { mulberry32 } from '../customers/seeded-random.js';
