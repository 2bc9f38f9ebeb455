// Commits a unit of work to the memory storage: every part applied through one journal, and all of
// it undone when any part fails, as a SQL transaction would.
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { recordedEventError, StorageError } from '../../../errors/storage-error.js';
import type { UnitOfWork } from '../../../ports/storage-port.js';
import type { RunUnit } from '../shared/unit-conveniences.js';
import { applyPlan, corePart, planUnit, type UnitResults } from '../shared/unit-plan.js';
import { applyCustomer, applyInventory, applyQuarantine, applySetting, applyTask } from './memory-changes.js';
import { channelRefKey, copy, MemoryJournal, type MemoryState } from './memory-state.js';
import { quoteCode } from '../../../errors/mask.js';

/**
 * Commits a unit: checks its shape, then applies orders, outbox, idempotency, inventory, tasks,
 * customers, quarantine and settings in that order through a journal; a failing part rolls every earlier
 * one back before the error leaves. Runs without yielding, so it is atomic in one process.
 */
export function commitUnit(state: MemoryState, unit: UnitOfWork): UnitResults {
  const plan = planUnit(unit);
  const journal = new MemoryJournal();
  try {
    if (unit.orders !== undefined || unit.outbox !== undefined || unit.idempotency !== undefined) commitCore(state, unit, journal);
    const { tables } = state;
    return applyPlan(plan, {
      inventory: (planned, at) => applyInventory(journal, tables, planned, at),
      tasks: (planned, at) => applyTask(journal, tables, planned, at),
      customers: (planned) => applyCustomer(journal, tables, planned),
      quarantine: (planned, at) => applyQuarantine(journal, tables, planned, at),
      settings: (planned, at) => applySetting(journal, tables, planned, at),
    });
  } catch (error) {
    journal.rollback();
    throw error;
  }
}


/** A copy of a unit's list; nothing to copy for an absent or empty one (most units). */
function copyList<T>(list: readonly T[] | undefined): T[] {
  return list === undefined || list.length === 0 ? [] : copy([...list]);
}

/**
 * Orders, outbox and idempotency: checked against the stored state and the unit's own earlier
 * writes before any of them is applied. Writes to one order inside a unit are checked in
 * sequence (the second must expect the version the first wrote).
 */
function commitCore(state: MemoryState, unit: UnitOfWork, journal: MemoryJournal): void {
  const { orders, channelRefs, history, outbox, idempotency } = state.tables;
  // Copied up front: a value structuredClone refuses fails the unit before anything is written.
  const writes = copyList(unit.orders);
  const messages = copyList(unit.outbox);
  const records = copyList(unit.idempotency);

  // Staged view: what each id and channel ref would hold after the writes checked so far.
  const stagedVersions = new Map<string, number>();
  const stagedRefs = new Map<string, string>();
  const stagedEvents = new Map<string, Set<string>>();
  const versionOf = (id: string): number | null => stagedVersions.get(id) ?? orders.get(id)?.version ?? null;
  const ownerOfRef = (key: string): string | undefined => stagedRefs.get(key) ?? channelRefs.get(key);

  for (const [index, write] of writes.entries()) {
    const part = corePart('orders', index);
    const { order, expectedVersion } = write;
    const actual = versionOf(order.id);
    const refKey = channelRefKey(order.channel, order.channelOrderId);
    const refOwner = ownerOfRef(refKey);
    if (expectedVersion === null) {
      if (actual !== null) {
        throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion: null, actualVersion: actual, part });
      }
      if (refOwner !== undefined) {
        // Named by the ref, not the new id: the conflict is with the order that already holds it.
        throw new ConcurrencyError(
          { entity: 'order channel ref', id: `${order.channel}/${order.channelOrderId}`, expectedVersion: null, actualVersion: versionOf(refOwner), part },
          { details: { orderId: order.id, existingOrderId: refOwner } },
        );
      }
    } else {
      if (actual !== expectedVersion) {
        throw new ConcurrencyError({ entity: 'order', id: order.id, expectedVersion, actualVersion: actual, part });
      }
      if (refOwner !== undefined && refOwner !== order.id) {
        throw new StorageError('DUPLICATE_KEY', {
          operation: 'commit',
          part,
          message: `order ${order.id} cannot take channel order id of ${order.channel} already held by order ${refOwner}`,
        });
      }
    }
    // An event is recorded once per order, whatever history the writer held.
    const recorded = stagedEvents.get(order.id) ?? new Set((history.get(order.id) ?? []).map((entry) => entry.eventId));
    for (const entry of write.newHistory) {
      if (recorded.has(entry.eventId)) throw recordedEventError(part, order.id, entry.eventId);
      recorded.add(entry.eventId);
    }
    stagedEvents.set(order.id, recorded);
    stagedVersions.set(order.id, order.version);
    stagedRefs.set(refKey, order.id);
  }

  const outboxIds = new Set<string>();
  for (const [index, message] of messages.entries()) {
    if (outbox.has(message.id) || outboxIds.has(message.id)) {
      throw new StorageError('DUPLICATE_KEY', {
        operation: 'commit',
        part: corePart('outbox', index),
        message: `outbox message id ${quoteCode(message.id)} already exists`,
        hint: 'give every outbox message a new id',
      });
    }
    outboxIds.add(message.id);
  }

  const keys = new Set<string>();
  for (const [index, record] of records.entries()) {
    if (idempotency.has(record.key) || keys.has(record.key)) {
      throw new StorageError('DUPLICATE_KEY', {
        operation: 'commit',
        part: corePart('idempotency', index),
        message: `idempotency key ${quoteCode(record.key)} already exists`,
        hint: 'read the stored record with idempotency.get(key) and answer the repeat with its result',
      });
    }
    keys.add(record.key);
  }

  // Nothing below can throw on stored data.
  for (const write of writes) {
    const order = write.order;
    const previous = orders.get(order.id);
    if (previous !== undefined) {
      const oldRef = channelRefKey(previous.channel, previous.channelOrderId);
      if (channelRefs.get(oldRef) === order.id) journal.delete(channelRefs, oldRef);
    }
    // The order's own `history` field is not trusted: history grows only by `newHistory`.
    journal.set(orders, order.id, { ...order, history: [] });
    journal.set(channelRefs, channelRefKey(order.channel, order.channelOrderId), order.id);
    // History is append-only: the undo drops what this unit appended, no copy of the rest.
    const entries = history.get(order.id);
    if (entries === undefined) journal.set(history, order.id, [...write.newHistory]);
    else if (write.newHistory.length > 0) {
      const length = entries.length;
      entries.push(...write.newHistory);
      journal.onRollback(() => {
        entries.length = length;
      });
    }
  }
  if (messages.length > 0) {
    const sequence = state.outboxSequence;
    journal.onRollback(() => {
      state.outboxSequence = sequence;
    });
  }
  for (const message of messages) {
    state.outboxSequence += 1;
    journal.set(outbox, message.id, {
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
  for (const record of records) journal.set(idempotency, record.key, record);
}

/** The memory storage's {@link RunUnit}: the guard for `operation`, then the unit, without yielding. */
export function memoryRunner(state: MemoryState): RunUnit {
  // Not an async function: one promise per call, settled at once (the unit ran synchronously).
  return (unit, operation) => {
    try {
      state.enter(operation);
      return Promise.resolve(commitUnit(state, unit));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
