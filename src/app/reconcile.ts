// Full reconciliation of two or three systems' records in bounded memory: a streaming merge of
// sorted sides, or a hash-partitioned spill to a temporary folder when a side is not sorted.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrdoError } from '../errors/ordo-error.js';
import { quoteCode } from '../errors/mask.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { Task } from '../ports/task-port.js';
import { compileDiffSpec, diffRecords, type DiffSeverity, type DifferenceKind, type DiffSpec, type DiffSpecInput } from '../sync/record-diff.js';

/** One system's records. */
export interface ReconciliationSide {
  /** The system, e.g. `oms`, `wms`, `finance`. The first side is the reference the others are compared with. */
  readonly name: string;
  readonly records: AsyncIterable<unknown> | Iterable<unknown>;
  /**
   * The records come in ascending key order (as strings, code-unit order: what PostgreSQL's
   * `ORDER BY key COLLATE "C"` gives). Then all sides stream through a merge; a key out of order
   * fails the run with `UNSORTED_INPUT`. When any side is not sorted, every side is spilled to
   * hash partitions on disk first.
   * @default false
   */
  readonly sorted?: boolean;
}

/** What differs for one key. */
export interface ReconciliationDifference {
  readonly key: string;
  /** `missing`: the side lacks the key; `duplicate`: the side has it more than once (the first is compared); the others as the field diff reports them. */
  readonly kind: DifferenceKind | 'missing' | 'duplicate' | 'no_key';
  /** The side this is about. */
  readonly side: string;
  /** The reference side it was compared with. */
  readonly reference: string;
  readonly path?: readonly (string | number)[];
  readonly field?: string;
  readonly severity?: DiffSeverity;
  /** The reference's value and this side's, masked as the field diff masks them. */
  readonly referenceValue?: unknown;
  readonly value?: unknown;
  readonly detail?: string;
}

/** Counts of a reconciliation run. */
export interface ReconciliationSummary {
  readonly mode: 'sorted-merge' | 'partitioned' | 'checksum-bisection';
  /** Records read per side. */
  readonly records: Readonly<Record<string, number>>;
  /** Distinct keys seen on any side. */
  readonly keys: number;
  /** Keys every side holds, alike. */
  readonly inSync: number;
  readonly differences: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** By spec field (`*` for unlisted fields, `(record)` for missing and duplicate records). */
  readonly byField: Readonly<Record<string, number>>;
  readonly bySide: Readonly<Record<string, number>>;
  readonly deadLetters: number;
  /** Partitioned mode: partitions used and the most records one held in memory. */
  readonly partitions?: number;
  readonly largestPartition?: number;
  /** Checksum mode: checksum queries run, segments found equal by checksum, rows fetched to diff. */
  readonly checksum?: { readonly queries: number; readonly equalSegments: number; readonly fetchedRows: number };
}

/** Where the report goes: Node writable streams, or anything with `write`. */
export interface ReportWriter {
  write(chunk: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  /** Two or three sides; the first is the reference. */
  readonly sides: readonly ReconciliationSide[];
  /** The field that identifies a record on every side (dotted for nested), or a function. */
  readonly key: string | ((record: unknown) => unknown);
  /** How a side's record is compared with the reference's: one spec for all, or one per side name. */
  readonly spec: DiffSpec | DiffSpecInput | Readonly<Record<string, DiffSpec | DiffSpecInput>>;
  /** Dead-lettered compensation tasks to include (see `CompensationScheduler.deadLetters`). */
  readonly deadLetters?: readonly Task[];
  /** The report as JSON Lines: one `difference` or `dead_letter` object per line, then the `summary`. */
  readonly jsonl?: ReportWriter;
  /** The report as CSV (RFC 4180), one row per difference and dead letter. */
  readonly csv?: ReportWriter;
  /** Told about each difference as it is found. */
  readonly onDifference?: (difference: ReconciliationDifference) => void | Promise<void>;
  /**
   * Partitioned mode: records held in memory at once per side are about a partition's share;
   * a partition that turns out larger than this is split again.
   * @default 200000
   */
  readonly maxPartitionRecords?: number;
  /** Partitioned mode: the first split. @default 64 */
  readonly partitions?: number;
  /** Partitioned mode: where the temporary folder goes (it is removed afterwards). @default os.tmpdir() */
  readonly tempDir?: string;
}

const CSV_COLUMNS = ['type', 'key', 'side', 'reference', 'kind', 'field', 'path', 'severity', 'reference_value', 'value', 'detail'] as const;

/**
 * Reconciles two or three systems, record by record, in bounded memory, and streams a
 * difference report (JSON Lines and CSV) with a summary; dead-lettered compensation tasks are
 * part of it. Sorted sides stream through a merge holding one record per side; otherwise every
 * side is spilled to hash partitions in a temporary folder and each partition is compared in
 * memory, split again when too large.
 *
 * @throws ValidationError `INVALID_OPTIONS` for wrong options; OrdoError `UNSORTED_INPUT` when a side declared sorted is not.
 * @example
 * const summary = await reconcile({
 *   sides: [{ name: 'oms', records: omsRows, sorted: true }, { name: 'wms', records: wmsRows, sorted: true }],
 *   key: 'id', spec: { fields: { total: { compare: 'money', tolerance: 1 } } },
 *   jsonl: createWriteStream('diff.jsonl'), csv: createWriteStream('diff.csv'), deadLetters: await compensation.deadLetters(),
 * });
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconciliationSummary> {
  const plan = checkOptions(options);
  const report = new Report(plan, options);
  await report.start();
  let partitions: { count: number; largest: number } | undefined;
  if (plan.sides.every((side) => side.sorted === true)) await mergeSorted(plan, report);
  else partitions = await mergePartitioned(plan, report, options);
  for (const task of options.deadLetters ?? []) await report.deadLetter(task);
  return report.finish(partitions);
}

// ---------------------------------------------------------------------------------------------

/** @internal What a run compares: sides, how to key a record, and each side's spec. */
export interface Plan {
  readonly sides: readonly ReconciliationSide[];
  readonly keyOf: (record: unknown) => string | undefined;
  /** Per non-reference side index, its compiled spec. */
  readonly specs: readonly (DiffSpec | undefined)[];
}

/** @internal Checks options (every problem at once) and plans the run. */
export function checkOptions(options: ReconcileOptions): Plan {
  const issues: ValidationIssue[] = [];
  const bad = (path: (string | number)[], message: string): void => {
    issues.push({ code: 'invalid_value', path, message });
  };
  if (typeof options !== 'object' || options === null) throw new ValidationError('reconcile options', [{ code: 'invalid_type', path: [], message: 'Expected { sides, key, spec }' }], { code: 'INVALID_OPTIONS' });
  const sides = Array.isArray(options.sides) ? options.sides : [];
  if (sides.length < 2 || sides.length > 3) bad(['sides'], 'Expected two or three sides (the first is the reference)');
  const names = new Set<string>();
  sides.forEach((side, index) => {
    if (typeof side?.name !== 'string' || side.name === '') bad(['sides', index, 'name'], 'Expected a side name');
    else if (names.has(side.name)) bad(['sides', index, 'name'], 'Side names must differ');
    else names.add(side.name);
    const records = side?.records as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | undefined;
    if (typeof records?.[Symbol.asyncIterator] !== 'function' && typeof records?.[Symbol.iterator] !== 'function') bad(['sides', index, 'records'], 'Expected an iterable or async iterable of records');
  });
  let keyOf: Plan['keyOf'] = () => undefined;
  if (typeof options.key === 'function') {
    const fn = options.key;
    keyOf = (record) => keyText(fn(record));
  } else if (typeof options.key === 'string' && options.key !== '') {
    const path = options.key.split('.');
    keyOf = (record) => {
      let value: unknown = record;
      for (const segment of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
      return keyText(value);
    };
  } else bad(['key'], 'Expected the key field (e.g. "id") or a function record => key');
  // One spec for every side, or one per side: an object whose keys are all side names.
  const declared = options.spec as Record<string, unknown> | undefined;
  const perSide =
    typeof declared === 'object' && declared !== null && Object.keys(declared).length > 0 && Object.keys(declared).every((key) => sides.some((side) => side?.name === key) && !['fields', 'others', 'ignore', 'severity', 'input'].includes(key));
  const specs = sides.map((side, index): DiffSpec | undefined => {
    if (index === 0) return undefined;
    const own = perSide ? (declared as Record<string, unknown>)[side.name] : declared;
    try {
      return compileDiffSpec((own ?? {}) as DiffSpecInput | DiffSpec);
    } catch (error) {
      if (error instanceof ValidationError) issues.push(...error.issues.map((issue) => ({ ...issue, path: ['spec', ...issue.path] })));
      else throw error;
      return undefined;
    }
  });
  for (const key of ['maxPartitionRecords', 'partitions'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 2)) bad([key], 'Expected a whole number from 2');
  }
  if (issues.length > 0) throw new ValidationError('reconcile options', issues, { code: 'INVALID_OPTIONS' });
  return { sides, keyOf, specs };
}

function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  return undefined;
}

/** Compares the records one key has on each side (undefined: absent; `count` > 1: duplicates) and reports. */
async function compareKey(plan: Plan, report: Report, key: string, records: readonly unknown[], counts: readonly number[]): Promise<void> {
  const reference = plan.sides[0]?.name as string;
  let clean = true;
  for (let i = 0; i < plan.sides.length; i += 1) {
    const side = plan.sides[i]?.name as string;
    if (counts[i] === 0) {
      clean = false;
      await report.difference({ key, kind: 'missing', side, reference, field: '(record)' });
    } else if ((counts[i] as number) > 1) {
      clean = false;
      await report.difference({ key, kind: 'duplicate', side, reference, field: '(record)', detail: `${counts[i]} records with this key` });
    }
  }
  if (counts[0] === 0) return report.key(clean);
  for (let i = 1; i < plan.sides.length; i += 1) {
    if (counts[i] === 0) continue;
    const diff = diffRecords(records[0], records[i], plan.specs[i] as DiffSpec);
    if (diff.equal) continue;
    clean = false;
    const side = plan.sides[i]?.name as string;
    for (const d of diff.differences) {
      await report.difference({
        key,
        kind: d.kind,
        side,
        reference,
        path: d.path,
        field: d.field,
        severity: d.severity,
        referenceValue: d.source,
        value: d.target,
        ...(d.detail === undefined ? {} : { detail: d.detail }),
      });
    }
  }
  report.key(clean);
}

// ---------------------------------------------------------------------------------------------
// Sorted merge: one record per side in memory.

/** @internal Streams sorted sides through a merge, one record per side in memory. */
export async function mergeSorted(plan: Plan, report: Report): Promise<void> {
  const iterators = plan.sides.map((side) => iteratorOf(side.records));
  const heads: ({ key: string; record: unknown } | undefined)[] = [];
  const previous: (string | undefined)[] = plan.sides.map(() => undefined);
  const positions = plan.sides.map(() => 0);

  const advance = async (i: number): Promise<{ key: string; record: unknown } | undefined> => {
    for (;;) {
      const next = await (iterators[i] as AsyncIterator<unknown> | Iterator<unknown>).next();
      if (next.done === true) return undefined;
      positions[i] = (positions[i] as number) + 1;
      report.read(i);
      const key = plan.keyOf(next.value);
      if (key === undefined) {
        await report.difference({ key: '', kind: 'no_key', side: plan.sides[i]?.name as string, reference: plan.sides[0]?.name as string, detail: `record ${positions[i]} has no key` });
        continue;
      }
      const before = previous[i];
      if (before !== undefined && key < before) {
        throw new OrdoError('UNSORTED_INPUT', `Side ${plan.sides[i]?.name} is declared sorted, but record ${positions[i]} has key ${quoteCode(key)} after ${quoteCode(before)}: sort it by key (code-unit order), or leave sorted unset to partition it`, {
          details: { side: plan.sides[i]?.name, position: positions[i] },
        });
      }
      previous[i] = key;
      return { key, record: next.value };
    }
  };

  for (let i = 0; i < plan.sides.length; i += 1) heads[i] = await advance(i);
  const records: unknown[] = plan.sides.map(() => undefined);
  const counts: number[] = plan.sides.map(() => 0);
  for (;;) {
    let key: string | undefined;
    for (const head of heads) if (head !== undefined && (key === undefined || head.key < key)) key = head.key;
    if (key === undefined) return;
    for (let i = 0; i < heads.length; i += 1) {
      records[i] = undefined;
      counts[i] = 0;
      while (heads[i]?.key === key) {
        if (counts[i] === 0) records[i] = heads[i]?.record;
        counts[i] = (counts[i] as number) + 1;
        heads[i] = await advance(i);
      }
    }
    await compareKey(plan, report, key, records, counts);
  }
}

function iteratorOf(records: AsyncIterable<unknown> | Iterable<unknown>): AsyncIterator<unknown> | Iterator<unknown> {
  const asyncIterator = (records as AsyncIterable<unknown>)[Symbol.asyncIterator];
  return typeof asyncIterator === 'function' ? asyncIterator.call(records) : (records as Iterable<unknown>)[Symbol.iterator]();
}

// ---------------------------------------------------------------------------------------------
// Partitioned: spill every side to hash partitions on disk, then compare partition by partition.

/** Appends JSON lines to a partition's file through a buffer. */
class SpillFile {
  private buffer: string[] = [];
  private size = 0;
  private fd: number | undefined;
  count = 0;

  constructor(readonly path: string) {}

  add(line: string): void {
    this.buffer.push(line);
    this.size += line.length + 1;
    this.count += 1;
    // Small buffers: 64 partitions per side stay a few MB, however many records pass.
    if (this.size > 32 * 1024) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, `${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Each line; the file is read whole (its size is the partition's bound). */
  *lines(): Generator<string> {
    if (this.count === 0) return;
    const text = readFileSync(this.path, 'utf8');
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end === -1) return;
      yield text.slice(start, end);
      start = end + 1;
    }
  }
}

/** FNV-1a of a key with a seed, so a partition split again spreads differently. */
function hashKey(key: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

async function mergePartitioned(plan: Plan, report: Report, options: ReconcileOptions): Promise<{ count: number; largest: number }> {
  const folder = mkdtempSync(join(options.tempDir ?? tmpdir(), 'ordo-reconcile-'));
  const maxRecords = options.maxPartitionRecords ?? 200_000;
  const stats = { count: 0, largest: 0 };
  try {
    const first = options.partitions ?? 64;
    const files = plan.sides.map((_, side) => Array.from({ length: first }, (__, p) => new SpillFile(join(folder, `s${side}-p${p}.jsonl`))));
    for (let i = 0; i < plan.sides.length; i += 1) {
      const side = plan.sides[i] as ReconciliationSide;
      const iterator = iteratorOf(side.records);
      let position = 0;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) break;
        position += 1;
        report.read(i);
        const key = plan.keyOf(next.value);
        if (key === undefined) {
          await report.difference({ key: '', kind: 'no_key', side: side.name, reference: plan.sides[0]?.name as string, detail: `record ${position} has no key` });
          continue;
        }
        // A line: the key as JSON, a tab, the record as JSON (the key is read back without parsing the record).
        (files[i]?.[hashKey(key, 0) % first] as SpillFile).add(`${JSON.stringify(key)}\t${JSON.stringify(next.value) ?? 'null'}`);
      }
      for (const file of files[i] as SpillFile[]) file.close();
    }
    for (let p = 0; p < first; p += 1) await comparePartition(plan, report, files.map((list) => list[p] as SpillFile), 1, maxRecords, folder, `p${p}`, stats);
    return stats;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function comparePartition(plan: Plan, report: Report, files: readonly SpillFile[], depth: number, maxRecords: number, folder: string, name: string, stats: { count: number; largest: number }): Promise<void> {
  const largest = Math.max(...files.map((file) => file.count));
  if (largest > maxRecords && depth < 6) {
    // Too big for memory: split it again with another seed.
    const parts = Math.min(64, Math.ceil(largest / maxRecords) * 2);
    const split = files.map((file, side) => {
      const out = Array.from({ length: parts }, (_, q) => new SpillFile(join(folder, `s${side}-${name}-${q}.jsonl`)));
      for (const line of file.lines()) {
        const key = JSON.parse(line.slice(0, line.indexOf('\t'))) as string;
        (out[hashKey(key, depth) % parts] as SpillFile).add(line);
      }
      for (const part of out) part.close();
      rmSync(file.path, { force: true });
      return out;
    });
    for (let q = 0; q < parts; q += 1) await comparePartition(plan, report, split.map((list) => list[q] as SpillFile), depth + 1, maxRecords, folder, `${name}-${q}`, stats);
    return;
  }
  stats.count += 1;
  stats.largest = Math.max(stats.largest, files.reduce((sum, file) => sum + file.count, 0));
  // Every side's partition in memory: key -> first record and count.
  const maps = files.map((file) => {
    const map = new Map<string, { record: unknown; count: number }>();
    for (const line of file.lines()) {
      const tab = line.indexOf('\t');
      const key = JSON.parse(line.slice(0, tab)) as string;
      const seen = map.get(key);
      if (seen === undefined) map.set(key, { record: JSON.parse(line.slice(tab + 1)) as unknown, count: 1 });
      else seen.count += 1;
    }
    rmSync(file.path, { force: true });
    return map;
  });
  // Keys in code-unit order, so the report reads the same as the sorted mode's.
  const keys = new Set<string>();
  for (const map of maps) for (const key of map.keys()) keys.add(key);
  const records: unknown[] = plan.sides.map(() => undefined);
  const counts: number[] = plan.sides.map(() => 0);
  for (const key of [...keys].sort()) {
    for (let i = 0; i < maps.length; i += 1) {
      const entry = maps[i]?.get(key);
      records[i] = entry?.record;
      counts[i] = entry?.count ?? 0;
    }
    await compareKey(plan, report, key, records, counts);
  }
}

// ---------------------------------------------------------------------------------------------
// The report: counts, JSON Lines and CSV, written through buffers.

/** @internal The report of a run: counts, JSON Lines and CSV. */
export class Report {
  private readonly records: number[];
  private keys = 0;
  private inSync = 0;
  private differences = 0;
  private deadLetters = 0;
  private readonly byKind: Record<string, number> = {};
  private readonly byField: Record<string, number> = {};
  private readonly bySide: Record<string, number> = {};
  private readonly jsonl: Buffered | undefined;
  private readonly csv: Buffered | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly options: Pick<ReconcileOptions, 'jsonl' | 'csv' | 'onDifference'>,
  ) {
    this.records = plan.sides.map(() => 0);
    this.jsonl = options.jsonl === undefined ? undefined : new Buffered(options.jsonl);
    this.csv = options.csv === undefined ? undefined : new Buffered(options.csv);
  }

  async start(): Promise<void> {
    await this.csv?.write(`${CSV_COLUMNS.join(',')}\r\n`);
  }

  read(side: number): void {
    this.records[side] = (this.records[side] as number) + 1;
  }

  key(clean: boolean): void {
    this.keys += 1;
    if (clean) this.inSync += 1;
  }

  /** Keys found alike without being compared one by one (a range whose checksums agree). */
  keysInSync(count: number): void {
    this.keys += count;
    this.inSync += count;
  }

  async difference(difference: ReconciliationDifference): Promise<void> {
    this.differences += 1;
    this.byKind[difference.kind] = (this.byKind[difference.kind] ?? 0) + 1;
    const field = difference.field ?? '(record)';
    this.byField[field] = (this.byField[field] ?? 0) + 1;
    this.bySide[difference.side] = (this.bySide[difference.side] ?? 0) + 1;
    await this.options.onDifference?.(difference);
    await this.jsonl?.write(`${JSON.stringify({ type: 'difference', ...difference })}\n`);
    await this.csv?.write(
      csvRow(['difference', difference.key, difference.side, difference.reference, difference.kind, difference.field, difference.path?.join('.'), difference.severity, json(difference.referenceValue), json(difference.value), difference.detail]),
    );
  }

  async deadLetter(task: Task): Promise<void> {
    this.deadLetters += 1;
    const last = task.history.at(-1);
    const entry = { type: 'dead_letter', taskId: task.id, queue: task.queue, key: task.key, firstFailedAt: task.firstFailedAt ?? null, deadAt: task.updatedAt, attempts: task.history.length, lastError: last?.error ?? task.lastError ?? null, lastCode: last?.code ?? null, history: task.history };
    await this.jsonl?.write(`${JSON.stringify(entry)}\n`);
    await this.csv?.write(csvRow(['dead_letter', task.key, '', '', 'dead_letter', '', '', '', '', '', `${task.history.length} attempts; last: ${last?.code ?? ''} ${last?.error ?? ''}`.trim()]));
  }

  async finish(partitions: { count: number; largest: number } | undefined, extra: { mode?: ReconciliationSummary['mode']; records?: readonly number[]; checksum?: ReconciliationSummary['checksum'] } = {}): Promise<ReconciliationSummary> {
    const records = extra.records ?? this.records;
    const summary: ReconciliationSummary = {
      mode: extra.mode ?? (partitions === undefined ? 'sorted-merge' : 'partitioned'),
      records: Object.fromEntries(this.plan.sides.map((side, i) => [side.name, records[i] as number])),
      keys: this.keys,
      inSync: this.inSync,
      differences: this.differences,
      byKind: this.byKind,
      byField: this.byField,
      bySide: this.bySide,
      deadLetters: this.deadLetters,
      ...(partitions === undefined ? {} : { partitions: partitions.count, largestPartition: partitions.largest }),
      ...(extra.checksum === undefined ? {} : { checksum: extra.checksum }),
    };
    await this.jsonl?.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`);
    await this.jsonl?.flush();
    await this.csv?.flush();
    return summary;
  }
}

/** Collects text and writes it in 64 KB chunks, waiting for `drain` when the stream asks. */
class Buffered {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly out: ReportWriter) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 64 * 1024) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    const accepted = this.out.write(chunk);
    if (accepted === false && typeof this.out.once === 'function') await new Promise<void>((resolve) => this.out.once?.('drain', resolve));
  }
}

function json(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

/** One RFC 4180 row; a cell that a spreadsheet would run as a formula starts with `'`. */
function csvRow(cells: readonly (string | undefined)[]): string {
  return `${cells
    .map((cell) => {
      if (cell === undefined) return '';
      const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
      return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    })
    .join(',')}\r\n`;
}
