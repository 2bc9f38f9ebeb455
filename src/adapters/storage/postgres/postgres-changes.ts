// The PostgreSQL storage's one write path for inventory, tasks, customers and quarantine: each
// change is one statement (a data-modifying CTE or a stored function) run on whatever the unit
// runs on: the pool for a lone change, one transaction's client for a unit of several.
import type { Instant } from '../../../clock/instant.js';
import { ConcurrencyError } from '../../../errors/concurrency-error.js';
import { StorageError } from '../../../errors/storage-error.js';
import { capacityExceeded, checkCapacity, insufficientStock, leaseLost, type StockShortfall, type UnitPart } from '../../../errors/unit-error.js';
import type { CustomerChange } from '../../../ports/customer-store-port.js';
import type { InventoryChange, Reservation, ReservationRequest } from '../../../ports/inventory-port.js';
import type { JsonValue } from '../../../ports/json.js';
import type { QuarantineChange } from '../../../ports/quarantine-port.js';
import type { SettingChange } from '../../../ports/settings-port.js';
import type { TaskChange } from '../../../ports/task-port.js';
import { CAPACITY_COLUMNS, RESERVATION_COLUMNS, toCapacityUsage, toReservation, toStockLevel, type CapacityRow, type ReservationRow, type StockRow } from '../shared/inventory-rows.js';
import { SETTING_COLUMNS, toSetting, type SettingRow } from '../shared/setting-rows.js';
import { jsonAsIs, QUARANTINE_COLUMNS, toQuarantineRecord, type QuarantineRow } from '../shared/outbox-rows.js';
import { TASK_COLUMNS, attemptOf, initialHistory, toTask, type TaskRow } from '../shared/task-rows.js';
import { applyPlanAsync, type Planned, type UnitPlan, type UnitResults } from '../shared/unit-plan.js';
import type { PgResultLike, PgTables } from './postgres-driver.js';
import { quoteCode } from '../../../errors/mask.js';

/** Runs one statement where the unit runs: the pool (errors wrapped) or a transaction's client. */
export type PgRun = (text: string, values?: unknown[], name?: string) => Promise<PgResultLike>;

/** The asked keys once each, sorted: rows are locked in one order, so two writers never deadlock on them. */
const distinctSorted = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** The SQLSTATE of a driver error, also when the pool path already wrapped it (as `cause`). */
function sqlState(error: unknown): { code?: unknown; detail?: unknown } | undefined {
  const direct = error as { code?: unknown; detail?: unknown; cause?: { code?: unknown; detail?: unknown } } | null;
  if (typeof direct?.code === 'string' && /^[0-9A-Z]{5}$/.test(direct.code)) return direct;
  return direct?.cause ?? undefined;
}

async function reserve(run: PgRun, t: PgTables, part: UnitPart, requests: readonly ReservationRequest[], at: Instant): Promise<Reservation[]> {
  if (requests.length === 0) return [];
  const payload = requests.map((r) => ({ reservationId: r.reservationId, orderId: r.orderId, lineId: r.lineId, warehouseId: r.warehouseId, sku: r.sku, quantity: r.quantity, expiresAt: r.expiresAt ?? null }));
  let rows: ReservationRow[];
  try {
    rows = (await run(`SELECT ${RESERVATION_COLUMNS} FROM ${t.reserveFunction}($1::json, $2)`, [JSON.stringify(payload), at], 'reserve')).rows as ReservationRow[];
  } catch (error) {
    const state = sqlState(error);
    if (state?.code !== 'ORD02' || typeof state.detail !== 'string') throw error;
    const detail = JSON.parse(state.detail) as Partial<StockShortfall> & { warehouseId: string; sku: string; requested: number; available: number };
    // A schema before migration 5 names only the stock: the first request on it stands for the line.
    const line = requests.find((r) => r.reservationId === detail.reservationId) ?? requests.find((r) => r.warehouseId === detail.warehouseId && r.sku === detail.sku && r.quantity === detail.requested);
    throw insufficientStock(part, {
      reservationId: line?.reservationId ?? '',
      orderId: line?.orderId ?? '',
      lineId: line?.lineId ?? '',
      warehouseId: detail.warehouseId,
      sku: detail.sku,
      requested: detail.requested,
      available: detail.available,
    });
  }
  const byId = new Map(rows.map((row) => [row.reservation_id, toReservation(row)]));
  return requests.map((request) => byId.get(request.reservationId) as Reservation);
}

async function applyInventory(run: PgRun, t: PgTables, { part, change }: Planned<InventoryChange>, at: Instant): Promise<unknown> {
  switch (change.type) {
    case 'reserve':
      return reserve(run, t, part, change.requests, at);
    case 'release':
    case 'commitReservation': {
      const consume = change.type === 'commitReservation';
      const result = await run(
        `WITH r AS (
           UPDATE ${t.reservations} SET status = $2, updated_at = $3 WHERE reservation_id = $1 AND status = 'active'
           RETURNING warehouse_id, sku, quantity),
         s AS (
           UPDATE ${t.stock} st SET reserved = GREATEST(0, st.reserved - r.quantity),
             on_hand = CASE WHEN $4 THEN GREATEST(0, st.on_hand - r.quantity) ELSE st.on_hand END, updated_at = $3
           FROM r WHERE st.warehouse_id = r.warehouse_id AND st.sku = r.sku RETURNING 1)
         SELECT (SELECT count(*) FROM r)::integer AS n, (SELECT count(*) FROM s)::integer AS m`,
        [change.reservationId, consume ? 'committed' : 'released', at, consume],
        'settle_reservation',
      );
      if (((result.rows[0] as { n: number } | undefined)?.n ?? 0) > 0) return true;
      const found = (await run(`SELECT status FROM ${t.reservations} WHERE reservation_id = $1`, [change.reservationId])).rows[0] as { status: string } | undefined;
      throw new ConcurrencyError({ entity: 'reservation', id: change.reservationId, expectedVersion: null, expectedStatus: 'active', actualStatus: found?.status ?? null, part });
    }
    case 'setStock': {
      const result = await run(
        `INSERT INTO ${t.stock} (warehouse_id, sku, on_hand, reserved, updated_at) VALUES ($1, $2, $3, 0, $4)
         ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at
         RETURNING warehouse_id, sku, on_hand, reserved, updated_at`,
        [change.warehouseId, change.sku, change.onHand, at],
        'set_stock',
      );
      return toStockLevel(result.rows[0] as StockRow);
    }
    case 'useCapacity':
    case 'releaseCapacity': {
      // The upsert locks the day's row: a concurrent unit waits, then adds to what committed. The
      // limit is checked in the statement, so even a lone change (no transaction) never goes over.
      const sign = change.type === 'useCapacity' ? 1 : -1;
      const limit = change.type === 'useCapacity' ? change.limit : undefined;
      for (let attempt = 1; ; attempt += 1) {
        const result = await run(
          `INSERT INTO ${t.capacity} (warehouse_id, day, orders, units, updated_at)
           SELECT $1, $2, GREATEST(0, $3::integer), GREATEST(0, $4::integer), $5
           WHERE ($6::integer IS NULL OR $3::integer <= $6::integer) AND ($7::integer IS NULL OR $4::integer <= $7::integer)
           ON CONFLICT (warehouse_id, day) DO UPDATE SET orders = GREATEST(0, ${t.capacity}.orders + $3::integer), units = GREATEST(0, ${t.capacity}.units + $4::integer), updated_at = EXCLUDED.updated_at
           WHERE ($6::integer IS NULL OR ${t.capacity}.orders + $3::integer <= $6::integer) AND ($7::integer IS NULL OR ${t.capacity}.units + $4::integer <= $7::integer)
           RETURNING ${CAPACITY_COLUMNS}`,
          [change.warehouseId, change.date, sign * change.orders, sign * change.units, at, limit?.orders ?? null, limit?.units ?? null],
          'use_capacity',
        );
        const row = result.rows[0] as CapacityRow | undefined;
        if (row !== undefined) return toCapacityUsage(row);
        // Over the limit, nothing written: read what the day holds to say by how much. A release
        // that committed in between may make room; then the upsert runs again.
        const found = (await run(`SELECT ${CAPACITY_COLUMNS} FROM ${t.capacity} WHERE warehouse_id = $1 AND day = $2`, [change.warehouseId, change.date])).rows[0] as CapacityRow | undefined;
        const before = found === undefined ? { orders: 0, units: 0 } : toCapacityUsage(found);
        const after = { orders: before.orders + change.orders, units: before.units + change.units };
        checkCapacity(part, change, after);
        if (attempt >= 3) {
          // Room kept appearing and vanishing under other workers: report the day as it was last read.
          const unit = limit?.orders !== undefined ? 'orders' : 'units';
          throw capacityExceeded(part, { warehouseId: change.warehouseId, date: change.date, unit, used: before[unit], requested: change[unit], limit: limit?.[unit] ?? 0 });
        }
      }
    }
  }
}

type PgTaskRow = TaskRow<JsonValue>;
const TASK_SELECT = (t: PgTables): string => `SELECT ${TASK_COLUMNS} FROM ${t.tasks}`;

async function applyTask(run: PgRun, t: PgTables, { part, change }: Planned<TaskChange>, at: Instant): Promise<unknown> {
  if (change.type === 'enqueue') {
    const input = change.task;
    // The partial unique index on unfinished (queue, key) decides races between workers.
    for (let attempt = 1; ; attempt += 1) {
      const inserted = await run(
        `INSERT INTO ${t.tasks} (id, queue, key, payload, due_at, status, attempts, first_failed_at, history, created_at, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, 'pending', 0, $7, $8::jsonb, $6, $6) ON CONFLICT DO NOTHING RETURNING ${TASK_COLUMNS}`,
        [change.id, input.queue, input.key, JSON.stringify(input.payload), input.dueAt, at, input.firstFailedAt ?? null, initialHistory(input)],
        'task_enqueue',
      );
      const row = inserted.rows[0] as PgTaskRow | undefined;
      if (row !== undefined) return { task: toTask(row, row.payload), created: true };
      const existing = await run(`${TASK_SELECT(t)} WHERE queue = $1 AND key = $2 AND status IN ('pending', 'leased')`, [input.queue, input.key]);
      const unfinished = existing.rows[0] as PgTaskRow | undefined;
      if (unfinished !== undefined) return { task: toTask(unfinished, unfinished.payload), created: false };
      if ((await run(`SELECT 1 FROM ${t.tasks} WHERE id = $1`, [change.id])).rows.length > 0) {
        throw new StorageError('DUPLICATE_KEY', { operation: 'commit', part, message: `task id ${quoteCode(change.id)} already exists`, hint: 'give every task a new id' });
      }
      // The unfinished task finished between the two statements: try the insert again.
      if (attempt >= 3) {
        throw new StorageError('STORAGE_FAILURE', { operation: 'commit', part, message: `task (${input.queue}, ${input.key}) kept changing under concurrent workers` });
      }
    }
  }
  const set =
    change.type === 'complete'
      ? { sql: `status = 'completed'`, values: [] as unknown[] }
      : change.type === 'fail'
        ? { sql: `status = 'pending', due_at = $6, last_error = $4, history = history || jsonb_build_array($5::jsonb), first_failed_at = COALESCE(first_failed_at, $3)`, values: [change.error, JSON.stringify(attemptOf(change, at)), change.nextDueAt] }
        : { sql: `status = 'dead', last_error = $4, history = history || jsonb_build_array($5::jsonb), first_failed_at = COALESCE(first_failed_at, $3)`, values: [change.error, JSON.stringify(attemptOf(change, at))] };
  // The lease check is the UPDATE's WHERE; only a lost lease costs a second read, to say why.
  const result = await run(
    `UPDATE ${t.tasks} SET ${set.sql}, lease_owner = NULL, lease_until = NULL, updated_at = $3 WHERE id = $1 AND status = 'leased' AND lease_owner = $2`,
    [change.id, change.owner, at, ...set.values],
    `task_${change.type}`,
  );
  if ((result.rowCount ?? 0) > 0) return true;
  const found = (await run(`SELECT status, lease_owner FROM ${t.tasks} WHERE id = $1`, [change.id])).rows[0] as { status: string; lease_owner: string | null } | undefined;
  throw leaseLost(part, change.id, change.owner, { status: found?.status ?? null, owner: found?.lease_owner ?? null });
}

async function applyCustomer(run: PgRun, t: PgTables, { part, change }: Planned<CustomerChange>): Promise<unknown> {
  switch (change.type) {
    case 'putProfile':
      await run(
        `INSERT INTO ${t.customerProfiles} (id, data) VALUES ($1, $2::json) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
        [change.profile.id, JSON.stringify(change.profile)],
        'customers_put_profile',
      );
      return undefined;
    case 'deleteProfile':
      return ((await run(`DELETE FROM ${t.customerProfiles} WHERE id = $1`, [change.id])).rowCount ?? 0) > 0;
    case 'putGolden': {
      const { golden, expectedVersion } = change;
      // One statement: the version check, the row, the dropped mappings and the new ones. The
      // mapping CTEs hang on the golden write, so a stale version changes nothing.
      const write =
        expectedVersion === null
          ? `INSERT INTO ${t.customerGoldens} (id, version, data) VALUES ($1, $2, $3::json) ON CONFLICT (id) DO NOTHING RETURNING id`
          : `UPDATE ${t.customerGoldens} SET version = $2, data = $3::json WHERE id = $1 AND version = $5 RETURNING id`;
      const result = await run(
        `WITH golden AS (${write}),
         dropped AS (
           DELETE FROM ${t.customerGoldenSources} WHERE golden_id = $1 AND NOT (source_id = ANY($4::text[])) AND EXISTS (SELECT 1 FROM golden)),
         mapped AS (
           INSERT INTO ${t.customerGoldenSources} (source_id, golden_id)
           SELECT s, golden.id FROM golden, unnest($4::text[]) AS s ORDER BY s
           ON CONFLICT (source_id) DO UPDATE SET golden_id = EXCLUDED.golden_id)
         SELECT (SELECT count(*) FROM golden)::integer AS n, (SELECT version FROM ${t.customerGoldens} WHERE id = $1) AS version`,
        [golden.id, golden.version, JSON.stringify(golden), distinctSorted(golden.sourceIds), ...(expectedVersion === null ? [] : [expectedVersion])],
        expectedVersion === null ? 'customers_insert_golden' : 'customers_update_golden',
      );
      const row = result.rows[0] as { n: number; version: number | null };
      if (row.n > 0) return undefined;
      throw new ConcurrencyError({ entity: 'golden profile', id: golden.id, expectedVersion, actualVersion: row.version, part });
    }
    case 'deleteGolden': {
      const expected = change.expectedVersion ?? null;
      const result = await run(
        `WITH g AS (DELETE FROM ${t.customerGoldens} WHERE id = $1 AND ($2::integer IS NULL OR version = $2) RETURNING id),
         unmapped AS (DELETE FROM ${t.customerGoldenSources} WHERE golden_id IN (SELECT id FROM g))
         SELECT (SELECT count(*) FROM g)::integer AS n, (SELECT version FROM ${t.customerGoldens} WHERE id = $1) AS version`,
        [change.id, expected],
        'customers_delete_golden',
      );
      const row = result.rows[0] as { n: number; version: number | null };
      if (row.n > 0) return true;
      if (expected === null) return false;
      throw new ConcurrencyError({ entity: 'golden profile', id: change.id, expectedVersion: expected, actualVersion: row.version, part });
    }
    case 'addPostings':
      // Counts move by the rows really inserted (RETURNING skips the ones already there), so a
      // repeat is idempotent; the upsert adds under the count row's lock, so concurrent writers
      // never lose an increment.
      await run(
        `WITH added AS (
           INSERT INTO ${t.customerPostings} (key, record_id)
           SELECT k, $1 FROM unnest($2::text[]) AS k ORDER BY k
           ON CONFLICT DO NOTHING RETURNING key)
         INSERT INTO ${t.customerPostingCounts} AS c (key, total)
         SELECT key, count(*) FROM added GROUP BY key ORDER BY key
         ON CONFLICT (key) DO UPDATE SET total = c.total + EXCLUDED.total`,
        [change.recordId, distinctSorted(change.keys)],
        'customers_add_postings',
      );
      return undefined;
    case 'removePostings': {
      const result = await run(
        `WITH removed AS (
           DELETE FROM ${t.customerPostings} WHERE key = ANY($2::text[]) AND record_id = $1 RETURNING key)
         UPDATE ${t.customerPostingCounts} AS c SET total = c.total - r.n
         FROM (SELECT key, count(*)::integer AS n FROM removed GROUP BY key) AS r
         WHERE c.key = r.key RETURNING c.key, c.total`,
        [change.recordId, distinctSorted(change.keys)],
        'customers_remove_postings',
      );
      // Keys nobody holds any more lose their count row; rare, so a second statement only then.
      // It deletes only rows still at zero, so a concurrent addPostings keeps its count.
      const emptied = (result.rows as { key: string; total: number }[]).filter((row) => row.total === 0).map((row) => row.key);
      if (emptied.length > 0) await run(`DELETE FROM ${t.customerPostingCounts} WHERE key = ANY($1::text[]) AND total = 0`, [emptied]);
      return undefined;
    }
    case 'appendAudit': {
      const { record } = change;
      const result = await run(
        `INSERT INTO ${t.customerAudit} (id, golden_id, at, data) VALUES ($1, $2, $3, $4::json) ON CONFLICT (id) DO NOTHING`,
        [record.id, record.goldenId, record.at, JSON.stringify(record)],
        'customers_append_audit',
      );
      if ((result.rowCount ?? 0) === 0) {
        throw new StorageError('DUPLICATE_KEY', { operation: 'commit', part, message: `merge audit record ${quoteCode(record.id)} already exists`, hint: 'audit records are append-only; use a new id' });
      }
      return undefined;
    }
  }
}

async function applyQuarantine(run: PgRun, t: PgTables, { part, change }: Planned<QuarantineChange>, at: Instant): Promise<unknown> {
  const record = (row: unknown): ReturnType<typeof toQuarantineRecord> => toQuarantineRecord(row as QuarantineRow<unknown>, jsonAsIs);
  if (change.type === 'put') {
    const input = change.record;
    // A redelivered bad payload must not overwrite a record someone may be fixing.
    const result = await run(
      `WITH put AS (
         INSERT INTO ${t.quarantine} (id, source, payload, issues, received_at, status, updated_at, revisions)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, 'open', $5, 0) ON CONFLICT (id) DO NOTHING RETURNING ${QUARANTINE_COLUMNS})
       SELECT * FROM put UNION ALL SELECT ${QUARANTINE_COLUMNS} FROM ${t.quarantine} WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM put)`,
      [input.id, input.source, JSON.stringify(input.payload), JSON.stringify(input.issues), input.receivedAt],
      'quarantine_put',
    );
    return record(result.rows[0]);
  }
  // Replayed and discarded records are closed for audit; only open ones can change.
  const result =
    change.type === 'fix'
      ? await run(
          `UPDATE ${t.quarantine} SET payload = $2::jsonb, issues = $3::jsonb, revisions = revisions + 1, updated_at = $4
           WHERE id = $1 AND status = 'open' RETURNING ${QUARANTINE_COLUMNS}`,
          [change.id, JSON.stringify(change.payload), JSON.stringify(change.issues), at],
        )
      : await run(`UPDATE ${t.quarantine} SET status = $2, updated_at = $3 WHERE id = $1 AND status = 'open' RETURNING ${QUARANTINE_COLUMNS}`, [
          change.id,
          change.type === 'markReplayed' ? 'replayed' : 'discarded',
          at,
        ]);
  if (result.rows.length > 0) return record(result.rows[0]);
  const found = await run(`SELECT status FROM ${t.quarantine} WHERE id = $1`, [change.id]);
  throw new ConcurrencyError({
    entity: 'quarantine record',
    id: change.id,
    expectedVersion: null,
    expectedStatus: 'open',
    actualStatus: (found.rows[0] as { status: string } | undefined)?.status ?? null,
    part,
  });
}

async function applySetting(run: PgRun, t: PgTables, { part, change }: Planned<SettingChange>, at: Instant): Promise<unknown> {
  const value = JSON.stringify(change.value);
  const result =
    change.expectedVersion === null
      ? await run(
          `INSERT INTO ${t.settings} (key, value, version, updated_at, updated_by) VALUES ($1, $2::jsonb, 1, $3, $4) ON CONFLICT (key) DO NOTHING RETURNING ${SETTING_COLUMNS}`,
          [change.key, value, at, change.by],
          'settings_insert',
        )
      : await run(
          `UPDATE ${t.settings} SET value = $2::jsonb, version = version + 1, updated_at = $3, updated_by = $4 WHERE key = $1 AND version = $5 RETURNING ${SETTING_COLUMNS}`,
          [change.key, value, at, change.by, change.expectedVersion],
          'settings_update',
        );
  if (result.rows.length > 0) return toSetting(result.rows[0] as SettingRow<unknown>, jsonAsIs);
  const found = await run(`SELECT version FROM ${t.settings} WHERE key = $1`, [change.key]);
  const actual = (found.rows[0] as { version: number } | undefined)?.version;
  throw new ConcurrencyError({ entity: 'setting', id: change.key, expectedVersion: change.expectedVersion, actualVersion: actual === undefined ? null : Number(actual), part });
}

/** Runs a unit's inventory, task, customer, quarantine and settings changes, in that order, one statement each. */
export function applyPostgresPlan(run: PgRun, t: PgTables, plan: UnitPlan): Promise<UnitResults> {
  return applyPlanAsync(plan, {
    inventory: (planned, at) => applyInventory(run, t, planned, at),
    tasks: (planned, at) => applyTask(run, t, planned, at),
    customers: (planned) => applyCustomer(run, t, planned),
    quarantine: (planned, at) => applyQuarantine(run, t, planned, at),
    settings: (planned, at) => applySetting(run, t, planned, at),
  });
}
