// Commits a unit of work to the memory storage: validate every write first, then apply them all.
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { StorageError } from '../../../errors/storage-error.js';
import type { UnitOfWork } from '../../../ports/storage-port.js';
import { channelRefKey, copy, type MemoryState } from './memory-state.js';

/**
 * Validates the whole unit against the stored state and the unit's own earlier writes, and throws
 * before touching any table; only then applies it. Writes to one order inside a unit are checked
 * in sequence (the second must expect the version the first wrote), as a SQL transaction would.
 */
export function commitUnit(state: MemoryState, unit: UnitOfWork): void {
  const { orders, channelRefs, history, outbox, idempotency } = state.tables;
  // Copied up front: a value structuredClone refuses fails the unit before anything is written.
  const writes = copy(unit.orders ?? []);
  const messages = copy(unit.outbox ?? []);
  const records = copy(unit.idempotency ?? []);

  // Staged view: what each id and channel ref would hold after the writes checked so far.
  const stagedVersions = new Map<string, number>();
  const stagedRefs = new Map<string, string>();
  const versionOf = (id: string): number | null => stagedVersions.get(id) ?? orders.get(id)?.version ?? null;
  const ownerOfRef = (key: string): string | undefined => stagedRefs.get(key) ?? channelRefs.get(key);

  for (const write of writes) {
    const { order, expectedVersion } = write;
    const actual = versionOf(order.id);
    const refKey = channelRefKey(order.channel, order.channelOrderId);
    const refOwner = ownerOfRef(refKey);
    if (expectedVersion === null) {
      if (actual !== null) {
        throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion: null, actualVersion: actual });
      }
      if (refOwner !== undefined) {
        // Named by the ref, not the new id: the conflict is with the order that already holds it.
        throw new ConcurrencyError(
          { entity: 'order channel ref', id: `${order.channel}/${order.channelOrderId}`, expectedVersion: null, actualVersion: versionOf(refOwner) },
          { details: { orderId: order.id, existingOrderId: refOwner } },
        );
      }
    } else {
      if (actual !== expectedVersion) {
        throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion, actualVersion: actual });
      }
      if (refOwner !== undefined && refOwner !== order.id) {
        throw new StorageError('DUPLICATE_KEY', {
          operation: 'commit',
          message: `order ${order.id} cannot take channel order id of ${order.channel} already held by order ${refOwner}`,
        });
      }
    }
    stagedVersions.set(order.id, order.version);
    stagedRefs.set(refKey, order.id);
  }

  const outboxIds = new Set<string>();
  for (const message of messages) {
    if (outbox.has(message.id) || outboxIds.has(message.id)) {
      throw new StorageError('DUPLICATE_KEY', {
        operation: 'commit',
        message: `outbox message id "${message.id}" already exists`,
        hint: 'give every outbox message a new id',
      });
    }
    outboxIds.add(message.id);
  }

  const keys = new Set<string>();
  for (const record of records) {
    if (idempotency.has(record.key) || keys.has(record.key)) {
      throw new StorageError('DUPLICATE_KEY', {
        operation: 'commit',
        message: `idempotency key "${record.key}" already exists`,
        hint: 'read the stored record with idempotency.get(key) and answer the repeat with its result',
      });
    }
    keys.add(record.key);
  }

  // Nothing below can throw on stored data: the unit is applied whole.
  for (const write of writes) {
    const order = write.order;
    const previous = orders.get(order.id);
    if (previous !== undefined) {
      const oldRef = channelRefKey(previous.channel, previous.channelOrderId);
      if (channelRefs.get(oldRef) === order.id) channelRefs.delete(oldRef);
    }
    // The order's own `history` field is not trusted: history grows only by `newHistory`.
    orders.set(order.id, { ...order, history: [] });
    channelRefs.set(channelRefKey(order.channel, order.channelOrderId), order.id);
    const entries = history.get(order.id) ?? [];
    entries.push(...write.newHistory);
    history.set(order.id, entries);
  }
  for (const message of messages) {
    state.outboxSequence += 1;
    outbox.set(message.id, {
      message: {
        ...message,
        sequence: state.outboxSequence,
        status: 'pending',
        attempts: 0,
        availableAt: message.createdAt,
      },
      leaseOwner: null,
      leaseUntil: null,
    });
  }
  for (const record of records) idempotency.set(record.key, record);
}
