// The sync module's face: the transactional outbox relay.
export { createOutboxRelay } from '../app/outbox-relay.js';
export type { OutboxRelay, OutboxRelayOptions, OutboxRelayResult } from '../app/outbox-relay.js';
