// The guarded job runner: reads a job's orders, lets the pure core decide, checks the kill switch,
// the blast radius and the canary, then applies each action as its own unit of work with the job
// as actor. Runs are leased in the settings store, so several workers never run one job at once.
import { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import { instantFromMillis, millisBetween, type Instant } from '../clock/instant.js';
import { isConcurrencyError } from '../errors/concurrency-error.js';
import { describeInput } from '../errors/mask.js';
import { option, parseOptions } from '../errors/options.js';
import { isOrdoError, OrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { createUuidSource, type IdSource } from '../ids/id-source.js';
import type { OrderEventBase } from '../orders/order-events.js';
import type { OrderMachine } from '../orders/order-machine-types.js';
import type { Order } from '../orders/order.js';
import { checkBlastRadius, inCanary, isJob, jobEventId, planJobRun, type BlastRadiusBreach, type Job, type JobAction, type JobDecisionFailure } from '../ops/jobs.js';
import type { JsonValue } from '../ports/json.js';
import type { OutboxMessage } from '../ports/outbox-port.js';
import type { Setting } from '../ports/settings-port.js';
import type { StoragePort } from '../ports/storage-port.js';
import { describeDeadline, sameDeadline } from '../clock/deadline.js';
import { describePromotionEnd } from '../ops/promotions.js';
import { applyOrderEvent } from './apply-order-event.js';
import { readPromotion } from './promotions.js';
import type { TaskHandler } from './task-worker.js';
import { retryOnConflict } from './retry-on-conflict.js';

/** The settings key of the kill switch. */
export const KILL_SWITCH_KEY = 'ops:kill-switch';

/** The kill switch as stored. */
export interface KillSwitchState {
  readonly engaged: boolean;
  /** Who changed it last, when and why. */
  readonly by?: string;
  readonly reason?: string;
  readonly at?: Instant;
  /** When it was last engaged (kept when released): a canary acting before this was not clean. */
  readonly lastEngagedAt?: Instant;
}

/** A job's canary as stored: per revision, `waiting` until confirmed or clean long enough. */
export interface CanaryState {
  readonly revision: string;
  readonly stage: 'waiting' | 'promoted';
  /** When the canary first acted. */
  readonly startedAt?: Instant;
  readonly actedOn: number;
  /** Canary actions that failed; a clean interval needs none. */
  readonly failures: number;
  readonly promotedAt?: Instant;
  readonly promotedBy?: string;
}

/**
 * A guarded job's plan gate, per revision: its dry run recorded (what it would do, a sample of
 * order ids), waiting until someone confirms it.
 */
export interface PlanGateState {
  readonly revision: string;
  readonly stage: 'awaiting_confirmation' | 'confirmed';
  readonly runId: string;
  readonly at: Instant;
  readonly planned: number;
  readonly examined: number;
  readonly sample: readonly string[];
  readonly breach?: BlastRadiusBreach;
  readonly confirmedBy?: string;
  readonly confirmedAt?: Instant;
}

/** A job stopped by its blast radius, as stored: it stays stopped for this revision until someone resets it. */
export interface BreakerState {
  readonly revision: string;
  readonly tripped: boolean;
  readonly at: Instant;
  readonly breach?: BlastRadiusBreach;
  readonly resetBy?: string;
  readonly reason?: string;
}

/** How a run ended. */
export type JobRunOutcome =
  /** Acted on every planned order it could (see `acted`, `skipped`, `failed`). */
  | 'acted'
  /** Nothing was due. */
  | 'nothing_to_do'
  /** A dry run: `planned` is what a real run would do now. */
  | 'dry_run'
  /** The kill switch is engaged: nothing was done. */
  | 'killed'
  /** Stopped by the kill switch part way: `acted` lists what was done before. */
  | 'killed_during_run'
  /**
   * Over the blast-radius limit (now, or in an earlier run of this revision): nothing was done;
   * the first time, an alert was raised. Reset with `resetBreaker` or change the revision.
   */
  | 'blocked'
  /** Another worker holds the job's lease. */
  | 'busy'
  /** The canary acted (or had nothing to act on) and waits for confirmation or a clean interval. */
  | 'canary'
  /**
   * A guarded (destructive) job's revision ran dry, as its first runs do: its plan is recorded and
   * waits for `confirmPlan`; nothing was done.
   */
  | 'awaiting_confirmation'
  /** The job's deadline (its promotion's stored end) has not come: nothing was read or done. */
  | 'before_deadline'
  /** The record the job's deadline belongs to is not stored: nothing was done (save the promotion first). */
  | 'no_deadline';

/** What one run did, or would do. */
export interface JobRunReport {
  readonly jobId: string;
  readonly runId: string;
  readonly at: Instant;
  readonly dryRun: boolean;
  readonly outcome: JobRunOutcome;
  /** Orders the job examined (in its statuses, matched). */
  readonly examined: number;
  /** Every action the job decided on, before the canary narrowed it. */
  readonly planned: readonly JobAction[];
  /** Orders acted on. */
  readonly acted: readonly string[];
  /** Orders planned but left alone: no longer due when re-read, not in the canary, or already done. */
  readonly skipped: readonly { readonly orderId: string; readonly reason: string }[];
  /** Orders whose action failed (refused by the state machine, decide threw); the run went on. */
  readonly failed: readonly JobDecisionFailure[];
  readonly blastRadius?: BlastRadiusBreach;
  readonly canary?: CanaryState;
  /** More orders were in a status than `scanLimit`: the oldest were examined. */
  readonly truncated: boolean;
  /** The deadline the run waited for (its promotion's stored end), when the job has one. */
  readonly deadline?: Instant;
}

/** Options of {@link createJobRunner}. */
export interface JobRunnerOptions<S extends string, E extends OrderEventBase<string>> {
  readonly storage: StoragePort;
  /** The only source of "now": due times, deadlines, leases. */
  readonly clock: Clock;
  /** The state machine the actions go through, so guards and effects (released stock, events) apply. */
  readonly machine: OrderMachine<S, E>;
  /** A stable id per worker process; job leases are held in its name. */
  readonly owner: string;
  /** Jobs from `defineJob`, `autoCancelUnpaidJob`, `promotionExpiryJob`. */
  readonly jobs: readonly Job[];
  /** A run holds its job this long; a crashed worker's job is free again after it. @default 300000 */
  readonly leaseMs?: number;
  /** At most this many orders read per status and run. @default 100000 */
  readonly scanLimit?: number;
  /** The outbox topic prefix of alerts and switch events. @default 'ops' */
  readonly topic?: string;
  /** Run and event ids. @default random UUIDs */
  readonly ids?: IdSource;
}

/** A job runner; see {@link createJobRunner}. */
export interface JobRunner {
  /**
   * Checks every job with a deadline against its stored record, as a run would: a job configured
   * with another end than its promotion's, or whose promotion is not stored, is refused with
   * every problem at once. Call it when a worker starts.
   * @throws ValidationError `INVALID_OPTIONS`.
   */
  verify(): Promise<void>;
  /** Runs a job now: a dry run reports and writes nothing. */
  run(jobId: string, options?: { readonly dryRun?: boolean }): Promise<JobRunReport>;
  /** Engages the kill switch: every run after it (and every run in progress, at its next check) acts on nothing. Persists across restarts. */
  engageKillSwitch(change: { readonly by: string; readonly reason: string }): Promise<KillSwitchState>;
  releaseKillSwitch(change: { readonly by: string; readonly reason: string }): Promise<KillSwitchState>;
  killSwitch(): Promise<KillSwitchState>;
  /**
   * Confirms a guarded job's recorded dry run for its revision: the next runs act (on the canary
   * first). Refused before a dry run was recorded.
   */
  confirmPlan(jobId: string, change: { readonly by: string }): Promise<PlanGateState>;
  /** A guarded job's plan gate for its revision, or null (no dry run yet, or not guarded). */
  plan(jobId: string): Promise<PlanGateState | null>;
  /** Promotes a waiting canary: the next run acts on every order. */
  confirmCanary(jobId: string, change: { readonly by: string }): Promise<CanaryState>;
  canary(jobId: string): Promise<CanaryState | null>;
  /** Lets a job stopped by its blast radius run again (after its configuration was checked). */
  resetBreaker(jobId: string, change: { readonly by: string; readonly reason: string }): Promise<BreakerState | null>;
  breaker(jobId: string): Promise<BreakerState | null>;
  /** A compensation-scheduler handler (payload `{ job, dryRun? }`) for running jobs on recurring schedules. */
  readonly handler: TaskHandler;
  readonly jobs: readonly Job[];
}

const optionsSchema = z.strictObject({
  storage: option.withMethods<StoragePort>('a StoragePort', 'commit', 'orders.get', 'orders.listByStatus', 'settings.get', 'settings.put'),
  clock: option.withMethods<Clock>('a Clock', 'now'),
  machine: option.withMethods<OrderMachine<string, OrderEventBase<string>>>('an order machine from createOrderMachine', 'transition'),
  owner: option.text(),
  jobs: z.array(z.custom<Job>(isJob, 'Expected a job from defineJob')).min(1),
  leaseMs: option.positiveInt().default(300_000),
  scanLimit: option.positiveInt().default(100_000),
  topic: option.text().default('ops'),
  ids: option.fn<IdSource>().optional(),
});

/** An operator's words with long digit runs (a phone, an ID number typed in) shown by their shape. */
function maskDigitRuns(text: string): string {
  return text.replace(/\d[\d\s-]{5,}\d/g, (run) => describeInput(run));
}

/** Checks an operator's change: who makes it and, where asked, why. */
function requireChange(subject: string, change: { readonly by?: unknown; readonly reason?: unknown } | undefined, needsReason: boolean): void {
  const path = typeof change?.by !== 'string' || change.by === '' ? ['by'] : needsReason && (typeof change.reason !== 'string' || change.reason === '') ? ['reason'] : undefined;
  if (path !== undefined) throw new ValidationError(subject, [{ code: 'invalid_value', path, message: `Expected who makes the change${needsReason ? ' and why' : ''}` }]);
}

const leaseKey = (jobId: string): string => `ops:job:${jobId}:lease`;
const breakerKey = (jobId: string): string => `ops:job:${jobId}:breaker`;
const canaryKey = (jobId: string): string => `ops:job:${jobId}:canary`;
const planKey = (jobId: string): string => `ops:job:${jobId}:plan`;
const unguardedKey = (jobId: string): string => `ops:job:${jobId}:unguarded`;

interface LeaseValue {
  readonly owner: string | null;
  readonly until: Instant | null;
  readonly runId: string | null;
}

/**
 * Creates a job runner. A live run: refuses while the kill switch is engaged; takes the job's
 * lease; reads the orders in the job's statuses; decides purely; stops with an alert (outbox
 * `<topic>.job.blocked`) and acts on none when the plan crosses the blast radius; acts only on
 * the canary's orders until the canary is promoted; then applies each action through the state
 * machine as its own unit of work, with actor `job:<id>` and the decision's reason in history,
 * after re-reading the order and deciding again (an order paid in the meantime is left alone).
 *
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function createJobRunner<S extends string, E extends OrderEventBase<string>>(options: JobRunnerOptions<S, E>): JobRunner {
  const parsed = parseOptions('createJobRunner options', optionsSchema, options);
  const { storage, clock, owner, leaseMs, scanLimit, topic } = parsed;
  const machine = parsed.machine as unknown as OrderMachine<string, OrderEventBase<string>>;
  const ids = parsed.ids ?? createUuidSource();
  const jobs = new Map<string, Job>();
  const known = Object.keys(machine.statuses);
  const problems: ValidationIssue[] = [];
  parsed.jobs.forEach((job, index) => {
    if (jobs.has(job.id)) problems.push({ code: 'invalid_value', path: ['jobs', index, 'id'], message: `Job ids must differ: ${job.id} is given twice` });
    jobs.set(job.id, job);
    // A status the machine does not have is one the job would wait on forever, or count wrong.
    job.statuses.forEach((status, i) => {
      if (!known.includes(status)) problems.push({ code: 'unknown_status', path: ['jobs', index, 'statuses', i], message: `Job ${job.id} examines status "${status}", which the machine does not have (it has ${known.join(', ')})` });
    });
  });
  if (problems.length > 0) throw new ValidationError('createJobRunner options', problems, { code: 'INVALID_OPTIONS' });

  const jobOf = (jobId: string): Job => {
    const job = typeof jobId === 'string' ? jobs.get(jobId) : undefined;
    if (job === undefined) throw new ValidationError('job id', [{ code: 'invalid_value', path: ['jobId'], message: `Expected one of ${[...jobs.keys()].join(', ')}` }]);
    return job;
  };
  const event = (name: string, key: string, payload: JsonValue, at: Instant): OutboxMessage => ({ id: ids(), topic: `${topic}.${name}`, key, payload, createdAt: at });

  const readKillSwitch = async (): Promise<{ state: KillSwitchState; setting: Setting | null }> => {
    const setting = await storage.settings.get(KILL_SWITCH_KEY);
    return { state: setting === null ? { engaged: false } : (setting.value as unknown as KillSwitchState), setting };
  };

  /** Writes a setting over the version read, with its outbox event, in one unit. */
  const commitSetting = (key: string, read: Setting | null, value: object, by: string, at: Instant, eventName: string, eventKey: string, payload: object = value): Promise<void> =>
    storage.commit({
      at,
      settings: [{ type: 'put', key, value: value as JsonValue, expectedVersion: read?.version ?? null, by }],
      outbox: [event(eventName, eventKey, payload as JsonValue, at)],
    });

  const switchKillSwitch = async (engaged: boolean, change: { readonly by: string; readonly reason: string }): Promise<KillSwitchState> => {
    requireChange('kill switch change', change, true);
    return retryOnConflict(
      async () => {
        const { state, setting } = await readKillSwitch();
        const at = clock.now();
        const lastEngagedAt = engaged ? at : state.lastEngagedAt;
        const next: KillSwitchState = { engaged, by: change.by, reason: maskDigitRuns(change.reason), at, ...(lastEngagedAt === undefined ? {} : { lastEngagedAt }) };
        await commitSetting(KILL_SWITCH_KEY, setting, next, change.by, at, engaged ? 'kill_switch.engaged' : 'kill_switch.released', KILL_SWITCH_KEY);
        return next;
      },
      { retries: 5 },
    );
  };

  /** A job's setting as stored for its current revision (one of an earlier revision no longer applies: null). */
  const readForRevision = async <T extends { readonly revision: string }>(key: string, job: Job, revision = job.revision): Promise<{ state: T | null; setting: Setting | null }> => {
    const setting = await storage.settings.get(key);
    const stored = setting?.value as unknown as T | undefined;
    return { state: stored !== undefined && stored.revision === revision ? stored : null, setting };
  };

  /**
   * The revision a guarded job's plan is confirmed for: the job's, and the stored deadline it
   * waits for, so a promotion whose end was moved needs its plan confirmed again.
   */
  const planRevision = (job: Job, deadline: Instant | null | undefined): string => (deadline === undefined || deadline === null ? job.revision : `${job.revision}@${deadline}`);

  /** The job's canary: a new revision's starts waiting. */
  const readCanary = async (job: Job): Promise<{ state: CanaryState; setting: Setting | null }> => {
    const { state, setting } = await readForRevision<CanaryState>(canaryKey(job.id), job);
    return { state: state ?? { revision: job.revision, stage: 'waiting', actedOn: 0, failures: 0 }, setting };
  };

  /** The job's breaker for its current revision (a breaker of an earlier revision is no longer tripped). */
  const readBreaker = (job: Job): Promise<{ state: BreakerState | null; setting: Setting | null }> => readForRevision<BreakerState>(breakerKey(job.id), job);

  /** A waiting canary that may be promoted now: clean for `promoteAfter` since it acted. */
  const cleanLongEnough = (job: Job, state: CanaryState, killSwitch: KillSwitchState, at: Instant): boolean => {
    const after = job.canary?.promoteAfterMs;
    if (after === undefined || state.startedAt === undefined || state.failures > 0) return false;
    if (killSwitch.lastEngagedAt !== undefined && killSwitch.lastEngagedAt >= state.startedAt) return false;
    return millisBetween(state.startedAt, at) >= after;
  };

  /** Records a guarded job's dry run for its revision: what it would do, waiting for someone to confirm it. */
  const recordPlan = async (job: Job, revision: string, gate: { state: PlanGateState | null; setting: Setting | null }, plan: Omit<PlanGateState, 'revision' | 'stage'>): Promise<void> => {
    const next: PlanGateState = { revision, stage: 'awaiting_confirmation', ...plan };
    try {
      await commitSetting(planKey(job.id), gate.setting, next, `job:${job.id}`, plan.at, 'job.plan_recorded', job.id, { jobId: job.id, ...next });
    } catch (error) {
      // Another worker recorded its dry run meanwhile: one recorded plan is enough.
      if (!isConcurrencyError(error)) throw error;
    }
  };

  /** A destructive job run without its guards is recorded once per revision, with who decided it and why. */
  const recordUnguarded = async (job: Job, at: Instant): Promise<void> => {
    const read = await readForRevision<{ revision: string }>(unguardedKey(job.id), job);
    if (read.state !== null || job.unguarded === undefined) return;
    const value = { revision: job.revision, by: job.unguarded.by, reason: maskDigitRuns(job.unguarded.reason), at };
    try {
      await commitSetting(unguardedKey(job.id), read.setting, value, job.unguarded.by, at, 'job.unguarded', job.id, { jobId: job.id, ...value });
    } catch (error) {
      if (!isConcurrencyError(error)) throw error;
    }
  };

  /** Takes the job's lease, or answers null when another worker holds it. */
  const takeLease = async (job: Job, runId: string, at: Instant): Promise<Setting | null> => {
    const setting = await storage.settings.get(leaseKey(job.id));
    const lease = setting?.value as unknown as LeaseValue | undefined;
    if (lease?.owner !== undefined && lease.owner !== null && lease.until !== null && lease.until > at) return null;
    const until = instantFromMillis(Date.parse(at) + leaseMs);
    try {
      return await storage.settings.put(leaseKey(job.id), { owner, until, runId }, { expectedVersion: setting?.version ?? null, by: owner, at });
    } catch (error) {
      if (isConcurrencyError(error)) return null;
      throw error;
    }
  };

  const releaseLease = async (job: Job, lease: Setting): Promise<void> => {
    try {
      await storage.settings.put(leaseKey(job.id), { owner: null, until: null, runId: null }, { expectedVersion: lease.version, by: owner, at: clock.now() });
    } catch (error) {
      // The lease ran out and another worker took it: that worker's lease stands.
      if (!isConcurrencyError(error)) throw error;
    }
  };

  /**
   * The stored deadline a job waits for. A job whose configuration names another end (the wrong
   * zone, the wrong wall time) is a definition error: it never acts, whatever its schedule.
   */
  const readDeadline = async (job: Job): Promise<Instant | null | undefined> => {
    if (job.deadline === undefined) return undefined;
    const promotion = await readPromotion(storage, job.deadline.promotion);
    if (promotion === null) return null;
    const expected = job.deadline.expected;
    if (expected !== undefined && !sameDeadline(expected, promotion.endsAt)) {
      throw new ValidationError(
        `job ${job.id}`,
        [
          {
            code: 'deadline_mismatch',
            path: ['deadline', 'endsAt'],
            message: `Job ${job.id} is configured for promotion ${promotion.id} ending ${describeDeadline(expected)}, but the promotion is stored ending ${describePromotionEnd(promotion)}: the zone of a deadline belongs to the promotion; leave endsAt out of the job`,
          },
        ],
        { code: 'INVALID_OPTIONS' },
      );
    }
    return promotion.endsAt.instant;
  };

  const readCandidates = async (job: Job): Promise<{ orders: Order<string>[]; truncated: boolean }> => {
    const orders: Order<string>[] = [];
    let truncated = false;
    for (const status of job.statuses) {
      const found = await storage.orders.listByStatus(status, { limit: scanLimit + 1 });
      if (found.length > scanLimit) {
        truncated = true;
        found.length = scanLimit;
      }
      orders.push(...found);
    }
    return { orders, truncated };
  };

  type ActOutcome = { kind: 'acted' } | { kind: 'skipped'; reason: string } | { kind: 'failed'; error: string };

  /** Re-reads the order, decides again, and applies the action as one unit; a lost race reads and decides again. */
  const act = async (job: Job, action: JobAction, deadline: Instant | undefined): Promise<ActOutcome> => {
    const attempt = async (): Promise<ActOutcome> => {
      const fresh = await storage.orders.get(action.orderId);
      if (fresh === null) return { kind: 'skipped', reason: 'the order is gone' };
      const again = planJobRun(job, [fresh], clock.now(), { deadline });
      const decided = again.actions[0];
      if (decided === undefined) return again.failures[0] === undefined ? { kind: 'skipped', reason: `no longer due (now ${fresh.status})` } : { kind: 'failed', error: again.failures[0].error };
      const orderEvent = { ...decided.event, id: jobEventId(job, decided), actor: `job:${job.id}`, reason: decided.reason } as OrderEventBase<string>;
      // No retry inside: a conflict must read and decide again, not re-apply the same event.
      const result = await applyOrderEvent({ storage, machine, clock }, fresh.id, orderEvent, { current: fresh, retries: 0, actor: `job:${job.id}` });
      if (result === null) return { kind: 'skipped', reason: 'the order is gone' };
      if (!result.ok) return { kind: 'failed', error: `${result.error.code}: ${result.error.message}` };
      return result.value.duplicate ? { kind: 'skipped', reason: 'already done by an earlier run' } : { kind: 'acted' };
    };
    try {
      return await retryOnConflict(attempt, { retries: 5 });
    } catch (error) {
      // One order's failure is that order's; storage being down ends the run.
      if (isOrdoError(error) && error.code !== 'STORAGE_FAILURE' && error.code !== 'STORAGE_UNAVAILABLE') return { kind: 'failed', error: `${error.code}: ${error.message}` };
      throw error;
    }
  };

  const run = async (jobId: string, runOptions: { readonly dryRun?: boolean } = {}): Promise<JobRunReport> => {
    const job = jobOf(jobId);
    if (runOptions?.dryRun !== undefined && typeof runOptions.dryRun !== 'boolean') {
      throw new ValidationError('job run options', [{ code: 'invalid_type', path: ['dryRun'], message: 'Expected true or false' }]);
    }
    const runId = ids();
    const at = clock.now();
    const stored = await readDeadline(job);
    // A guarded job's revision runs dry until its plan is confirmed: the first run is a dry run.
    const revision = planRevision(job, stored);
    const gate = job.guarded ? await readForRevision<PlanGateState>(planKey(job.id), job, revision) : undefined;
    const awaitingConfirmation = gate !== undefined && gate.state?.stage !== 'confirmed';
    const dryRun = runOptions?.dryRun === true || awaitingConfirmation;
    const base = { jobId: job.id, runId, at, dryRun };
    const empty = { examined: 0, planned: [], acted: [], skipped: [], failed: [], truncated: false };
    if (stored === null) return { ...base, ...empty, outcome: 'no_deadline' };
    const deadline = stored;
    const killSwitch = (await readKillSwitch()).state;
    if (killSwitch.engaged && !dryRun) return { ...base, ...empty, outcome: 'killed' };
    // Never before the record's deadline, whatever the schedule: nothing is read, nothing is done.
    if (deadline !== undefined && at < deadline) return { ...base, ...empty, deadline, outcome: 'before_deadline' };

    const lease = dryRun ? null : await takeLease(job, runId, at);
    if (!dryRun && lease === null) return { ...base, ...empty, outcome: 'busy' };
    try {
      const { orders, truncated } = await readCandidates(job);
      const plan = planJobRun(job, orders, at, { deadline });
      const breach = checkBlastRadius(job, plan);
      const report = { ...base, examined: plan.examined, planned: plan.actions, failed: plan.failures, truncated, ...(deadline === undefined ? {} : { deadline }) };
      const breaker = await readBreaker(job);
      const canaryRead = job.canary === undefined ? undefined : await readCanary(job);
      let canary = canaryRead?.state;
      if (canary !== undefined && canary.stage === 'waiting' && cleanLongEnough(job, canary, killSwitch, at)) {
        canary = { ...canary, stage: 'promoted', promotedAt: at, promotedBy: 'clean interval' };
      }
      const waiting = canary !== undefined && canary.stage === 'waiting';
      const chosen = waiting ? plan.actions.filter((action) => inCanary(job, action.orderId)) : plan.actions;
      const outside = waiting ? plan.actions.filter((action) => !inCanary(job, action.orderId)).map((action) => ({ orderId: action.orderId, reason: 'outside the canary' })) : [];
      const withCanary = canary === undefined ? {} : { canary };

      if (dryRun) {
        if (awaitingConfirmation) await recordPlan(job, revision, gate, { runId, at, planned: plan.actions.length, examined: plan.examined, sample: plan.actions.slice(0, 20).map((action) => action.orderId), ...(breach === undefined ? {} : { breach }) });
        const outcome: JobRunOutcome = runOptions?.dryRun === true ? 'dry_run' : 'awaiting_confirmation';
        return { ...report, ...withCanary, ...(breach === undefined ? {} : { blastRadius: breach }), outcome, acted: [], skipped: outside };
      }
      if (job.unguarded !== undefined) await recordUnguarded(job, at);
      if (breaker.state?.tripped === true) {
        return { ...report, ...withCanary, ...(breaker.state.breach === undefined ? {} : { blastRadius: breaker.state.breach }), outcome: 'blocked', acted: [], skipped: [] };
      }
      if (breach !== undefined) {
        const tripped: BreakerState = { revision: job.revision, tripped: true, at, breach };
        const sample = plan.actions.slice(0, 20).map((action) => action.orderId);
        await commitSetting(breakerKey(job.id), breaker.setting, tripped, `job:${job.id}`, at, 'job.blocked', job.id, { jobId: job.id, runId, revision: job.revision, ...breach, sample });
        return { ...report, ...withCanary, blastRadius: breach, outcome: 'blocked', acted: [], skipped: [] };
      }

      const acted: string[] = [];
      const skipped = [...outside];
      const failed = [...plan.failures];
      let stoppedByKillSwitch = false;
      for (const action of chosen) {
        // Read before every action: an operator who engages the switch stops the very next one.
        if ((await readKillSwitch()).state.engaged) {
          stoppedByKillSwitch = true;
          break;
        }
        const outcome = await act(job, action, deadline);
        if (outcome.kind === 'acted') acted.push(action.orderId);
        else if (outcome.kind === 'skipped') skipped.push({ orderId: action.orderId, reason: outcome.reason });
        else failed.push({ orderId: action.orderId, error: outcome.error });
      }
      if (canaryRead !== undefined && canary !== undefined) {
        const canaryFailures = waiting ? failed.filter((failure) => inCanary(job, failure.orderId)).length : 0;
        const next: CanaryState = waiting
          ? { ...canary, ...(canary.startedAt === undefined && acted.length > 0 ? { startedAt: at } : {}), actedOn: canary.actedOn + acted.length, failures: canary.failures + canaryFailures }
          : canary;
        if (JSON.stringify(next) !== JSON.stringify(canaryRead.state) || canaryRead.setting === null) {
          await storage.settings.put(canaryKey(job.id), next as unknown as JsonValue, { expectedVersion: canaryRead.setting?.version ?? null, by: `job:${job.id}`, at: clock.now() });
        }
        canary = next;
      }
      const outcome: JobRunOutcome = stoppedByKillSwitch ? 'killed_during_run' : waiting ? 'canary' : plan.actions.length === 0 ? 'nothing_to_do' : 'acted';
      return { ...report, ...(canary === undefined ? {} : { canary }), outcome, acted, skipped, failed };
    } finally {
      if (lease !== null) await releaseLease(job, lease);
    }
  };

  const verify = async (): Promise<void> => {
    const issues: ValidationIssue[] = [];
    for (const job of jobs.values()) {
      try {
        if ((await readDeadline(job)) === null) issues.push({ code: 'no_deadline', path: [job.id, 'deadline'], message: `Job ${job.id} waits for promotion ${job.deadline?.promotion}, which is not stored: savePromotion it first` });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        issues.push(...error.issues.map((issue) => ({ ...issue, path: [job.id, ...issue.path] })));
      }
    }
    if (issues.length > 0) throw new ValidationError('job runner', issues, { code: 'INVALID_OPTIONS' });
  };

  const runner: JobRunner = {
    jobs: [...jobs.values()],
    verify,
    run,
    engageKillSwitch: (change) => switchKillSwitch(true, change),
    releaseKillSwitch: (change) => switchKillSwitch(false, change),
    killSwitch: async () => (await readKillSwitch()).state,
    async confirmPlan(jobId, change) {
      const job = jobOf(jobId);
      requireChange('plan confirmation', change, false);
      if (!job.guarded) throw new OrdoError('INVALID_OPTIONS', `Job ${job.id} is not guarded: it has no plan to confirm`);
      const revision = planRevision(job, await readDeadline(job));
      return retryOnConflict(
        async () => {
          const { state, setting } = await readForRevision<PlanGateState>(planKey(job.id), job, revision);
          if (state === null) throw new OrdoError('INVALID_OPTIONS', `Job ${job.id} (revision ${revision}) has no recorded dry run: run it first, read its plan, then confirm`);
          if (state.stage === 'confirmed') return state;
          const at = clock.now();
          const next: PlanGateState = { ...state, stage: 'confirmed', confirmedBy: change.by, confirmedAt: at };
          await commitSetting(planKey(job.id), setting, next, change.by, at, 'job.plan_confirmed', job.id, { jobId: job.id, ...next });
          return next;
        },
        { retries: 5 },
      );
    },
    async plan(jobId) {
      const job = jobOf(jobId);
      if (!job.guarded) return null;
      return (await readForRevision<PlanGateState>(planKey(job.id), job, planRevision(job, await readDeadline(job)))).state;
    },
    async confirmCanary(jobId, change) {
      const job = jobOf(jobId);
      if (job.canary === undefined) throw new OrdoError('INVALID_OPTIONS', `Job ${job.id} has no canary to confirm`);
      requireChange('canary confirmation', change, false);
      return retryOnConflict(
        async () => {
          const { state, setting } = await readCanary(job);
          if (state.stage === 'promoted') return state;
          const at = clock.now();
          const next: CanaryState = { ...state, stage: 'promoted', promotedAt: at, promotedBy: change.by };
          await commitSetting(canaryKey(job.id), setting, next, change.by, at, 'job.canary_promoted', job.id, { jobId: job.id, ...next });
          return next;
        },
        { retries: 5 },
      );
    },
    async breaker(jobId) {
      return (await readBreaker(jobOf(jobId))).state;
    },
    async resetBreaker(jobId, change) {
      const job = jobOf(jobId);
      requireChange('breaker reset', change, true);
      return retryOnConflict(
        async () => {
          const { state, setting } = await readBreaker(job);
          if (state === null || !state.tripped || setting === null) return state;
          const at = clock.now();
          const next: BreakerState = { ...state, tripped: false, at, resetBy: change.by, reason: maskDigitRuns(change.reason) };
          await commitSetting(breakerKey(job.id), setting, next, change.by, at, 'job.breaker_reset', job.id, { jobId: job.id, ...next });
          return next;
        },
        { retries: 5 },
      );
    },
    async canary(jobId) {
      const job = jobOf(jobId);
      if (job.canary === undefined) return null;
      return (await readCanary(job)).state;
    },
    handler: async (payload) => {
      const request = payload as { job?: unknown; dryRun?: unknown } | null;
      if (typeof request?.job !== 'string') throw new ValidationError('job task payload', [{ code: 'invalid_type', path: ['job'], message: 'Expected { job: "<job id>", dryRun? }' }]);
      const report = await run(request.job, { dryRun: request.dryRun === true });
      return { jobId: report.jobId, runId: report.runId, outcome: report.outcome, examined: report.examined, planned: report.planned.length, acted: report.acted.length, failed: report.failed.length };
    },
  };
  return Object.freeze(runner);
}
