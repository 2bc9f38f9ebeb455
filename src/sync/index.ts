// The sync module's face: the transactional outbox relay.
export { createOutboxRelay } from './outbox-relay.js';
export type { OutboxRelay, OutboxRelayOptions, OutboxRelayResult } from './outbox-relay.js';
