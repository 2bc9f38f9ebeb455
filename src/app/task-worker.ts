// The task worker: Ordo's one runner of deferred work (sync compensation, webhook deliveries, waybill
// retries, pipeline steps, recurring jobs), leased on the task store, retried by a retry policy,
// each outcome committed with its event in one unit of work; recurring work on zoned wall times.
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { instantFromMillis, isInstant, type Instant } from '../clock/instant.js';
import { maskDriverText } from '../errors/mask.js';
import { option, parseOptions } from '../errors/options.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { createUuidSource, type IdSource } from '../ids/id-source.js';
import type { JsonValue } from '../ports/json.js';
import type { OutboxMessage } from '../ports/outbox-port.js';
import type { QuarantineChange } from '../ports/quarantine-port.js';
import type { UnitOfWork } from '../ports/storage-port.js';
import type { Task, TaskAttempt, TaskChange, TaskStore } from '../ports/task-port.js';
import { isUnitOfWorkError } from '../errors/unit-error.js';
import { defineRecurringSchedule, type RecurringSchedule, type RecurringScheduleInput } from '../tasks/recurring-schedule.js';
import { compileRetryPolicy, decideRetry, type DeadLetterReason, type RetryPolicyInput } from '../tasks/retry-policy.js';
import { createPollingLoop, defaultSleep } from './polling-loop.js';
import { withTimeout } from './with-timeout.js';

/** What a handler gets besides the payload. */
export interface TaskContext {
  /** Aborted when the handler's time is up (`timeoutMs`): pass it to fetch, pg, amqplib. */
  readonly signal: AbortSignal;
  /** This attempt's number, 2 for the first retry of work that failed once before it was scheduled. */
  readonly attempt: number;
  readonly task: Task;
  /** For a recurring job: the occurrence this run is for. */
  readonly occurrence?: Instant;
  /**
   * Adds changes (quarantine records, outbox events) to the unit that commits this attempt's
   * outcome, whatever it is: they are written with it, or not at all.
   */
  alsoCommit(parts: TaskExtras): void;
}

/** What a handler may add to its outcome's unit of work. */
export interface TaskExtras {
  readonly quarantine?: readonly QuarantineChange[];
  readonly outbox?: readonly OutboxMessage[];
}

/**
 * Does the work again. Resolves when it succeeded (optionally with a JSON result for the outcome
 * event); throws when it failed. An error's `code` (an {@link OrdoError}'s, or any `code` string
 * property) is what `nonRetryableErrorCodes` matches; its `retryAfterMs`, when the other side
 * asked to wait (HTTP `Retry-After`), delays the next attempt at least that long.
 */
export type TaskHandler = (payload: JsonValue, context: TaskContext) => Promise<JsonValue | void>;

/** Options of {@link createTaskWorker}. */
export interface TaskWorkerOptions {
  /** Any storage: its tasks and the unit of work that commits an outcome with its event. */
  readonly storage: { readonly tasks: TaskStore; commit(unit: UnitOfWork): Promise<void> };
  /** The only source of "now": due times, leases, the 72 hours. */
  readonly clock: Clock;
  /** A stable id per worker process; leases are held in its name. */
  readonly owner: string;
  /** Handlers by kind (more can be added with `register`); a task of an unknown kind is dead-lettered with `UNKNOWN_KIND`. @default {} */
  readonly handlers?: Readonly<Record<string, TaskHandler>>;
  /** @default every 15 minutes for 72 hours from the first failure (see {@link RetryPolicyInput}) */
  readonly retry?: RetryPolicyInput;
  /** @default 'sync.compensation' */
  readonly queue?: string;
  /** Tasks claimed (and run concurrently) per round. @default 10 */
  readonly batchSize?: number;
  /** A handler's time; then its signal aborts and the attempt fails with `TIMEOUT`. @default 60000 */
  readonly timeoutMs?: number;
  /** A claimed task stays this worker's for this long; must exceed `timeoutMs`. @default timeoutMs + 60000 */
  readonly leaseMs?: number;
  /** The outbox topic prefix of outcome events (`.succeeded`, `.retry_scheduled`, `.dead_lettered`). @default 'sync.compensation' */
  readonly topic?: string;
  /** @default 1000 */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told about a round that failed (the database is unreachable); the loop keeps going. */
  readonly onError?: (error: unknown) => void;
  /** Task and event ids. @default random UUIDs */
  readonly ids?: IdSource;
  /**
   * Which outcomes commit an outbox event: `all`; `failures` (retries and dead letters); `dead`
   * (dead letters only: for high-volume work such as pipeline steps and deliveries, where a success
   * shows in what it changed and a retry in the task's history, and where an event per retry of a
   * delivery to a transport that is down would itself need delivering).
   * @default 'all'
   */
  readonly outcomeEvents?: 'all' | 'failures' | 'dead';
}

/** A kind's own settings, for {@link TaskWorker.register}. */
export interface TaskKindOptions {
  readonly retry?: RetryPolicyInput;
  /** Must be below the worker's lease. @default the worker's timeoutMs */
  readonly timeoutMs?: number;
  /** The outbox topic prefix of this kind's outcome events. @default the worker's topic */
  readonly topic?: string;
}

/** Work to run, for {@link TaskWorker.enqueue}. */
export interface TaskRequest {
  /** The handler that runs it. */
  readonly kind: string;
  /** One unfinished task per key: enqueueing a key that is already waiting is a no-op. */
  readonly key: string;
  readonly payload: JsonValue;
  /** @default now */
  readonly dueAt?: Instant;
}

/** Work that failed once, for {@link TaskWorker.schedule}. */
export interface CompensationRequest {
  readonly kind: string;
  /** One unfinished task per key: scheduling a key that is already waiting is a no-op. */
  readonly key: string;
  readonly payload: JsonValue;
  /** The failure that makes compensation necessary; the retry window counts from its `at` (default now). */
  readonly failure: { readonly error: unknown; readonly at?: Instant };
}

/** A recurring job, for {@link TaskWorker.recurring}. */
export interface RecurringJob {
  /** Unique per job, e.g. `weekly-reconciliation`. */
  readonly name: string;
  readonly schedule: RecurringSchedule | RecurringScheduleInput;
  readonly kind: string;
  readonly payload?: JsonValue;
}

/** The outcome of one {@link TaskWorker.runOnce} round. */
export interface TaskRound {
  readonly succeeded: number;
  readonly retried: number;
  readonly deadLettered: number;
  /** Tasks whose lease another worker took first (this worker's outcome was not committed). */
  readonly lost: number;
}

/** A task worker; see {@link createTaskWorker}. */
export interface TaskWorker {
  /** Queues work to run at `dueAt` (default now); returns the waiting task (`created: false` when the key was already waiting). */
  enqueue(request: TaskRequest): Promise<{ readonly task: Task; readonly created: boolean }>;
  /** The task change {@link enqueue} commits, for a caller that commits it in a unit of its own (with the change that makes the work necessary). */
  enqueueChange(request: TaskRequest): Extract<TaskChange, { type: 'enqueue' }>;
  /**
   * Adds a handler for a kind (a service contributing its work); a kind has one handler. A kind may
   * bring its own retry policy (webhooks retry on Standard Webhooks' schedule, sync every 15
   * minutes), its own time (below the worker's lease) and its own outcome topic.
   */
  register(kind: string, handler: TaskHandler, options?: TaskKindOptions): void;
  /** The kinds this worker runs. */
  readonly kinds: readonly string[];
  /** The queue it claims from. */
  readonly queue: string;
  /** Queues failed work; returns the waiting task (`created: false` when the key was already waiting). */
  schedule(request: CompensationRequest): Promise<{ readonly task: Task; readonly created: boolean }>;
  /** The task change {@link schedule} commits, for a caller that commits it in a unit of its own (with the failure's quarantine record or event). */
  scheduleChange(request: CompensationRequest): Extract<TaskChange, { type: 'enqueue' }>;
  /** Registers a recurring job: its next occurrence is queued once, however many workers register it. */
  recurring(job: RecurringJob): Promise<Task>;
  /** Claims due tasks, runs them, commits each outcome with its event. */
  runOnce(): Promise<TaskRound>;
  /** Dead-lettered tasks of the queue, with their whole attempt history, for the reconciliation report. */
  deadLetters(options?: { readonly limit?: number }): Promise<Task[]>;
  start(): void;
  stop(): Promise<void>;
  readonly running: boolean;
}

/** The stored payload of a compensation task. */
interface TaskPayload {
  readonly kind?: string;
  readonly payload?: JsonValue;
  readonly recurring?: { readonly name: string; readonly schedule: RecurringScheduleInput; readonly occurrence: Instant };
  /** Scheduled with a failure no retry can fix: dead-lettered on its first claim, without running. */
  readonly nonRetryable?: true;
}

/** A task's payload as the scheduler wrote it; `{}` for anything else (its kind is then unknown). */
function payloadOf(task: Task): TaskPayload {
  const payload = task.payload;
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as unknown as TaskPayload) : {};
}

const schedulerOptionsSchema = z.strictObject({
  storage: option.withMethods<TaskWorkerOptions['storage']>('a storage port (tasks and commit)', 'commit', 'tasks.claim', 'tasks.enqueue', 'tasks.list'),
  clock: option.withMethods<Clock>('a Clock', 'now', 'millis'),
  owner: option.text(),
  handlers: z.record(z.string(), option.fn<TaskHandler>()).default({}),
  retry: z.custom<RetryPolicyInput>(() => true).optional(),
  queue: option.text().default('sync.compensation'),
  batchSize: option.positiveInt().default(10),
  timeoutMs: option.positiveInt().default(60_000),
  leaseMs: option.positiveInt().optional(),
  topic: option.text().default('sync.compensation'),
  pollIntervalMs: option.positiveInt().default(1_000),
  sleep: option.fn<NonNullable<TaskWorkerOptions['sleep']>>().optional(),
  onError: option.fn<NonNullable<TaskWorkerOptions['onError']>>().optional(),
  ids: option.fn<IdSource>().optional(),
  outcomeEvents: z.enum(['all', 'failures', 'dead']).default('all'),
});

/** A failure as history keeps it: a stable code when there is one, text without personal data. */
export function describeFailure(error: unknown, at: Instant): TaskAttempt {
  if (isOrdoError(error)) return { at, error: cap(error.message), code: error.code };
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? ((error as { code: string }).code) : undefined;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : `a thrown ${typeof error}`;
  // Foreign text may quote what it was given: quoted values and long digit runs become shapes.
  const masked = maskDriverText(text).replace(/\d{6,}/g, (digits) => '9'.repeat(digits.length));
  return code === undefined ? { at, error: cap(masked) } : { at, error: cap(masked), code };
}

/** An error's `retryAfterMs` (a `Retry-After` the other side sent), for the retry decision. */
function retryAfterOf(error: unknown): { retryAfterMs?: number } {
  const value = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? { retryAfterMs: value } : {};
}

function cap(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/**
 * Creates a compensation scheduler on a task store: work that failed (a push to a WMS that
 * timed out) is retried on a schedule (by default every 15 minutes until 72 hours after the first
 * failure, all on the injected clock) and then dead-lettered with its whole attempt history.
 * Every outcome (complete, reschedule, dead-letter) commits in one unit of work with its outbox
 * event, lease-checked: several workers on PostgreSQL never run one task twice at once, and a
 * worker that dies mid-task loses its lease to the next.
 *
 * @throws ValidationError `INVALID_OPTIONS` with every bad option's path.
 * @example
 * const compensation = createTaskWorker({ storage, clock, owner: `sync-${process.pid}`,
 *   handlers: { 'wms.push': (payload, { signal }) => wms.push(payload, { signal }) } });
 * await compensation.schedule({ kind: 'wms.push', key: `wms:${order.id}`, payload: order, failure: { error } });
 * compensation.start();
 */
export function createTaskWorker(options: TaskWorkerOptions): TaskWorker {
  const parsed = parseOptions('createTaskWorker options', schedulerOptionsSchema, options);
  const { storage, clock, owner, queue, batchSize, timeoutMs, topic, pollIntervalMs, outcomeEvents } = parsed;
  const handlers: Record<string, TaskHandler> = { ...parsed.handlers };
  let policy;
  try {
    policy = compileRetryPolicy(parsed.retry ?? {});
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError('createTaskWorker options', error.issues.map((issue) => ({ ...issue, path: ['retry', ...issue.path] })), { code: 'INVALID_OPTIONS' });
    throw error;
  }
  const leaseMs = parsed.leaseMs ?? timeoutMs + 60_000;
  /** What a kind registered with its own retry policy, time or outcome topic uses instead of the worker's. */
  const perKind = new Map<string, { readonly policy?: ReturnType<typeof compileRetryPolicy>; readonly timeoutMs?: number; readonly topic?: string }>();
  const policyOf = (kind: string | undefined): ReturnType<typeof compileRetryPolicy> => (kind === undefined ? undefined : perKind.get(kind)?.policy) ?? policy;
  if (leaseMs <= timeoutMs) {
    throw new ValidationError('createTaskWorker options', [{ code: 'invalid_value', path: ['leaseMs'], message: 'Expected a lease longer than timeoutMs, or a slow handler loses its task to another worker' }], { code: 'INVALID_OPTIONS' });
  }
  const ids = parsed.ids ?? createUuidSource('task_');
  const sleep = parsed.sleep ?? defaultSleep;
  const onError = parsed.onError ?? ((): void => undefined);

  const event = (task: Task, type: 'succeeded' | 'retry_scheduled' | 'dead_lettered', at: Instant, body: Record<string, JsonValue>): OutboxMessage => ({
    id: `${task.id}:${task.attempts}:${type}`,
    topic: `${perKind.get(payloadOf(task).kind ?? '')?.topic ?? topic}.${type}`,
    key: task.key,
    payload: { taskId: task.id, queue: task.queue, key: task.key, kind: payloadOf(task).kind ?? null, attempt: task.history.length + 1, ...body },
    createdAt: at,
  });

  /** The next occurrence of a recurring task's job, queued in the same unit as its outcome. */
  const nextOccurrence = (task: Task, at: Instant): TaskChange[] => {
    const { recurring, kind, payload } = payloadOf(task);
    if (recurring === undefined || kind === undefined) return [];
    const schedule = defineRecurringSchedule(recurring.schedule);
    // After now as well as after this occurrence: a late run never re-queues one that already ran.
    const after = recurring.occurrence > at ? recurring.occurrence : at;
    return [occurrenceTask(recurring.name, schedule, kind, payload ?? null, schedule.next(after))];
  };

  const occurrenceTask = (name: string, schedule: RecurringSchedule, kind: string, payload: JsonValue, occurrence: Instant): TaskChange => ({
    type: 'enqueue',
    id: ids(),
    task: {
      queue,
      key: `recurring:${name}:${occurrence}`,
      dueAt: occurrence,
      payload: { kind, payload, recurring: { name, schedule: { zone: schedule.zone, time: schedule.time, weekdays: [...schedule.weekdays] }, occurrence } } as unknown as JsonValue,
    },
  });

  /** Runs one task and decides its outcome: the unit that records it, not yet committed. */
  const runTask = async (task: Task): Promise<{ readonly unit: UnitOfWork; readonly kind: Exclude<keyof TaskRound, 'lost'> }> => {
    const stored = payloadOf(task);
    const handler = typeof stored.kind === 'string' && Object.hasOwn(handlers, stored.kind) ? handlers[stored.kind] : undefined;
    const extras: TaskExtras[] = [];
    let outcome: { ok: true; result: JsonValue | undefined } | { ok: false; error: unknown };
    try {
      if (handler === undefined) throw Object.assign(new Error(`no handler for kind ${String(stored.kind)}`), { code: 'UNKNOWN_KIND' });
      if (stored.nonRetryable === true) throw Object.assign(new Error('scheduled with a failure no retry can fix'), { code: 'NON_RETRYABLE' });
      const result = await withTimeout(perKind.get(stored.kind as string)?.timeoutMs ?? timeoutMs, 'the handler', (signal) => {
        const context: TaskContext = {
          signal,
          attempt: task.history.length + 1,
          task,
          ...(stored.recurring === undefined ? {} : { occurrence: stored.recurring.occurrence }),
          alsoCommit: (parts: TaskExtras) => {
            extras.push(parts);
          },
        };
        return handler(stored.payload ?? null, context);
      });
      outcome = { ok: true, result: result ?? undefined };
    } catch (error) {
      outcome = { ok: false, error };
    }

    const at = clock.now();
    let unit: UnitOfWork;
    let kind: keyof TaskRound;
    if (outcome.ok) {
      unit = {
        tasks: [{ type: 'complete', id: task.id, owner }, ...nextOccurrence(task, at)],
        ...(outcomeEvents === 'all' ? { outbox: [event(task, 'succeeded', at, outcome.result === undefined ? {} : { result: outcome.result })] } : {}),
        at,
      };
      kind = 'succeeded';
    } else {
      const failure = describeFailure(outcome.error, at);
      const decision =
        failure.code === 'UNKNOWN_KIND' || failure.code === 'NON_RETRYABLE'
          ? ({ action: 'dead_letter', reason: 'non_retryable' } as const)
          : decideRetry(policyOf(stored.kind), {
              failures: task.history.length + 1,
              firstFailedAt: task.firstFailedAt ?? at,
              failedAt: at,
              seed: task.id,
              ...(failure.code === undefined ? {} : { code: failure.code }),
              ...retryAfterOf(outcome.error),
            });
      const change: TaskChange =
        decision.action === 'retry'
          ? { type: 'fail', id: task.id, owner, error: failure.error, ...(failure.code === undefined ? {} : { code: failure.code }), nextDueAt: decision.nextDueAt }
          : { type: 'deadLetter', id: task.id, owner, error: failure.error, ...(failure.code === undefined ? {} : { code: failure.code }) };
      const body: Record<string, JsonValue> =
        decision.action === 'retry'
          ? { error: failure.error, ...(failure.code === undefined ? {} : { code: failure.code }), nextDueAt: decision.nextDueAt }
          : { error: failure.error, ...(failure.code === undefined ? {} : { code: failure.code }), reason: decision.reason satisfies DeadLetterReason };
      unit = {
        tasks: [change, ...nextOccurrence(task, at)],
        ...(decision.action === 'retry' && outcomeEvents === 'dead' ? {} : { outbox: [event(task, decision.action === 'retry' ? 'retry_scheduled' : 'dead_lettered', at, body)] }),
        at,
      };
      kind = decision.action === 'retry' ? 'retried' : 'deadLettered';
    }
    const quarantine = extras.flatMap((parts) => parts.quarantine ?? []);
    const outbox = extras.flatMap((parts) => parts.outbox ?? []);
    if (quarantine.length > 0) unit = { ...unit, quarantine };
    if (outbox.length > 0) unit = { ...unit, outbox: [...(unit.outbox ?? []), ...outbox] };
    return { unit, kind: kind as Exclude<keyof TaskRound, 'lost'> };
  };

  /** Commits one outcome alone. */
  const commitOne = async (outcome: { readonly unit: UnitOfWork; readonly kind: Exclude<keyof TaskRound, 'lost'> }): Promise<keyof TaskRound> => {
    try {
      await storage.commit(outcome.unit);
      return outcome.kind;
    } catch (error) {
      // Another worker took the task after this one's lease ran out: its outcome is the one that counts.
      if (isUnitOfWorkError(error) && error.code === 'LEASE_LOST') return 'lost';
      throw error;
    }
  };

  /**
   * Commits a round's outcomes as one unit (group commit: one round trip for the round); when that
   * unit fails (one task's lease was lost, one outcome cannot be written), each outcome is committed
   * alone, so one task's problem never fails its neighbours.
   */
  const commitAll = async (outcomes: readonly { readonly unit: UnitOfWork; readonly kind: Exclude<keyof TaskRound, 'lost'> }[]): Promise<{ kinds: (keyof TaskRound)[]; errors: unknown[] }> => {
    if (outcomes.length > 1) {
      const merged: UnitOfWork = {
        tasks: outcomes.flatMap((outcome) => outcome.unit.tasks ?? []),
        outbox: outcomes.flatMap((outcome) => outcome.unit.outbox ?? []),
        quarantine: outcomes.flatMap((outcome) => outcome.unit.quarantine ?? []),
        at: clock.now(),
      };
      try {
        await storage.commit(merged);
        return { kinds: outcomes.map((outcome) => outcome.kind), errors: [] };
      } catch {
        // Fall through: alone, each outcome meets only its own problem.
      }
    }
    const kinds: (keyof TaskRound)[] = [];
    const errors: unknown[] = [];
    for (const outcome of outcomes) {
      try {
        kinds.push(await commitOne(outcome));
      } catch (error) {
        errors.push(error);
      }
    }
    return { kinds, errors };
  };

  const runOnce = async (): Promise<TaskRound> => {
    const now = clock.now();
    const claimed = await storage.tasks.claim({ queue, owner, now, leaseUntil: instantFromMillis(clock.millis() + leaseMs), limit: batchSize });
    const round = { succeeded: 0, retried: 0, deadLettered: 0, lost: 0 };
    const outcomes = await Promise.allSettled(claimed.map(runTask));
    const failures: unknown[] = [];
    const decided: { readonly unit: UnitOfWork; readonly kind: Exclude<keyof TaskRound, 'lost'> }[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') decided.push(outcome.value);
      else failures.push(outcome.reason);
    }
    const committed = await commitAll(decided);
    for (const kind of committed.kinds) round[kind] += 1;
    failures.push(...committed.errors);
    // A commit that failed (database down) leaves its task leased; the lease runs out and it runs again.
    if (failures.length > 0) throw failures[0];
    return round;
  };

  const scheduleChange = (request: CompensationRequest): Extract<TaskChange, { type: 'enqueue' }> => {
    const { kind, key, payload, failure } = (request ?? {}) as Partial<CompensationRequest>;
    const issues = [];
    if (typeof kind !== 'string' || kind === '') issues.push({ code: 'invalid_type', path: ['kind'], message: 'Expected the kind of work (a handler name)' });
    else if (!Object.hasOwn(handlers, kind)) issues.push({ code: 'invalid_value', path: ['kind'], message: `No handler for this kind (handlers: ${Object.keys(handlers).join(', ')})` });
    if (typeof key !== 'string' || key === '') issues.push({ code: 'invalid_type', path: ['key'], message: 'Expected a key (one waiting task per key)' });
    if (payload === undefined) issues.push({ code: 'invalid_type', path: ['payload'], message: 'Expected a JSON payload (null for none)' });
    if (typeof failure !== 'object' || failure === null) issues.push({ code: 'invalid_type', path: ['failure'], message: 'Expected { error, at? }: the failure that needs compensating' });
    if (issues.length > 0) throw new ValidationError('compensation request', issues);
    const at = (failure as { at?: Instant }).at ?? clock.now();
    const first = describeFailure((failure as { error: unknown }).error, at);
    const decision = decideRetry(policyOf(kind as string), { failures: 1, firstFailedAt: at, failedAt: at, seed: key as string, ...(first.code === undefined ? {} : { code: first.code }) });
    // Work that cannot be retried still gets a task, due now: it is dead-lettered on its first claim, so it is reported.
    const dueAt = decision.action === 'retry' ? decision.nextDueAt : at;
    const stored: TaskPayload = decision.action === 'retry' ? { kind: kind as string, payload: payload as JsonValue } : { kind: kind as string, payload: payload as JsonValue, nonRetryable: true };
    return { type: 'enqueue', id: ids(), task: { queue, key: key as string, payload: stored as unknown as JsonValue, dueAt, firstFailedAt: at, history: [first] } };
  };

  const loop = createPollingLoop(
    async () => {
      const round = await runOnce();
      return round.succeeded + round.retried + round.deadLettered + round.lost > 0;
    },
    { pollIntervalMs, sleep, onError },
  );

  const enqueueChange = (request: TaskRequest): Extract<TaskChange, { type: 'enqueue' }> => {
    const { kind, key, payload, dueAt } = (request ?? {}) as Partial<TaskRequest>;
    const issues = [];
    if (typeof kind !== 'string' || !Object.hasOwn(handlers, kind)) issues.push({ code: 'invalid_value', path: ['kind'], message: `Expected the kind of a registered handler (${Object.keys(handlers).join(', ') || 'none registered'})` });
    if (typeof key !== 'string' || key === '') issues.push({ code: 'invalid_type', path: ['key'], message: 'Expected a key (one waiting task per key)' });
    if (payload === undefined) issues.push({ code: 'invalid_type', path: ['payload'], message: 'Expected a JSON payload (null for none)' });
    if (dueAt !== undefined && !isInstant(dueAt)) issues.push({ code: 'invalid_type', path: ['dueAt'], message: 'Expected an instant (clock.now() or later)' });
    if (issues.length > 0) throw new ValidationError('task request', issues);
    const stored: TaskPayload = { kind: kind as string, payload: payload as JsonValue };
    return { type: 'enqueue', id: ids(), task: { queue, key: key as string, payload: stored as unknown as JsonValue, dueAt: dueAt ?? clock.now() } };
  };

  return Object.freeze({
    enqueueChange,
    async enqueue(request: TaskRequest): Promise<{ readonly task: Task; readonly created: boolean }> {
      const change = enqueueChange(request);
      return storage.tasks.enqueue(change.task, change.id, clock.now());
    },
    register(kind: string, handler: TaskHandler, kindOptions: TaskKindOptions = {}): void {
      if (typeof kind !== 'string' || kind === '' || typeof handler !== 'function' || Object.hasOwn(handlers, kind)) {
        throw new ValidationError('createTaskWorker options', [{ code: 'invalid_value', path: ['handlers', String(kind)], message: typeof handler !== 'function' ? 'Expected a handler function' : 'Expected a kind not registered yet (one handler per kind)' }], { code: 'INVALID_OPTIONS' });
      }
      const kindTimeout = kindOptions.timeoutMs;
      if (kindTimeout !== undefined && (!Number.isInteger(kindTimeout) || kindTimeout <= 0 || kindTimeout >= leaseMs)) {
        throw new ValidationError('createTaskWorker options', [{ code: 'invalid_value', path: ['handlers', kind, 'timeoutMs'], message: `Expected a whole number of milliseconds below the worker's lease (${leaseMs})` }], { code: 'INVALID_OPTIONS' });
      }
      let kindPolicy: ReturnType<typeof compileRetryPolicy> | undefined;
      try {
        kindPolicy = kindOptions.retry === undefined ? undefined : compileRetryPolicy(kindOptions.retry);
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError('createTaskWorker options', error.issues.map((issue) => ({ ...issue, path: ['handlers', kind, 'retry', ...issue.path] })), { code: 'INVALID_OPTIONS' });
        throw error;
      }
      perKind.set(kind, { ...(kindPolicy === undefined ? {} : { policy: kindPolicy }), ...(kindTimeout === undefined ? {} : { timeoutMs: kindTimeout }), ...(kindOptions.topic === undefined ? {} : { topic: kindOptions.topic }) });
      handlers[kind] = handler;
    },
    get kinds(): readonly string[] {
      return Object.keys(handlers);
    },
    queue,
    scheduleChange,
    async schedule(request: CompensationRequest): Promise<{ readonly task: Task; readonly created: boolean }> {
      const change = scheduleChange(request);
      return storage.tasks.enqueue(change.task, change.id, clock.now());
    },
    async recurring(job: RecurringJob): Promise<Task> {
      const { name, schedule, kind, payload = null } = (job ?? {}) as Partial<RecurringJob>;
      if (typeof name !== 'string' || name === '' || typeof kind !== 'string' || !Object.hasOwn(handlers, kind)) {
        throw new ValidationError('recurring job', [{ code: 'invalid_value', path: typeof name !== 'string' || name === '' ? ['name'] : ['kind'], message: 'Expected a job name and the kind of a registered handler' }]);
      }
      const checked = typeof (schedule as RecurringSchedule)?.next === 'function' ? (schedule as RecurringSchedule) : defineRecurringSchedule(schedule as RecurringScheduleInput);
      // The key names the occurrence: registering again (a restart, another worker) finds it waiting.
      const change = occurrenceTask(name, checked, kind, payload, checked.next(clock.now())) as Extract<TaskChange, { type: 'enqueue' }>;
      return (await storage.tasks.enqueue(change.task, change.id, clock.now())).task;
    },
    runOnce,
    deadLetters: (list: { readonly limit?: number } = {}) => storage.tasks.list({ queue, status: 'dead', ...(list.limit === undefined ? {} : { limit: list.limit }) }),
    start: () => loop.start(),
    async stop(): Promise<void> {
      await loop.stop();
    },
    get running(): boolean {
      return loop.running;
    },
  });
}

/** @deprecated Renamed {@link createTaskWorker} (0.x); the old name stays until 1.0. */
export const createCompensationScheduler = createTaskWorker;
/** @deprecated Renamed {@link TaskWorker}. */
export type CompensationScheduler = TaskWorker;
/** @deprecated Renamed {@link TaskWorkerOptions}. */
export type CompensationSchedulerOptions = TaskWorkerOptions;
/** @deprecated Renamed {@link TaskHandler}. */
export type CompensationHandler = TaskHandler;
/** @deprecated Renamed {@link TaskContext}. */
export type CompensationContext = TaskContext;
/** @deprecated Renamed {@link TaskExtras}. */
export type CompensationExtras = TaskExtras;
/** @deprecated Renamed {@link TaskRound}. */
export type CompensationRound = TaskRound;
