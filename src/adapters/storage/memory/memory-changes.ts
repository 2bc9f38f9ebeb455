// The memory storage's one write path for inventory, tasks, customers and quarantine: each change
// of a unit applied through the unit's journal, so a later part's failure undoes it.
import type { Instant } from '../../../clock/instant.js';
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { StorageError } from '../../../errors/storage-error.js';
import { checkCapacity, insufficientStock, leaseLost, type UnitPart } from '../../../errors/unit-error.js';
import type { CustomerChange, GoldenProfile } from '../../../ports/customer-store-port.js';
import type { InventoryChange, Reservation, ReservationRequest, StockLevel } from '../../../ports/inventory-port.js';
import type { QuarantineChange, QuarantineRecord } from '../../../ports/quarantine-port.js';
import type { Setting, SettingChange } from '../../../ports/settings-port.js';
import type { Task, TaskChange } from '../../../ports/task-port.js';
import { attemptOf, initialHistory } from '../shared/task-rows.js';
import { availableStock, shortfall } from '../shared/inventory-rows.js';
import type { Planned } from '../shared/unit-plan.js';
import { copy, stockKey, type MemoryJournal, type MemoryTables, type StockRow } from './memory-state.js';
import { quoteCode } from '../../../errors/mask.js';

/** A stock row as the port's {@link StockLevel}. */
export function toStockLevel(row: StockRow): StockLevel {
  return { warehouseId: row.warehouseId, sku: row.sku, onHand: row.onHand, reserved: row.reserved, available: availableStock(row.onHand, row.reserved), updatedAt: row.updatedAt };
}

/**
 * Gives an active reservation's units back (`consume` also takes them off the shelf) and moves it
 * to `status`. False when it is not active.
 */
export function settleReservation(journal: MemoryJournal, tables: MemoryTables, id: string, status: Reservation['status'], at: Instant, consume: boolean): boolean {
  const reservation = tables.reservations.get(id);
  if (reservation === undefined || reservation.status !== 'active') return false;
  const key = stockKey(reservation.warehouseId, reservation.sku);
  const row = tables.stock.get(key);
  if (row !== undefined) {
    journal.set(tables.stock, key, {
      ...row,
      reserved: Math.max(0, row.reserved - reservation.quantity),
      onHand: consume ? Math.max(0, row.onHand - reservation.quantity) : row.onHand,
      updatedAt: at,
    });
  }
  journal.set(tables.reservations, id, { ...reservation, status, updatedAt: at });
  return true;
}

function reserve(journal: MemoryJournal, tables: MemoryTables, part: UnitPart, requests: readonly ReservationRequest[], at: Instant): Reservation[] {
  for (const request of requests) {
    if (tables.reservations.has(request.reservationId)) continue;
    const key = stockKey(request.warehouseId, request.sku);
    const row = tables.stock.get(key);
    const available = row === undefined ? 0 : availableStock(row.onHand, row.reserved);
    // Earlier lines of the unit already hold their share: `available` is what is left for this one.
    if (request.quantity > available) throw insufficientStock(part, shortfall(request, available));
    journal.set(tables.stock, key, { ...(row as StockRow), reserved: (row as StockRow).reserved + request.quantity, updatedAt: at });
    journal.set(tables.reservations, request.reservationId, storedReservation(request, at));
  }
  // Reservations hold primitives only, so a spread is a full copy.
  return requests.map((request) => ({ ...(tables.reservations.get(request.reservationId) as Reservation) }));
}

/** The stored reservation: the request's own fields (as the SQL adapters keep their columns), no alias of it. */
function storedReservation(request: ReservationRequest, at: Instant): Reservation {
  const { reservationId, orderId, lineId, warehouseId, sku, quantity, expiresAt } = request;
  return { reservationId, orderId, lineId, warehouseId, sku, quantity, ...(expiresAt === undefined ? {} : { expiresAt }), status: 'active', createdAt: at, updatedAt: at };
}

/** Applies one inventory change; returns what the convenience method answers. */
export function applyInventory(journal: MemoryJournal, tables: MemoryTables, { part, change }: Planned<InventoryChange>, at: Instant): unknown {
  switch (change.type) {
    case 'reserve':
      return reserve(journal, tables, part, change.requests, at);
    case 'release':
    case 'commitReservation': {
      const consume = change.type === 'commitReservation';
      if (!settleReservation(journal, tables, change.reservationId, consume ? 'committed' : 'released', at, consume)) {
        throw new ConcurrencyError({
          entity: 'reservation',
          id: change.reservationId,
          expectedVersion: null,
          expectedStatus: 'active',
          actualStatus: tables.reservations.get(change.reservationId)?.status ?? null,
          part,
        });
      }
      return true;
    }
    case 'setStock': {
      const key = stockKey(change.warehouseId, change.sku);
      const row: StockRow = { warehouseId: change.warehouseId, sku: change.sku, reserved: tables.stock.get(key)?.reserved ?? 0, onHand: change.onHand, updatedAt: at };
      journal.set(tables.stock, key, row);
      return toStockLevel(row);
    }
    case 'useCapacity':
    case 'releaseCapacity': {
      const key = stockKey(change.warehouseId, change.date);
      const before = tables.capacity.get(key) ?? { warehouseId: change.warehouseId, date: change.date, orders: 0, units: 0 };
      const sign = change.type === 'useCapacity' ? 1 : -1;
      const after = { ...before, orders: Math.max(0, before.orders + sign * change.orders), units: Math.max(0, before.units + sign * change.units) };
      if (change.type === 'useCapacity') checkCapacity(part, change, after);
      journal.set(tables.capacity, key, after);
      return { ...after };
    }
  }
}

/** The task without its lease fields (exactOptionalPropertyTypes: absent, not undefined). */
function withoutLease(task: Task): Task {
  const { leaseOwner: _owner, leaseUntil: _until, ...rest } = task;
  return rest;
}

/** Applies one task change; returns what the convenience method answers. */
export function applyTask(journal: MemoryJournal, tables: MemoryTables, { part, change }: Planned<TaskChange>, at: Instant): unknown {
  const { tasks } = tables;
  if (change.type === 'enqueue') {
    const input = change.task;
    for (const task of tasks.values()) {
      if (task.queue === input.queue && task.key === input.key && (task.status === 'pending' || task.status === 'leased')) return { task: copy(task), created: false };
    }
    if (tasks.has(change.id)) {
      throw new StorageError('DUPLICATE_KEY', { operation: 'commit', part, message: `task id ${quoteCode(change.id)} already exists`, hint: 'give every task a new id' });
    }
    const task: Task = { ...copy(input), id: change.id, status: 'pending', attempts: 0, history: JSON.parse(initialHistory(input)) as Task['history'], createdAt: at, updatedAt: at };
    journal.set(tasks, change.id, task);
    return { task: copy(task), created: true };
  }
  const task = tasks.get(change.id);
  if (task === undefined || task.status !== 'leased' || task.leaseOwner !== change.owner) {
    throw leaseLost(part, change.id, change.owner, { status: task?.status ?? null, owner: task?.leaseOwner ?? null });
  }
  const base = withoutLease(task);
  const next: Task =
    change.type === 'complete'
      ? { ...base, status: 'completed', updatedAt: at }
      : change.type === 'fail'
        ? { ...base, status: 'pending', dueAt: change.nextDueAt, lastError: change.error, history: [...task.history, attemptOf(change, at)], firstFailedAt: task.firstFailedAt ?? at, updatedAt: at }
        : { ...base, status: 'dead', lastError: change.error, history: [...task.history, attemptOf(change, at)], firstFailedAt: task.firstFailedAt ?? at, updatedAt: at };
  journal.set(tasks, change.id, next);
  return true;
}

/** Removes a golden profile's source mappings that still point at it. */
function unmapSources(journal: MemoryJournal, tables: MemoryTables, golden: GoldenProfile): void {
  for (const source of golden.sourceIds) if (tables.goldenBySource.get(source) === golden.id) journal.delete(tables.goldenBySource, source);
}

/** Applies one customer change; returns what the convenience method answers. */
export function applyCustomer(journal: MemoryJournal, tables: MemoryTables, { part, change }: Planned<CustomerChange>): unknown {
  switch (change.type) {
    case 'putProfile':
      journal.set(tables.profiles, change.profile.id, copy(change.profile));
      return undefined;
    case 'deleteProfile':
      return journal.delete(tables.profiles, change.id);
    case 'putGolden': {
      const { golden, expectedVersion } = change;
      const stored = tables.goldens.get(golden.id);
      if ((stored?.version ?? null) !== expectedVersion) {
        throw new ConcurrencyError({ entity: 'golden profile', id: golden.id, expectedVersion, actualVersion: stored?.version ?? null, part });
      }
      if (stored !== undefined) unmapSources(journal, tables, stored);
      journal.set(tables.goldens, golden.id, copy(golden));
      for (const source of golden.sourceIds) journal.set(tables.goldenBySource, source, golden.id);
      return undefined;
    }
    case 'deleteGolden': {
      const stored = tables.goldens.get(change.id);
      if (change.expectedVersion !== undefined && stored?.version !== change.expectedVersion) {
        throw new ConcurrencyError({ entity: 'golden profile', id: change.id, expectedVersion: change.expectedVersion, actualVersion: stored?.version ?? null, part });
      }
      if (stored === undefined) return false;
      unmapSources(journal, tables, stored);
      return journal.delete(tables.goldens, change.id);
    }
    case 'addPostings':
      for (const key of change.keys) {
        let ids = tables.postings.get(key);
        if (ids === undefined) {
          ids = new Set();
          journal.set(tables.postings, key, ids);
        }
        journal.add(ids, change.recordId);
      }
      return undefined;
    case 'removePostings':
      for (const key of change.keys) {
        const ids = tables.postings.get(key);
        if (ids === undefined) continue;
        journal.remove(ids, change.recordId);
        if (ids.size === 0) journal.delete(tables.postings, key);
      }
      return undefined;
    case 'appendAudit':
      if (tables.audits.has(change.record.id)) {
        throw new StorageError('DUPLICATE_KEY', { operation: 'commit', part, message: `merge audit record ${quoteCode(change.record.id)} already exists`, hint: 'audit records are append-only; use a new id' });
      }
      journal.set(tables.audits, change.record.id, copy(change.record));
      return undefined;
  }
}

/** Applies one quarantine change; returns what the convenience method answers. */
export function applyQuarantine(journal: MemoryJournal, tables: MemoryTables, { part, change }: Planned<QuarantineChange>, at: Instant): unknown {
  const { quarantine } = tables;
  if (change.type === 'put') {
    // A redelivered bad payload must not overwrite a record someone may be fixing.
    const existing = quarantine.get(change.record.id);
    if (existing !== undefined) return copy(existing);
    const record: QuarantineRecord = { ...copy(change.record), status: 'open', updatedAt: change.record.receivedAt, revisions: 0 };
    journal.set(quarantine, record.id, record);
    return copy(record);
  }
  const record = quarantine.get(change.id);
  // Replayed and discarded records are closed for audit; only open ones can change.
  if (record === undefined || record.status !== 'open') {
    throw new ConcurrencyError({ entity: 'quarantine record', id: change.id, expectedVersion: null, expectedStatus: 'open', actualStatus: record?.status ?? null, part });
  }
  const next: QuarantineRecord =
    change.type === 'fix'
      ? { ...record, payload: copy(change.payload), issues: copy(change.issues), revisions: record.revisions + 1, updatedAt: at }
      : { ...record, status: change.type === 'markReplayed' ? 'replayed' : 'discarded', updatedAt: at };
  journal.set(quarantine, change.id, next);
  return copy(next);
}

/** Applies one settings change; answers the stored setting. */
export function applySetting(journal: MemoryJournal, tables: MemoryTables, { part, change }: Planned<SettingChange>, at: Instant): Setting {
  const stored = tables.settings.get(change.key);
  if ((stored?.version ?? null) !== change.expectedVersion) {
    throw new ConcurrencyError({ entity: 'setting', id: change.key, expectedVersion: change.expectedVersion, actualVersion: stored?.version ?? null, part });
  }
  const next: Setting = { key: change.key, value: copy(change.value), version: (stored?.version ?? 0) + 1, updatedAt: at, updatedBy: change.by };
  journal.set(tables.settings, change.key, next);
  return copy(next);
}
