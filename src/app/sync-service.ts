// Sync with verification: push a record to each external system, read it back, diff it; a failed push,
// a changed response format or a difference schedules compensation in the same unit as its evidence.
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { Instant } from '../clock/instant.js';
import { option, parseOptions } from '../errors/options.js';
import { OrdoError, isOrdoError } from '../errors/ordo-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { createUuidSource, type IdSource } from '../ids/id-source.js';
import type { JsonValue } from '../ports/json.js';
import type { QuarantineChange } from '../ports/quarantine-port.js';
import type { UnitOfWork } from '../ports/storage-port.js';
import type { SyncTarget } from '../ports/sync-target-port.js';
import type { TaskStore } from '../ports/task-port.js';
import type { DiffAlertEvent, DiffMonitor } from '../sync/diff-monitor.js';
import { DIFF_SEVERITIES, compileDiffSpec, diffRecords, type DiffSeverity, type DiffSpec, type DiffSpecInput, type FieldDifference } from '../sync/record-diff.js';
import type { RetryPolicyInput } from '../tasks/retry-policy.js';
import { createTaskWorker, describeFailure, type TaskHandler, type TaskWorker } from './task-worker.js';
import { withTimeout } from './with-timeout.js';

/** A schema for what a system sends back, e.g. a zod schema: anything with `safeParse`. */
export interface ReadBackSchema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: z.ZodError };
}

/** One external system kept in step. */
export interface SyncTargetConfig {
  readonly target: SyncTarget;
  /** Ordo's record in the system's own words (its field names, its status codes). @default the record as it is */
  readonly toTarget?: (record: JsonValue) => JsonValue;
  /** What a read-back must look like. One that does not match (the system changed its format) is quarantined with its issues, never diffed in part. */
  readonly schema?: ReadBackSchema;
  /** How what was pushed and what came back are compared. */
  readonly spec: DiffSpec | DiffSpecInput;
  /** Differences at or above this severity fail the sync (and schedule compensation); lesser ones are reported only. @default 'warning' */
  readonly failOn?: DiffSeverity;
  /**
   * What to do when the record's status is one the system has no code for (`toTarget` threw
   * `UNMAPPED_STATUS`): `report` answers `failed` with an `unmapped` difference at once and commits
   * a `sync.failed` event (an alert; no retry can fix it, so nothing is queued); `skip` sends
   * nothing and answers `skipped`, for a system that does not show that status (a WMS has no
   * "on hold").
   * @default 'report'
   */
  readonly unmappedStatus?: 'report' | 'skip';
  /**
   * The record `status` values this system hears (a WMS: from allocation on; finance: payments and
   * refunds). A record in another status is not sent: its outcome is `skipped`.
   * @default every status
   */
  readonly statuses?: readonly string[];
}

/** Options of {@link createSyncService}. */
export interface SyncServiceOptions {
  /** Tasks, quarantine and outbox commit through its unit of work. */
  readonly storage: { readonly tasks: TaskStore; commit(unit: UnitOfWork): Promise<void> };
  readonly clock: Clock;
  /** A stable id per worker process (compensation leases are held in its name). */
  readonly owner: string;
  readonly targets: readonly SyncTargetConfig[];
  /**
   * The current record for a key, read when compensation retries, so a retry never pushes an
   * outdated copy; `null` when it no longer exists (the task then completes). @default the record the failed sync had
   */
  readonly load?: (key: string) => Promise<JsonValue | null>;
  /** Counts every verification's differences; its alerts go to `onAlert`. */
  readonly monitor?: DiffMonitor;
  readonly onAlert?: (event: DiffAlertEvent) => void;
  /** One push + read-back, in milliseconds. @default 30000 */
  readonly timeoutMs?: number;
  /** The compensation retry policy; `UNMAPPED_STATUS` (a status the system has no code for) is never retried. @default every 15 minutes for 72 hours */
  readonly retry?: RetryPolicyInput;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly ids?: IdSource;
  readonly onError?: (error: unknown) => void;
  /**
   * The task worker to contribute compensation to (its queue and its loop, as `createOrdo`
   * passes its own); by default the service makes a worker of its own on `sync.compensation`.
   */
  readonly tasks?: TaskWorker;
}

/** What one system's sync came to. */
export interface SyncOutcome {
  readonly system: string;
  /**
   * `in_sync`; `compensation_scheduled` (a retry is queued); `failed` (no retry can fix it, e.g.
   * a status the system has no code for: reported now, a `sync.failed` event committed, nothing
   * queued); `skipped` (the target skips statuses it does not show).
   */
  readonly status: 'in_sync' | 'compensation_scheduled' | 'failed' | 'skipped';
  /** Every difference found (masked), also those below `failOn`. */
  readonly differences: readonly FieldDifference[];
  /** Why it failed, when it did. */
  readonly error?: { readonly code: string | undefined; readonly message: string };
}

/** A sync service; see {@link createSyncService}. */
export interface SyncService {
  /** Pushes the record to every system, verifies each, and schedules compensation for each that failed. */
  sync(key: string, record: JsonValue): Promise<SyncOutcome[]>;
  /** The compensation scheduler behind it: `start()` it in a worker, read `deadLetters()` for the reconciliation report. */
  readonly compensation: TaskWorker;
}

const serviceOptionsSchema = z.strictObject({
  storage: option.withMethods<SyncServiceOptions['storage']>('a storage port (tasks and commit)', 'commit', 'tasks.claim', 'tasks.enqueue'),
  clock: option.withMethods<Clock>('a Clock', 'now', 'millis'),
  owner: option.text(),
  targets: z
    .array(
      z.strictObject({
        target: option.withMethods<SyncTarget>('a sync target (system, push, read)', 'push', 'read').refine((t) => typeof t.system === 'string' && /^[A-Za-z][\w.:-]{0,63}$/.test(t.system), 'Expected a target with a system name'),
        toTarget: option.fn<(record: JsonValue) => JsonValue>().optional(),
        schema: option.withMethods<ReadBackSchema>('a schema with safeParse (e.g. zod)', 'safeParse').optional(),
        spec: z.custom<DiffSpec | DiffSpecInput>((value) => typeof value === 'object' && value !== null, 'Expected a diff spec'),
        failOn: z.enum(DIFF_SEVERITIES).default('warning'),
        unmappedStatus: z.enum(['report', 'skip']).default('report'),
        statuses: z.array(z.string().min(1)).min(1).optional(),
      }),
    )
    .min(1),
  load: option.fn<NonNullable<SyncServiceOptions['load']>>().optional(),
  monitor: option.withMethods<DiffMonitor>('a diff monitor', 'observe').optional(),
  onAlert: option.fn<NonNullable<SyncServiceOptions['onAlert']>>().optional(),
  timeoutMs: option.positiveInt().default(30_000),
  retry: z.custom<RetryPolicyInput>(() => true).optional(),
  batchSize: option.positiveInt().optional(),
  pollIntervalMs: option.positiveInt().optional(),
  ids: option.fn<IdSource>().optional(),
  onError: option.fn<(error: unknown) => void>().optional(),
  tasks: option.withMethods<TaskWorker>('a task worker from createTaskWorker', 'register', 'runOnce', 'scheduleChange').optional(),
});

/** The compensation task's payload. */
interface SyncTaskPayload {
  readonly key: string;
  readonly record: JsonValue;
}

/**
 * Creates a sync service: event-driven sync with verification after every push. For each
 * system: push, read back, check the read-back's format, diff it against what was pushed. A
 * failed push (timeout, refusal), a changed format (quarantined with its issues) or a
 * difference at `failOn` or above schedules a compensation task, committed in one unit with
 * its quarantine record; the task retries the whole push-and-verify on the retry policy. A
 * failure no retry can fix (a status the system has no code for, or a code in the retry policy's
 * `nonRetryableErrorCodes`) is reported at once as `failed`, with a `sync.failed` event, and
 * never queued.
 *
 * @throws ValidationError `INVALID_OPTIONS` with every bad option's path (each spec is compiled now).
 * @example
 * const sync = createSyncService({ storage, clock, owner: `sync-${process.pid}`,
 *   targets: [{ target: wmsTarget, toTarget: toWms, schema: wmsOrderSchema, spec: { fields: { status: { compare: 'status', target: wmsStatuses } } } }] });
 * await sync.sync(order.id, order);   // after each committed change
 * sync.compensation.start();          // in a worker
 */
export function createSyncService(options: SyncServiceOptions): SyncService {
  const parsed = parseOptions('createSyncService options', serviceOptionsSchema, options);
  const { storage, clock, owner, timeoutMs, monitor } = parsed;
  const onAlert = parsed.onAlert ?? ((): void => undefined);
  const systems = new Map<string, { readonly config: SyncTargetConfig; readonly spec: DiffSpec; readonly failOn: number; readonly skipUnmapped: boolean }>();
  parsed.targets.forEach((config, index) => {
    const system = config.target.system;
    if (systems.has(system)) throw new ValidationError('createSyncService options', [{ code: 'invalid_value', path: ['targets', index, 'target', 'system'], message: `System ${system} is listed twice` }], { code: 'INVALID_OPTIONS' });
    let spec: DiffSpec;
    try {
      spec = compileDiffSpec(config.spec);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError('createSyncService options', error.issues.map((issue) => ({ ...issue, path: ['targets', index, 'spec', ...issue.path] })), { code: 'INVALID_OPTIONS' });
      throw error;
    }
    systems.set(system, { config: config as SyncTargetConfig, spec, failOn: DIFF_SEVERITIES.indexOf(config.failOn), skipUnmapped: config.unmappedStatus === 'skip' });
  });

  // A status the system has no code for stays so: retrying it for 72 hours helps no one.
  const ids = parsed.ids ?? createUuidSource('evt_');
  const nonRetryable = new Set(['UNMAPPED_STATUS', ...(parsed.retry?.nonRetryableErrorCodes ?? [])]);

  /** Push, read back, check the format, diff. Throws when the system is not in step; `quarantine` holds a changed format's evidence. */
  const verify = async (system: string, key: string, record: JsonValue, signal: AbortSignal, evidence: QuarantineChange[]): Promise<readonly FieldDifference[]> => {
    const { config, spec, failOn } = systems.get(system) as { config: SyncTargetConfig; spec: DiffSpec; failOn: number };
    const pushed = config.toTarget === undefined ? record : config.toTarget(record);
    await config.target.push(key, pushed, { signal });
    const raw = await config.target.read(key, { signal });
    const at = clock.now();
    if (raw === undefined || raw === null) throw new OrdoError('SYNC_MISMATCH', `${system} holds nothing for ${key} after the push`, { details: { system, key } });
    let held: unknown = raw;
    if (config.schema !== undefined) {
      const checked = config.schema.safeParse(raw);
      if (!checked.success) {
        const error = ValidationError.fromZod(`${system} read-back`, checked.error);
        evidence.push({ type: 'put', record: { id: `sync:${system}:${key}:${at}`, source: `sync:${system}`, payload: jsonOf(raw), issues: error.issues, receivedAt: at } });
        throw error;
      }
      held = checked.data;
    }
    const differences = diffRecords(pushed, held, spec).differences;
    if (monitor !== undefined) for (const event of monitor.observe({ system, at, differences })) onAlert(event);
    const failing = differences.filter((difference) => DIFF_SEVERITIES.indexOf(difference.severity) >= failOn);
    if (failing.length > 0) {
      const fields = [...new Set(failing.map((difference) => difference.path.join('.')))];
      throw new OrdoError('SYNC_MISMATCH', `${system} holds ${failing.length} different value${failing.length === 1 ? '' : 's'} for ${key}: ${fields.slice(0, 10).join(', ')}`, {
        details: { system, key, differences: failing },
      });
    }
    return differences;
  };

  const syncHandlers: Record<string, TaskHandler> = Object.fromEntries(
    [...systems.keys()].map((system) => [
      `sync:${system}`,
      (async (payload, context) => {
        const { key, record } = payload as unknown as SyncTaskPayload;
        const current = parsed.load === undefined ? record : await parsed.load(key);
        if (current === null) return { skipped: 'the record no longer exists' };
        const evidence: QuarantineChange[] = [];
        try {
          const differences = await verify(system, key, current, context.signal, evidence);
          return { differences: differences.length };
        } finally {
          if (evidence.length > 0) context.alsoCommit({ quarantine: evidence });
        }
      }) satisfies TaskHandler,
    ]),
  );
  const retry = { ...parsed.retry, nonRetryableErrorCodes: [...nonRetryable] };
  const shared = parsed.tasks;
  if (shared !== undefined) for (const [kind, handler] of Object.entries(syncHandlers)) shared.register(kind, handler, { retry, timeoutMs, topic: 'sync.compensation' });
  const compensation =
    shared ??
    createTaskWorker({
      storage,
      clock,
      owner,
      handlers: syncHandlers,
      timeoutMs,
      leaseMs: timeoutMs + 60_000,
      retry,
      ...(parsed.batchSize === undefined ? {} : { batchSize: parsed.batchSize }),
      ...(parsed.pollIntervalMs === undefined ? {} : { pollIntervalMs: parsed.pollIntervalMs }),
      ...(parsed.ids === undefined ? {} : { ids: parsed.ids }),
      ...(parsed.onError === undefined ? {} : { onError: parsed.onError }),
    });

  /**
   * A failure no retry can fix: nothing is queued. The outcome says so now, with an `unmapped`
   * difference for a status the system has no code for (fed to the monitor like any other), and
   * a `sync.failed` event commits with any evidence, so an operator hears of it.
   */
  const reportFailure = async (
    system: string,
    key: string,
    error: unknown,
    failure: { readonly code?: string | undefined; readonly error: string },
    at: Instant,
    evidence: QuarantineChange[],
  ): Promise<SyncOutcome> => {
    const unmapped = failure.code === 'UNMAPPED_STATUS';
    // The status as the error names it: a code in quotes, anything else (a phone typed in) by its shape.
    const named = isOrdoError(error) ? String(error.details['code'] ?? '') : '';
    const shown = /^".*"$/.test(named) ? (JSON.parse(named) as string) : named;
    if (unmapped && systems.get(system)?.skipUnmapped === true) return { system, status: 'skipped', differences: [] };
    const differences: FieldDifference[] = unmapped
      ? [{ path: ['status'], field: 'status', kind: 'unmapped', severity: 'critical', source: shown, target: undefined, detail: `${system} has no code for this status` }]
      : [];
    if (monitor !== undefined && differences.length > 0) for (const event of monitor.observe({ system, at, differences })) onAlert(event);
    const payload: JsonValue = { system, key, code: failure.code ?? null, error: failure.error, ...(unmapped ? { status: shown } : {}) };
    await storage.commit({ outbox: [{ id: ids(), topic: 'sync.failed', key, payload, createdAt: at }], ...(evidence.length > 0 ? { quarantine: evidence } : {}), at });
    return { system, status: 'failed', differences, error: { code: failure.code, message: failure.error } };
  };

  const syncOne = async (system: string, key: string, record: JsonValue): Promise<SyncOutcome> => {
    const evidence: QuarantineChange[] = [];
    try {
      const differences = await withTimeout(timeoutMs, `${system} push and read-back`, (signal) => verify(system, key, record, signal, evidence));
      return { system, status: 'in_sync', differences };
    } catch (error) {
      const at: Instant = clock.now();
      const failure = describeFailure(error, at);
      if (failure.code !== undefined && nonRetryable.has(failure.code)) return reportFailure(system, key, error, failure, at, evidence);
      const change = compensation.scheduleChange({ kind: `sync:${system}`, key: `${system}:${key}`, payload: { key, record } satisfies SyncTaskPayload as unknown as JsonValue, failure: { error, at } });
      await storage.commit({ tasks: [change], ...(evidence.length > 0 ? { quarantine: evidence } : {}), at });
      const differences = isOrdoError(error) && error.code === 'SYNC_MISMATCH' ? ((error.details['differences'] as FieldDifference[] | undefined) ?? []) : [];
      return { system, status: 'compensation_scheduled', differences, error: { code: failure.code, message: failure.error } };
    }
  };

  return Object.freeze({
    async sync(key: string, record: JsonValue): Promise<SyncOutcome[]> {
      if (typeof key !== 'string' || key === '' || record === undefined) {
        throw new ValidationError('sync request', [{ code: 'invalid_type', path: typeof key !== 'string' || key === '' ? ['key'] : ['record'], message: 'Expected a key and a JSON record' }]);
      }
      const status = typeof record === 'object' && record !== null && !Array.isArray(record) ? record['status'] : undefined;
      return Promise.all(
        [...systems.entries()].map(([system, { config }]) =>
          config.statuses !== undefined && (typeof status !== 'string' || !config.statuses.includes(status)) ? Promise.resolve<SyncOutcome>({ system, status: 'skipped', differences: [] }) : syncOne(system, key, record),
        ),
      );
    },
    compensation,
  });
}

/** A read-back as JSON for the quarantine (what JSON cannot hold becomes null, as JSON.stringify does). */
function jsonOf(value: unknown): JsonValue {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null') as JsonValue;
  } catch {
    return null;
  }
}
