// The `ordo/testing` entry point: conformance suites for anyone who writes a storage or transport adapter.
export { storageConformance } from './storage-conformance.js';
export type { StorageBackdoor, StorageConformanceOptions } from './storage-conformance.js';
export type { ConformanceTestApi } from './conformance-api.js';
export { transportConformance } from './transport-conformance.js';
export type { TransportConformanceOptions, DeadLetterRecord } from './transport-conformance.js';
export { customerStoreConformance } from './customer-store-conformance.js';
export { FIXTURE_CHANNELS, channelFixtures, channelFixture } from './channel-fixtures.js';
export type { FixtureChannel } from './channel-fixtures.js';
