// Reconciliation between two SQL tables (PostgreSQL): stream them in key order, or, as data-diff
// does, compare checksums of key ranges and bisect only the ranges that differ.
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { Task } from '../ports/task-port.js';
import type { DiffSpec, DiffSpecInput } from '../sync/record-diff.js';
import { Report, checkOptions, mergeSorted, type ReconciliationDifference, type ReconciliationSummary, type ReportWriter } from './reconcile.js';

/** Anything that runs a parameterised query: a `pg` Pool or Client. */
export interface SqlQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * One table, described by SQL you write (never by payload data): the table, its key expression
 * and an expression per field, each named as the diff spec names it.
 * @example { name: 'wms', db: wmsPool, table: 'wms.orders', key: 'order_no', columns: { status: 'state', total: 'amount_fen' } }
 */
export interface SqlTableSide {
  readonly name: string;
  readonly db: SqlQueryable;
  /** A table or view, e.g. `"ordo"."orders"`, or a parenthesised subquery with an alias. */
  readonly table: string;
  /** The key expression; compared as text in code-unit order (`COLLATE "C"`). */
  readonly key: string;
  /** Field name (as the spec and the report name it) to SQL expression. */
  readonly columns: Readonly<Record<string, string>>;
}

/** Options of {@link reconcileTables}. */
export interface ReconcileTablesOptions {
  /** The reference table, then the other. */
  readonly source: SqlTableSide;
  readonly target: SqlTableSide;
  readonly spec: DiffSpec | DiffSpecInput;
  /**
   * `stream`: read both tables whole in key order (keyset pages) through the streaming merge.
   * `checksum`: compare count and checksum of key ranges on both sides and bisect only the ranges
   * that differ, down to `segmentRows`, whose rows are then diffed as in `stream`. Rows identical
   * as JSON are taken as equal, so both modes report the same differences (unless a spec reads one
   * code differently on each side).
   * @default 'checksum'
   */
  readonly mode?: 'stream' | 'checksum';
  /** Checksum mode: a range with at most this many rows on each side is fetched and diffed. @default 1000 */
  readonly segmentRows?: number;
  /** Stream mode: rows per keyset page. @default 5000 */
  readonly pageRows?: number;
  readonly deadLetters?: readonly Task[];
  readonly jsonl?: ReportWriter;
  readonly csv?: ReportWriter;
  readonly onDifference?: (difference: ReconciliationDifference) => void | Promise<void>;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Reconciles two SQL tables, in the same or different PostgreSQL databases, with the diff spec
 * of {@link reconcile} (tolerances per field, which checksums alone cannot give). Memory holds a
 * page or a segment, whatever the tables' size.
 *
 * @throws ValidationError `INVALID_OPTIONS` for wrong options.
 * @example
 * await reconcileTables({
 *   source: { name: 'oms', db: ordoPool, table: 'ordo.orders', key: 'id', columns: { status: 'status', total: "(data->'total'->>'amount')::bigint" } },
 *   target: { name: 'wms', db: wmsPool, table: 'wms.orders', key: 'order_no', columns: { status: 'state', total: 'amount_fen' } },
 *   spec: { fields: { total: { compare: 'money', currency: 'CNY', tolerance: 1 } } }, jsonl: createWriteStream('diff.jsonl'),
 * });
 */
export async function reconcileTables(options: ReconcileTablesOptions): Promise<ReconciliationSummary> {
  const { source, target } = checkTables(options);
  const fields = [...new Set([...Object.keys(source.columns), ...Object.keys(target.columns)])].sort();
  const sides = [source, target].map((side) => sqlOf(side, fields));
  const plan = checkOptions({
    sides: [
      { name: source.name, records: [], sorted: true },
      { name: target.name, records: [], sorted: true },
    ],
    key: '__key',
    spec: options.spec,
  });
  const report = new Report(plan, options);
  await report.start();
  const withRecords = (records: readonly AsyncIterable<unknown>[]) => ({ ...plan, sides: plan.sides.map((side, i) => ({ ...side, records: records[i] as AsyncIterable<unknown> })) });
  let summary: { mode: ReconciliationSummary['mode']; records: number[]; checksum?: ReconciliationSummary['checksum'] };

  if ((options.mode ?? 'checksum') === 'stream') {
    const counts = [0, 0];
    const pageRows = options.pageRows ?? 5_000;
    await mergeSorted(withRecords(sides.map((sql, i) => pages(sql, pageRows, () => (counts[i] = (counts[i] as number) + 1)))), report);
    summary = { mode: 'sorted-merge', records: counts };
  } else {
    const segmentRows = options.segmentRows ?? 1_000;
    const checksum = { queries: 0, equalSegments: 0, fetchedRows: 0 };
    const stats = (lo: string | null, hi: string | null) => {
      checksum.queries += 2;
      return Promise.all(sides.map((sql) => sql.stats(lo, hi)));
    };
    const root = await stats(null, null);
    const bisect = async (lo: string | null, hi: string | null, counted: readonly { count: number; sum: string }[]): Promise<void> => {
      const [s, t] = counted as [{ count: number; sum: string }, { count: number; sum: string }];
      if (s.count === t.count && s.sum === t.sum) {
        checksum.equalSegments += 1;
        report.keysInSync(s.count);
        return;
      }
      const larger = s.count >= t.count ? 0 : 1;
      const mid = Math.max(s.count, t.count) > segmentRows ? await (sides[larger] as SideSql).median(lo, hi, Math.floor((counted[larger] as { count: number }).count / 2)) : undefined;
      if (mid === undefined || mid === hi || mid === lo) {
        const rows = await Promise.all(sides.map((sql) => sql.rows(lo, hi)));
        checksum.fetchedRows += rows.reduce((sum, list) => sum + list.length, 0);
        await mergeSorted(withRecords(rows.map((list) => fromArray(list))), report);
        return;
      }
      await bisect(lo, mid, await stats(lo, mid));
      await bisect(mid, hi, await stats(mid, hi));
    };
    await bisect(null, null, root);
    summary = { mode: 'checksum-bisection', records: root.map((r) => r.count), checksum };
  }
  for (const task of options.deadLetters ?? []) await report.deadLetter(task);
  return report.finish(undefined, summary);
}

async function* fromArray(rows: readonly unknown[]): AsyncGenerator<unknown> {
  yield* rows;
}

/** Every row of a side in key order, page by page (keyset pagination: no OFFSET, no cursor). */
async function* pages(sql: SideSql, pageRows: number, onRow: () => void): AsyncGenerator<unknown> {
  let after: string | null = null;
  for (;;) {
    const page = await sql.page(after, pageRows);
    for (const row of page) {
      onRow();
      yield row;
    }
    if (page.length < pageRows) return;
    after = (page.at(-1) as { __key: string }).__key;
  }
}

interface SideSql {
  /** Rows and the checksum of (lo, hi]; null bounds are open. */
  stats(lo: string | null, hi: string | null): Promise<{ count: number; sum: string }>;
  /** The key `offset` rows into (lo, hi]. */
  median(lo: string | null, hi: string | null, offset: number): Promise<string | undefined>;
  rows(lo: string | null, hi: string | null): Promise<unknown[]>;
  page(after: string | null, limit: number): Promise<unknown[]>;
}

/** The queries of one side. A row is `json_build_object` of its fields in name order, the checksum a sum of 60-bit slices of its md5. */
function sqlOf(side: SqlTableSide, fields: readonly string[]): SideSql {
  const key = `(${side.key})::text COLLATE "C"`;
  const json = `json_build_object(${fields.map((field) => `'${field}', ${side.columns[field] ?? 'NULL'}`).join(', ')})`;
  const record = `json_build_object('__key', ${key}, 'record', ${json})`;
  const range = (lo: string | null, hi: string | null, values: unknown[]): string => {
    const parts: string[] = [];
    if (lo !== null) parts.push(`${key} > $${values.push(lo)}`);
    if (hi !== null) parts.push(`${key} <= $${values.push(hi)}`);
    return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
  };
  const toRecord = (row: Record<string, unknown>): unknown => {
    const value = row['r'] as { __key: string; record: Record<string, unknown> };
    return { __key: value.__key, ...value.record };
  };
  return {
    async stats(lo, hi) {
      const values: unknown[] = [];
      const where = range(lo, hi, values);
      const { rows } = await side.db.query(
        `SELECT count(*)::bigint AS n, coalesce(sum(('x' || substr(md5(${record}::text), 1, 15))::bit(60)::bigint), 0)::text AS s FROM ${side.table} WHERE ${where}`,
        values,
      );
      return { count: Number(rows[0]?.['n'] ?? 0), sum: String(rows[0]?.['s'] ?? '0') };
    },
    async median(lo, hi, offset) {
      const values: unknown[] = [];
      const where = range(lo, hi, values);
      const { rows } = await side.db.query(`SELECT ${key} AS k FROM ${side.table} WHERE ${where} ORDER BY ${key} OFFSET $${values.push(offset)} LIMIT 1`, values);
      return rows[0]?.['k'] as string | undefined;
    },
    async rows(lo, hi) {
      const values: unknown[] = [];
      const where = range(lo, hi, values);
      const { rows } = await side.db.query(`SELECT ${record} AS r FROM ${side.table} WHERE ${where} ORDER BY ${key}`, values);
      return rows.map(toRecord);
    },
    async page(after, limit) {
      const values: unknown[] = [];
      const where = range(after, null, values);
      const { rows } = await side.db.query(`SELECT ${record} AS r FROM ${side.table} WHERE ${where} ORDER BY ${key} LIMIT $${values.push(limit)}`, values);
      return rows.map(toRecord);
    },
  };
}

function checkTables(options: ReconcileTablesOptions): { source: SqlTableSide; target: SqlTableSide } {
  const issues: ValidationIssue[] = [];
  if (typeof options !== 'object' || options === null) throw new ValidationError('reconcileTables options', [{ code: 'invalid_type', path: [], message: 'Expected { source, target, spec }' }], { code: 'INVALID_OPTIONS' });
  for (const which of ['source', 'target'] as const) {
    const side = options[which] as Partial<SqlTableSide> | undefined;
    const bad = (key: string, message: string): void => {
      issues.push({ code: 'invalid_value', path: [which, key], message });
    };
    if (typeof side !== 'object' || side === null) {
      issues.push({ code: 'invalid_type', path: [which], message: 'Expected { name, db, table, key, columns }' });
      continue;
    }
    if (typeof side.name !== 'string' || side.name === '') bad('name', 'Expected the system name');
    if (typeof side.db?.query !== 'function') bad('db', 'Expected something with query(text, values), e.g. a pg Pool');
    if (typeof side.table !== 'string' || side.table.trim() === '') bad('table', 'Expected a table, view or aliased subquery');
    if (typeof side.key !== 'string' || side.key.trim() === '') bad('key', 'Expected the key column or expression');
    if (typeof side.columns !== 'object' || side.columns === null || Object.keys(side.columns).length === 0) bad('columns', 'Expected at least one field: name to SQL expression');
    else for (const [field, expression] of Object.entries(side.columns)) {
      if (!FIELD.test(field) || field === '__key') bad('columns', `Field name ${JSON.stringify(field).slice(0, 40)} must be a plain identifier`);
      if (typeof expression !== 'string' || expression.trim() === '') issues.push({ code: 'invalid_value', path: [which, 'columns', field], message: 'Expected an SQL expression' });
    }
  }
  if (options.source?.name !== undefined && options.source.name === options.target?.name) issues.push({ code: 'invalid_value', path: ['target', 'name'], message: 'The two sides need different names' });
  for (const key of ['segmentRows', 'pageRows'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) issues.push({ code: 'invalid_value', path: [key], message: 'Expected a whole number from 1' });
  }
  if (options.mode !== undefined && options.mode !== 'stream' && options.mode !== 'checksum') issues.push({ code: 'invalid_value', path: ['mode'], message: 'Expected "stream" or "checksum"' });
  if (issues.length > 0) throw new ValidationError('reconcileTables options', issues, { code: 'INVALID_OPTIONS' });
  return { source: options.source, target: options.target };
}
