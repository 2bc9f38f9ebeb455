// The SQLite storage's one write path for inventory, tasks, customers and quarantine: each change of
// a unit run inside the unit's write transaction, so a later part's failure rolls it back.
import type { Instant } from '../../../clock/instant.js';
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { StorageError } from '../../../errors/storage-error.js';
import { checkCapacity, insufficientStock, leaseLost, type UnitPart } from '../../../errors/unit-error.js';
import type { CustomerChange } from '../../../ports/customer-store-port.js';
import type { InventoryChange, Reservation, ReservationRequest } from '../../../ports/inventory-port.js';
import type { JsonValue } from '../../../ports/json.js';
import type { QuarantineChange } from '../../../ports/quarantine-port.js';
import type { SettingChange } from '../../../ports/settings-port.js';
import type { TaskChange } from '../../../ports/task-port.js';
import {
  availableStock,
  shortfall,
  CAPACITY_COLUMNS,
  RESERVATION_COLUMNS,
  STOCK_COLUMNS,
  toCapacityUsage,
  toReservation,
  toStockLevel,
  type CapacityRow,
  type ReservationRow,
  type StockRow,
} from '../shared/inventory-rows.js';
import { parseJsonText, QUARANTINE_COLUMNS, toQuarantineRecord, type QuarantineRow } from '../shared/outbox-rows.js';
import { SETTING_COLUMNS, toSetting, type SettingRow } from '../shared/setting-rows.js';
import { TASK_COLUMNS, attemptOf, initialHistory, toTask, type TaskRow } from '../shared/task-rows.js';
import { applyPlan, type Planned, type UnitPlan, type UnitResults } from '../shared/unit-plan.js';
import { jsonList, type SqliteSession, type SqliteTables } from './sqlite-driver.js';
import { quoteCode } from '../../../errors/mask.js';

/** The asked keys once each: a repeated key must not count twice. */
const distinct = (keys: readonly string[]): string[] => [...new Set(keys)];

/**
 * Gives an active reservation's units back (`consume` also takes them off the shelf) and moves it
 * to `status`. False when it is not active.
 */
export function settleReservation(session: SqliteSession, t: SqliteTables, id: string, status: Reservation['status'], at: Instant, consume: boolean): boolean {
  const reservation = session.get<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE reservation_id = ? AND status = 'active'`, id);
  if (reservation === undefined) return false;
  session.run(`UPDATE ${t.reservations} SET status = ?, updated_at = ? WHERE reservation_id = ?`, status, at, id);
  session.run(
    `UPDATE ${t.stock} SET reserved = MAX(0, reserved - ?), on_hand = MAX(0, on_hand - ?), updated_at = ? WHERE warehouse_id = ? AND sku = ?`,
    reservation.quantity, consume ? reservation.quantity : 0, at, reservation.warehouse_id, reservation.sku,
  );
  return true;
}

function reserve(session: SqliteSession, t: SqliteTables, part: UnitPart, requests: readonly ReservationRequest[], at: Instant): Reservation[] {
  const select = `SELECT ${RESERVATION_COLUMNS} FROM ${t.reservations} WHERE reservation_id = ?`;
  for (const request of requests) {
    if (session.get(select, request.reservationId) !== undefined) continue;
    const row = session.get<StockRow>(`SELECT ${STOCK_COLUMNS} FROM ${t.stock} WHERE warehouse_id = ? AND sku = ?`, request.warehouseId, request.sku);
    // Earlier lines of the unit already hold their share: `available` is what is left for this one.
    const available = row === undefined ? 0 : availableStock(row.on_hand, row.reserved);
    if (request.quantity > available) {
      throw insufficientStock(part, shortfall(request, available));
    }
    session.run(`UPDATE ${t.stock} SET reserved = reserved + ?, updated_at = ? WHERE warehouse_id = ? AND sku = ?`, request.quantity, at, request.warehouseId, request.sku);
    session.run(
      `INSERT INTO ${t.reservations} (reservation_id, order_id, line_id, warehouse_id, sku, quantity, expires_at, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
      request.reservationId, request.orderId, request.lineId, request.warehouseId, request.sku, request.quantity, request.expiresAt ?? null, at, at,
    );
  }
  return requests.map((request) => toReservation(session.get<ReservationRow>(select, request.reservationId) as ReservationRow));
}

function applyInventory(session: SqliteSession, t: SqliteTables, { part, change }: Planned<InventoryChange>, at: Instant): unknown {
  switch (change.type) {
    case 'reserve':
      return reserve(session, t, part, change.requests, at);
    case 'release':
    case 'commitReservation': {
      const consume = change.type === 'commitReservation';
      if (settleReservation(session, t, change.reservationId, consume ? 'committed' : 'released', at, consume)) return true;
      const found = session.get<{ status: string }>(`SELECT status FROM ${t.reservations} WHERE reservation_id = ?`, change.reservationId);
      throw new ConcurrencyError({ entity: 'reservation', id: change.reservationId, expectedVersion: null, expectedStatus: 'active', actualStatus: found?.status ?? null, part });
    }
    case 'setStock':
      session.run(
        `INSERT INTO ${t.stock} (warehouse_id, sku, on_hand, reserved, updated_at) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = excluded.on_hand, updated_at = excluded.updated_at`,
        change.warehouseId, change.sku, change.onHand, at,
      );
      return toStockLevel(session.get<StockRow>(`SELECT ${STOCK_COLUMNS} FROM ${t.stock} WHERE warehouse_id = ? AND sku = ?`, change.warehouseId, change.sku) as StockRow);
    case 'useCapacity':
    case 'releaseCapacity': {
      const sign = change.type === 'useCapacity' ? 1 : -1;
      session.run(
        `INSERT INTO ${t.capacity} (warehouse_id, day, orders, units, updated_at) VALUES (?, ?, MAX(0, ?), MAX(0, ?), ?)
         ON CONFLICT (warehouse_id, day) DO UPDATE SET orders = MAX(0, orders + ?), units = MAX(0, units + ?), updated_at = excluded.updated_at`,
        change.warehouseId, change.date, sign * change.orders, sign * change.units, at, sign * change.orders, sign * change.units,
      );
      const after = toCapacityUsage(session.get<CapacityRow>(`SELECT ${CAPACITY_COLUMNS} FROM ${t.capacity} WHERE warehouse_id = ? AND day = ?`, change.warehouseId, change.date) as CapacityRow);
      if (change.type === 'useCapacity') checkCapacity(part, change, after);
      return after;
    }
  }
}

const taskOf = (row: TaskRow<string>): ReturnType<typeof toTask> => toTask(row, JSON.parse(row.payload) as JsonValue);

function applyTask(session: SqliteSession, t: SqliteTables, { part, change }: Planned<TaskChange>, at: Instant): unknown {
  if (change.type === 'enqueue') {
    const input = change.task;
    const unfinished = session.get<TaskRow<string>>(`SELECT ${TASK_COLUMNS} FROM ${t.tasks} WHERE queue = ? AND key = ? AND status IN ('pending', 'leased')`, input.queue, input.key);
    if (unfinished !== undefined) return { task: taskOf(unfinished), created: false };
    if (session.get(`SELECT 1 FROM ${t.tasks} WHERE id = ?`, change.id) !== undefined) {
      throw new StorageError('DUPLICATE_KEY', { operation: 'commit', part, message: `task id ${quoteCode(change.id)} already exists`, hint: 'give every task a new id' });
    }
    session.run(
      `INSERT INTO ${t.tasks} (id, queue, key, payload, due_at, status, attempts, first_failed_at, history, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
      change.id, input.queue, input.key, JSON.stringify(input.payload), input.dueAt, input.firstFailedAt ?? null, initialHistory(input), at, at,
    );
    return { task: taskOf(session.get<TaskRow<string>>(`SELECT ${TASK_COLUMNS} FROM ${t.tasks} WHERE id = ?`, change.id) as TaskRow<string>), created: true };
  }
  const owned = `WHERE id = ? AND status = 'leased' AND lease_owner = ?`;
  const changed =
    change.type === 'complete'
      ? session.run(`UPDATE ${t.tasks} SET status = 'completed', lease_owner = NULL, lease_until = NULL, updated_at = ? ${owned}`, at, change.id, change.owner)
      : change.type === 'fail'
        ? session.run(
            `UPDATE ${t.tasks} SET status = 'pending', due_at = ?, last_error = ?, history = json_insert(history, '$[#]', json(?)), first_failed_at = COALESCE(first_failed_at, ?), lease_owner = NULL, lease_until = NULL, updated_at = ? ${owned}`,
            change.nextDueAt, change.error, JSON.stringify(attemptOf(change, at)), at, at, change.id, change.owner,
          )
        : session.run(
            `UPDATE ${t.tasks} SET status = 'dead', last_error = ?, history = json_insert(history, '$[#]', json(?)), first_failed_at = COALESCE(first_failed_at, ?), lease_owner = NULL, lease_until = NULL, updated_at = ? ${owned}`,
            change.error, JSON.stringify(attemptOf(change, at)), at, at, change.id, change.owner,
          );
  if (changed > 0) return true;
  const found = session.get<{ status: string; lease_owner: string | null }>(`SELECT status, lease_owner FROM ${t.tasks} WHERE id = ?`, change.id);
  throw leaseLost(part, change.id, change.owner, { status: found?.status ?? null, owner: found?.lease_owner ?? null });
}

function applyCustomer(session: SqliteSession, t: SqliteTables, { part, change }: Planned<CustomerChange>): unknown {
  switch (change.type) {
    case 'putProfile':
      session.run(`INSERT INTO ${t.customerProfiles} (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`, change.profile.id, JSON.stringify(change.profile));
      return undefined;
    case 'deleteProfile':
      return session.run(`DELETE FROM ${t.customerProfiles} WHERE id = ?`, change.id) > 0;
    case 'putGolden': {
      const { golden, expectedVersion } = change;
      const data = JSON.stringify(golden);
      const written =
        expectedVersion === null
          ? session.run(`INSERT INTO ${t.customerGoldens} (id, version, data) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`, golden.id, golden.version, data)
          : session.run(`UPDATE ${t.customerGoldens} SET version = ?, data = ? WHERE id = ? AND version = ?`, golden.version, data, golden.id, expectedVersion);
      if (written === 0) {
        const found = session.get<{ version: number }>(`SELECT version FROM ${t.customerGoldens} WHERE id = ?`, golden.id);
        throw new ConcurrencyError({ entity: 'golden profile', id: golden.id, expectedVersion, actualVersion: found?.version ?? null, part });
      }
      const sources = jsonList(distinct(golden.sourceIds));
      session.run(`DELETE FROM ${t.customerGoldenSources} WHERE golden_id = ? AND source_id NOT IN (SELECT value FROM json_each(?))`, golden.id, sources);
      // A source another golden profile held moves to this one. (`WHERE true` lets SQLite parse the upsert after a SELECT.)
      session.run(
        `INSERT INTO ${t.customerGoldenSources} (source_id, golden_id) SELECT value, ? FROM json_each(?) WHERE true
         ON CONFLICT (source_id) DO UPDATE SET golden_id = excluded.golden_id`,
        golden.id, sources,
      );
      return undefined;
    }
    case 'deleteGolden': {
      const found = session.get<{ version: number }>(`SELECT version FROM ${t.customerGoldens} WHERE id = ?`, change.id);
      if (change.expectedVersion !== undefined && found?.version !== change.expectedVersion) {
        throw new ConcurrencyError({ entity: 'golden profile', id: change.id, expectedVersion: change.expectedVersion, actualVersion: found?.version ?? null, part });
      }
      session.run(`DELETE FROM ${t.customerGoldenSources} WHERE golden_id = ?`, change.id);
      return session.run(`DELETE FROM ${t.customerGoldens} WHERE id = ?`, change.id) > 0;
    }
    case 'addPostings':
      // A count moves only when its posting row really changed, so repeats stay idempotent.
      for (const key of distinct(change.keys)) {
        if (session.run(`INSERT INTO ${t.customerPostings} (key, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, change.recordId) === 0) continue;
        session.run(`INSERT INTO ${t.customerPostingCounts} (key, total) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET total = total + 1`, key);
      }
      return undefined;
    case 'removePostings':
      for (const key of distinct(change.keys)) {
        if (session.run(`DELETE FROM ${t.customerPostings} WHERE key = ? AND record_id = ?`, key, change.recordId) === 0) continue;
        // The last holder takes the count row with it (the table holds positive counts only).
        if (session.run(`DELETE FROM ${t.customerPostingCounts} WHERE key = ? AND total <= 1`, key) > 0) continue;
        session.run(`UPDATE ${t.customerPostingCounts} SET total = total - 1 WHERE key = ?`, key);
      }
      return undefined;
    case 'appendAudit': {
      const { record } = change;
      const inserted = session.run(
        `INSERT INTO ${t.customerAudit} (id, golden_id, at, data) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        record.id, record.goldenId, record.at, JSON.stringify(record),
      );
      if (inserted === 0) {
        throw new StorageError('DUPLICATE_KEY', { operation: 'commit', part, message: `merge audit record ${quoteCode(record.id)} already exists`, hint: 'audit records are append-only; use a new id' });
      }
      return undefined;
    }
  }
}

function applyQuarantine(session: SqliteSession, t: SqliteTables, { part, change }: Planned<QuarantineChange>, at: Instant): unknown {
  const select = `SELECT ${QUARANTINE_COLUMNS} FROM ${t.quarantine} WHERE id = ?`;
  const read = (id: string): ReturnType<typeof toQuarantineRecord> => toQuarantineRecord(session.get<QuarantineRow<string>>(select, id) as QuarantineRow<string>, parseJsonText);
  if (change.type === 'put') {
    const input = change.record;
    // A redelivered bad payload must not overwrite a record someone may be fixing.
    session.run(
      `INSERT INTO ${t.quarantine} (id, source, payload, issues, received_at, status, updated_at, revisions) VALUES (?, ?, ?, ?, ?, 'open', ?, 0)
       ON CONFLICT (id) DO NOTHING`,
      input.id, input.source, JSON.stringify(input.payload), JSON.stringify(input.issues), input.receivedAt, input.receivedAt,
    );
    return read(input.id);
  }
  // Replayed and discarded records are closed for audit; only open ones can change.
  const changed =
    change.type === 'fix'
      ? session.run(
          `UPDATE ${t.quarantine} SET payload = ?, issues = ?, revisions = revisions + 1, updated_at = ? WHERE id = ? AND status = 'open'`,
          JSON.stringify(change.payload), JSON.stringify(change.issues), at, change.id,
        )
      : session.run(`UPDATE ${t.quarantine} SET status = ?, updated_at = ? WHERE id = ? AND status = 'open'`, change.type === 'markReplayed' ? 'replayed' : 'discarded', at, change.id);
  if (changed > 0) return read(change.id);
  const found = session.get<{ status: string }>(`SELECT status FROM ${t.quarantine} WHERE id = ?`, change.id);
  throw new ConcurrencyError({ entity: 'quarantine record', id: change.id, expectedVersion: null, expectedStatus: 'open', actualStatus: found?.status ?? null, part });
}

function applySetting(session: SqliteSession, t: SqliteTables, { part, change }: Planned<SettingChange>, at: Instant): unknown {
  const value = JSON.stringify(change.value);
  const written =
    change.expectedVersion === null
      ? session.run(`INSERT INTO ${t.settings} (key, value, version, updated_at, updated_by) VALUES (?, ?, 1, ?, ?) ON CONFLICT (key) DO NOTHING`, change.key, value, at, change.by)
      : session.run(`UPDATE ${t.settings} SET value = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE key = ? AND version = ?`, value, at, change.by, change.key, change.expectedVersion);
  const row = session.get<SettingRow<string>>(`SELECT ${SETTING_COLUMNS} FROM ${t.settings} WHERE key = ?`, change.key);
  if (written > 0 && row !== undefined) return toSetting(row, parseJsonText);
  throw new ConcurrencyError({ entity: 'setting', id: change.key, expectedVersion: change.expectedVersion, actualVersion: row === undefined ? null : Number(row.version), part });
}

/** Runs a unit's inventory, task, customer, quarantine and settings changes, in that order, in the open transaction. */
export function applySqlitePlan(session: SqliteSession, t: SqliteTables, plan: UnitPlan): UnitResults {
  return applyPlan(plan, {
    inventory: (planned, at) => applyInventory(session, t, planned, at),
    tasks: (planned, at) => applyTask(session, t, planned, at),
    customers: (planned) => applyCustomer(session, t, planned),
    quarantine: (planned, at) => applyQuarantine(session, t, planned, at),
    settings: (planned, at) => applySetting(session, t, planned, at),
  });
}
