// The live board's data: a metrics snapshot from storage, the kill switch and each job's breaker
// and canary, the latest dead letters and the alerts the caller keeps, as one JSON-safe object.
import { isValidationError } from '../errors/validation-error.js';
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { DurationInput } from '../clock/instant.js';
import { option, parseOptions } from '../errors/options.js';
import type { Sla } from '../ops/order-metrics.js';
import type { OpsAlert, OpsDeadLetter, OpsJobState, OpsSnapshot, OpsSnapshotSource } from '../ports/ops-board-port.js';
import type { StoragePort } from '../ports/storage-port.js';
import type { JobRunner } from './job-runner.js';
import { collectStoredMetrics } from './stored-metrics.js';

/** Options of {@link createOpsSnapshotSource}. */
export interface OpsSnapshotSourceOptions {
  readonly storage: StoragePort;
  readonly clock: Clock;
  /** SLAs from `compileSlas`. @default [] */
  readonly slas?: readonly Sla[];
  /** Shows the kill switch and each job's breaker and canary. */
  readonly runner?: JobRunner;
  /** Alerts you keep (a diff monitor's `onAlert`, your own), newest first or in any order. */
  readonly alerts?: () => readonly OpsAlert[] | Promise<readonly OpsAlert[]>;
  /** Stage timings and throughput cover this long. @default { hours: 24 } */
  readonly window?: DurationInput;
  /** Throughput interval. @default { hours: 1 } */
  readonly bucket?: DurationInput;
  /** Overdue orders listed (all are counted). @default 50 */
  readonly overdueLimit?: number;
  /** Dead letters listed. @default 20 */
  readonly deadLetterLimit?: number;
  /** @default the default lifecycle's terminal statuses */
  readonly closedStatuses?: readonly string[];
}

const optionsSchema = z.strictObject({
  storage: option.withMethods<StoragePort>('a StoragePort', 'orders.countByStatus', 'orders.measure', 'orders.countTransitions', 'tasks.list'),
  clock: option.withMethods<Clock>('a Clock', 'now'),
  slas: z.array(z.custom<Sla>((value) => typeof (value as Partial<Sla> | null)?.withinMs === 'number', 'Expected an SLA from compileSlas')).default([]),
  runner: option.withMethods<JobRunner>('a job runner from createJobRunner', 'killSwitch', 'breaker', 'canary', 'plan').optional(),
  alerts: option.fn<NonNullable<OpsSnapshotSourceOptions['alerts']>>().optional(),
  window: z.custom<DurationInput>((value) => value !== undefined).default({ hours: 24 }),
  bucket: z.custom<DurationInput>((value) => value !== undefined).default({ hours: 1 }),
  overdueLimit: option.nonNegativeInt().default(50),
  deadLetterLimit: option.nonNegativeInt().max(1000).default(20),
  closedStatuses: z.array(z.string()).optional(),
});

/**
 * Creates the board's snapshot source. Each snapshot reads counts, open orders' measures and one
 * aggregate of the window's history (never whole orders), the job runner's state and the latest
 * dead letters.
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function createOpsSnapshotSource(options: OpsSnapshotSourceOptions): OpsSnapshotSource {
  const parsed = parseOptions('createOpsSnapshotSource options', optionsSchema, options);
  const { storage, clock, slas, runner } = parsed;
  return {
    async snapshot(): Promise<OpsSnapshot> {
      const at = clock.now();
      const metrics = await collectStoredMetrics({
        orders: storage.orders,
        slas,
        at,
        window: parsed.window,
        bucket: parsed.bucket,
        overdueLimit: parsed.overdueLimit,
        ...(parsed.closedStatuses === undefined ? {} : { closedStatuses: parsed.closedStatuses }),
      });
      const jobs: OpsJobState[] = [];
      let killSwitch: OpsSnapshot['killSwitch'] = null;
      if (runner !== undefined) {
        const state = await runner.killSwitch();
        killSwitch = { engaged: state.engaged, ...(state.by === undefined ? {} : { by: state.by }), ...(state.reason === undefined ? {} : { reason: state.reason }), ...(state.at === undefined ? {} : { at: state.at }) };
        for (const job of runner.jobs) {
          const breaker = await runner.breaker(job.id);
          const canary = job.canary === undefined ? null : await runner.canary(job.id);
          // A job whose deadline disagrees with its record is shown as such; the board itself stays up.
          const plan = job.guarded ? await runner.plan(job.id).then((state) => state?.stage ?? 'needs_dry_run', (error: unknown) => (isValidationError(error) ? ('misconfigured' as const) : Promise.reject(error))) : undefined;
          jobs.push({ id: job.id, description: job.description, breaker: breaker?.tripped === true ? 'tripped' : 'ok', ...(canary === null ? {} : { canary: canary.stage }), ...(plan === undefined ? {} : { plan }) });
        }
      }
      const dead = parsed.deadLetterLimit === 0 ? [] : await storage.tasks.list({ status: 'dead', limit: 1000 });
      const deadLetters: OpsDeadLetter[] = dead
        .sort((a, b) => (a.updatedAt > b.updatedAt ? -1 : a.updatedAt < b.updatedAt ? 1 : 0))
        .slice(0, parsed.deadLetterLimit)
        .map((task) => ({ id: task.id, queue: task.queue, key: task.key, attempts: task.attempts, ...(task.lastError === undefined ? {} : { lastError: task.lastError }), updatedAt: task.updatedAt }));
      const given = parsed.alerts === undefined ? [] : await parsed.alerts();
      const alerts = [...(Array.isArray(given) ? given : [])]
        .filter((alert) => typeof alert?.at === 'string' && typeof alert.message === 'string')
        .sort((a, b) => (a.at > b.at ? -1 : a.at < b.at ? 1 : 0))
        .slice(0, 50);
      for (const job of jobs) if (job.breaker === 'tripped') alerts.unshift({ at, kind: 'job.blocked', message: `Job ${job.id} is stopped by its blast-radius limit until someone resets it`, severity: 'critical' });
      return { at, metrics, killSwitch, jobs, deadLetters, alerts };
    },
  };
}
