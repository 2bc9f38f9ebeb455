// Guarded jobs, pure: what a job would do to the orders it sees, decided at an instant the caller
// gives, and the checks that stop it (blast radius) or narrow it (canary) before anything is done.
import { createBusinessCalendar, type BusinessCalendarConfig } from '../clock/business-calendar.js';
import type { Deadline, DeadlineDefinition } from '../clock/deadline.js';
import { durationToMillis, instantFromMillis, isInstant, type DurationInput, type Instant } from '../clock/instant.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { Order } from '../orders/order.js';
import { ORDER_STATUSES } from '../orders/order-statuses.js';
import { amountDue } from '../orders/order-payment.js';
import { resolveEnd } from './promotions.js';

/** The event a job applies to one order; the runner gives it its id, actor and reason. */
export interface JobEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** What a job decides for one order it acts on. */
export interface JobDecision {
  readonly event: JobEvent;
  /** Why, in words an operator reads in the order's history (no personal data). */
  readonly reason: string;
}

/** What a job's `decide` is told besides the order. */
export interface JobContext {
  /** The run's instant, from the injected clock. */
  readonly at: Instant;
  /**
   * The deadline of the record the job acts on (its promotion's end, as stored), when it has one.
   * The runner reads it from storage; the job never brings a zone of its own for it.
   */
  readonly deadline?: Instant;
}

/**
 * The record a job's deadline belongs to: a promotion stored with its end (`savePromotion`). A
 * job acts on nothing before that instant, whatever its schedule. `endsAt`, when given, is what
 * whoever configured the job believes; a run refuses a job whose belief disagrees with the record.
 */
export interface JobDeadlineSource {
  readonly promotion: string;
  readonly endsAt?: DeadlineDefinition;
}

/**
 * How far one run may reach. A run that would act on more orders than `maxOrders`, or on more
 * than `maxShare` of the orders it examined (once it examined at least `shareFrom`), acts on none
 * and raises an alert.
 */
export interface JobLimits {
  /** @default 1000 */
  readonly maxOrders?: number;
  /** A share from 0 to 1. @default 0.5 */
  readonly maxShare?: number;
  /** The share limit applies from this many examined orders (two of three is not a pattern). @default 20 */
  readonly shareFrom?: number;
}

/**
 * A canary: the job first acts only on the orders whose stable hash falls in `share`, then waits
 * until someone confirms it, or until `promoteAfter` passed since the canary acted with nothing
 * failing and the kill switch never engaged.
 */
export interface JobCanary {
  /** @default 0.01 */
  readonly share?: number;
  /** A clean interval after which the job acts on every order; without it, only a confirmation promotes it. */
  readonly promoteAfter?: DurationInput;
}

/** A job as declared; see {@link defineJob}. */
export interface JobDefinition {
  /** Unique per runner; names the actor `job:<id>` in order history. */
  readonly id: string;
  readonly description?: string;
  /** Changing it starts the canary again (a new deadline, a new delay). @default '1' */
  readonly revision?: string;
  /** The statuses whose orders the job examines. */
  readonly statuses: readonly string[];
  /** Narrows the examined orders (a promotion's orders); pure. @default every order in `statuses` */
  readonly matches?: (order: Order<string>) => boolean;
  /** What to do to one examined order, or null for nothing; pure, no clock reads (use `context.at`). */
  readonly decide: (order: Order<string>, context: JobContext) => JobDecision | null | undefined;
  readonly limits?: JobLimits;
  readonly canary?: JobCanary;
  /** The record whose deadline the job waits for; see {@link JobDeadlineSource}. */
  readonly deadline?: JobDeadlineSource;
  /**
   * The job cancels, refunds or releases: what cannot be taken back. A destructive job is
   * guarded by default: each new revision's first run is a dry run whose plan someone must
   * confirm (`runner.confirmPlan`), then it acts on a 1% canary (unless `canary` says otherwise),
   * then on the rest. @default true
   */
  readonly destructive?: boolean;
  /**
   * Opting a destructive job out of the dry run and the canary: who decided and why. Recorded with
   * an `ops.job.unguarded` event the first time a revision acts.
   */
  readonly unguarded?: { readonly by: string; readonly reason: string };
}

/** A checked job. */
export interface Job {
  readonly id: string;
  readonly description: string;
  readonly revision: string;
  readonly statuses: readonly string[];
  readonly matches: (order: Order<string>) => boolean;
  readonly decide: (order: Order<string>, context: JobContext) => JobDecision | null | undefined;
  readonly limits: Required<JobLimits>;
  readonly canary: { readonly share: number; readonly promoteAfterMs: number | undefined } | undefined;
  /** The promotion whose stored end the job waits for, and the end its configuration expects (if it names one). */
  readonly deadline: { readonly promotion: string; readonly expected: Deadline | undefined } | undefined;
  readonly destructive: boolean;
  /** Destructive and not opted out: a confirmed dry run, then a canary, come first. */
  readonly guarded: boolean;
  readonly unguarded: { readonly by: string; readonly reason: string } | undefined;
}

/** One action a run plans: the order, the event and why. */
export interface JobAction {
  readonly orderId: string;
  /** The order's version when it was examined. */
  readonly version: number;
  readonly event: JobEvent;
  readonly reason: string;
}

/** An examined order the job could not decide on (its `decide` threw); the run goes on without it. */
export interface JobDecisionFailure {
  readonly orderId: string;
  readonly error: string;
}

/** What a run would do: the orders examined, the actions, and the ones it could not decide. */
export interface JobPlan {
  readonly examined: number;
  readonly actions: readonly JobAction[];
  readonly failures: readonly JobDecisionFailure[];
}

/** Why a run was stopped before acting: which limit, and the figures. */
export interface BlastRadiusBreach {
  readonly limit: 'maxOrders' | 'maxShare';
  readonly actions: number;
  readonly examined: number;
  /** The configured limit that was crossed (an order count or a share). */
  readonly allowed: number;
}

const DEFAULT_LIMITS: Required<JobLimits> = Object.freeze({ maxOrders: 1000, maxShare: 0.5, shareFrom: 20 });

/**
 * Checks a job declaration: every problem at once, with its path.
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function defineJob(definition: JobDefinition): Job {
  const issues: ValidationIssue[] = [];
  const input = (typeof definition === 'object' && definition !== null ? definition : {}) as Partial<JobDefinition>;
  const add = (path: (string | number)[], message: string): void => void issues.push({ code: 'invalid_value', path, message });
  if (typeof input.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(input.id)) add(['id'], 'Expected an id of letters, digits, dots, dashes and underscores (at most 80)');
  if (input.description !== undefined && typeof input.description !== 'string') add(['description'], 'Expected text');
  if (input.revision !== undefined && (typeof input.revision !== 'string' || input.revision === '')) add(['revision'], 'Expected a non-empty revision');
  if (!Array.isArray(input.statuses) || input.statuses.length === 0 || input.statuses.some((status) => typeof status !== 'string' || status === '')) add(['statuses'], 'Expected the statuses whose orders the job examines');
  if (input.matches !== undefined && typeof input.matches !== 'function') add(['matches'], 'Expected a function (order) => boolean');
  if (typeof input.decide !== 'function') add(['decide'], 'Expected a function (order, context) => decision or null');
  const limits = { ...DEFAULT_LIMITS, ...(typeof input.limits === 'object' && input.limits !== null ? input.limits : {}) };
  if (input.limits !== undefined && (typeof input.limits !== 'object' || input.limits === null)) add(['limits'], 'Expected { maxOrders?, maxShare?, shareFrom? }');
  if (!Number.isSafeInteger(limits.maxOrders) || limits.maxOrders < 0) add(['limits', 'maxOrders'], 'Expected a whole number of orders from 0');
  if (typeof limits.maxShare !== 'number' || !(limits.maxShare >= 0 && limits.maxShare <= 1)) add(['limits', 'maxShare'], 'Expected a share from 0 to 1');
  if (!Number.isSafeInteger(limits.shareFrom) || limits.shareFrom < 1) add(['limits', 'shareFrom'], 'Expected a whole number from 1');
  if (input.destructive !== undefined && typeof input.destructive !== 'boolean') add(['destructive'], 'Expected true or false');
  const unguarded = input.unguarded;
  if (unguarded !== undefined && (typeof unguarded !== 'object' || unguarded === null || typeof unguarded.by !== 'string' || unguarded.by.trim() === '' || typeof unguarded.reason !== 'string' || unguarded.reason.trim() === '')) {
    add(['unguarded'], 'Expected who opts the job out of its dry run and canary, and why: { by, reason }');
  }
  const destructive = input.destructive ?? true;
  const guarded = destructive && unguarded === undefined;
  let canary: Job['canary'];
  if (input.canary === undefined && guarded) canary = { share: 0.01, promoteAfterMs: undefined };
  if (input.canary !== undefined) {
    const given = (typeof input.canary === 'object' && input.canary !== null ? input.canary : {}) as JobCanary;
    if (typeof input.canary !== 'object' || input.canary === null) add(['canary'], 'Expected { share?, promoteAfter? }');
    const share = given.share ?? 0.01;
    if (typeof share !== 'number' || !(share > 0 && share < 1)) add(['canary', 'share'], 'Expected a share above 0 and below 1');
    let promoteAfterMs: number | undefined;
    if (given.promoteAfter !== undefined) {
      try {
        promoteAfterMs = durationToMillis(given.promoteAfter);
        if (promoteAfterMs <= 0) add(['canary', 'promoteAfter'], 'Expected a positive duration');
      } catch (error) {
        add(['canary', 'promoteAfter'], isOrdoError(error) ? error.message : 'Expected a duration such as { minutes: 30 }');
      }
    }
    canary = { share, promoteAfterMs };
  }
  let deadline: Job['deadline'];
  if (input.deadline !== undefined) {
    const source = (typeof input.deadline === 'object' && input.deadline !== null ? input.deadline : {}) as Partial<JobDeadlineSource>;
    if (typeof source.promotion !== 'string' || source.promotion === '') add(['deadline', 'promotion'], 'Expected the id of a stored promotion');
    const expected = source.endsAt === undefined ? undefined : resolveEnd(source.endsAt, ['deadline', 'endsAt'], issues);
    deadline = { promotion: source.promotion as string, expected };
  }
  if (issues.length > 0) throw new ValidationError(`job ${typeof input.id === 'string' ? input.id : ''}`.trim(), issues, { code: 'INVALID_OPTIONS' });
  return Object.freeze({
    id: input.id as string,
    description: input.description ?? '',
    revision: input.revision ?? '1',
    statuses: Object.freeze([...(input.statuses as string[])]),
    matches: input.matches ?? (() => true),
    decide: input.decide as Job['decide'],
    limits: Object.freeze(limits),
    canary: canary === undefined ? undefined : Object.freeze(canary),
    deadline: deadline === undefined ? undefined : Object.freeze(deadline),
    destructive,
    guarded,
    unguarded: unguarded === undefined ? undefined : Object.freeze({ by: unguarded.by, reason: unguarded.reason }),
  });
}

/** True for a job from {@link defineJob}. */
export function isJob(value: unknown): value is Job {
  const job = value as Partial<Job> | null;
  return typeof job === 'object' && job !== null && typeof job.id === 'string' && typeof job.decide === 'function' && typeof job.matches === 'function' && typeof job.limits === 'object';
}

function expectJob(subject: string, job: unknown): asserts job is Job {
  if (!isJob(job)) throw new ValidationError(subject, [{ code: 'invalid_type', path: ['job'], message: 'Expected a job from defineJob' }]);
}

/**
 * Where an order falls among 10,000 buckets for a job: FNV-1a of the job and order ids, so the
 * canary is the same orders on every worker and every run, and differs between jobs.
 */
export function canaryBucket(jobId: string, orderId: string): number {
  let hash = 0x811c9dc5;
  const text = `${jobId}\u0000${orderId}`;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 10_000;
}

/** True when the order is in the job's canary (false for a job without one). */
export function inCanary(job: Job, orderId: string): boolean {
  expectJob('inCanary', job);
  return job.canary !== undefined && canaryBucket(job.id, orderId) < Math.round(job.canary.share * 10_000);
}

/**
 * Decides a run: examines each order the job matches, asks `decide`, and lists the actions. An
 * order whose `decide` throws is a failure of that order, never of the run. A job with a
 * deadline plans no action without the deadline's instant, or before it, whatever `decide` says.
 */
export function planJobRun(job: Job, orders: Iterable<Order<string>>, at: Instant, context: { readonly deadline?: Instant | undefined } = {}): JobPlan {
  expectJob('planJobRun', job);
  if (typeof (orders as Iterable<unknown> | null)?.[Symbol.iterator] !== 'function' || typeof orders === 'string') {
    throw new ValidationError('planJobRun', [{ code: 'invalid_type', path: ['orders'], message: 'Expected an iterable of orders' }]);
  }
  if (!isInstant(at)) throw new ValidationError('planJobRun', [{ code: 'invalid_instant', path: ['at'], message: 'Expected an Instant from the clock' }]);
  const deadline = context?.deadline;
  if (deadline !== undefined && !isInstant(deadline)) throw new ValidationError('planJobRun', [{ code: 'invalid_instant', path: ['deadline'], message: 'Expected the stored deadline as an Instant' }]);
  const actions: JobAction[] = [];
  const failures: JobDecisionFailure[] = [];
  let examined = 0;
  // Never before the record's deadline: a wrong `decide` (or clock) cannot act early.
  const mayAct = job.deadline === undefined || (deadline !== undefined && at >= deadline);
  const decideContext: JobContext = Object.freeze(deadline === undefined ? { at } : { at, deadline });
  for (const order of orders) {
    if (typeof order !== 'object' || order === null || !job.statuses.includes(order.status)) continue;
    let decision: JobDecision | null | undefined;
    try {
      if (!job.matches(order)) continue;
      examined += 1;
      decision = job.decide(order, decideContext);
    } catch (error) {
      failures.push({ orderId: order.id, error: isOrdoError(error) ? `${error.code}: ${error.message}` : 'decide threw' });
      continue;
    }
    if (decision === null || decision === undefined || !mayAct) continue;
    if (typeof decision.event?.type !== 'string' || typeof decision.reason !== 'string') {
      failures.push({ orderId: order.id, error: 'decide answered no { event: { type }, reason }' });
      continue;
    }
    actions.push({ orderId: order.id, version: order.version, event: decision.event, reason: decision.reason });
  }
  return { examined, actions, failures };
}

/** The limit a planned run crosses, or undefined when it may act. */
export function checkBlastRadius(job: Job, plan: Pick<JobPlan, 'actions' | 'examined'>): BlastRadiusBreach | undefined {
  expectJob('checkBlastRadius', job);
  if (!Array.isArray(plan?.actions) || !Number.isSafeInteger(plan.examined)) throw new ValidationError('checkBlastRadius', [{ code: 'invalid_type', path: ['plan'], message: 'Expected a plan from planJobRun' }]);
  const actions = plan.actions.length;
  const { maxOrders, maxShare, shareFrom } = job.limits;
  if (actions > maxOrders) return { limit: 'maxOrders', actions, examined: plan.examined, allowed: maxOrders };
  if (plan.examined >= shareFrom && actions > maxShare * plan.examined) return { limit: 'maxShare', actions, examined: plan.examined, allowed: maxShare };
  return undefined;
}

/** The event id a job's action carries: one per job revision and order, so a repeated run is a duplicate, never a second action. */
export function jobEventId(job: Job, action: Pick<JobAction, 'event'>): string {
  expectJob('jobEventId', job);
  if (typeof action?.event?.type !== 'string') throw new ValidationError('jobEventId', [{ code: 'invalid_type', path: ['action', 'event', 'type'], message: 'Expected an action with an event type' }]);
  return `job:${job.id}:${job.revision}:${action.event.type}`;
}

/** Options of {@link autoCancelUnpaidJob}. */
export interface AutoCancelUnpaidOptions {
  /** @default 'auto-cancel-unpaid' */
  readonly id?: string;
  /** How long an order may wait for payment: elapsed time, or working time of `calendar`. */
  readonly after: DurationInput;
  /** Working hours and holidays in a named zone; `after` is then working time. */
  readonly calendar?: BusinessCalendarConfig;
  /** @default 'pending_payment' */
  readonly status?: string;
  readonly limits?: JobLimits;
  readonly canary?: JobCanary;
  readonly revision?: string;
  /** Opting out of the dry run and canary that guard a cancelling job; see {@link JobDefinition.unguarded}. */
  readonly unguarded?: JobDefinition['unguarded'];
}

/** Cancels orders that waited for payment longer than `after` since they entered the status. */
export function autoCancelUnpaidJob(options: AutoCancelUnpaidOptions): Job {
  const status = options?.status ?? 'pending_payment';
  let afterMs = 0;
  const issues: ValidationIssue[] = [];
  try {
    afterMs = durationToMillis(options?.after);
    if (afterMs <= 0) issues.push({ code: 'invalid_value', path: ['after'], message: 'Expected a positive duration' });
  } catch (error) {
    issues.push({ code: 'invalid_value', path: ['after'], message: isOrdoError(error) ? error.message : 'Expected a duration such as { hours: 24 }' });
  }
  let calendar: ReturnType<typeof createBusinessCalendar> | undefined;
  if (options?.calendar !== undefined) {
    try {
      calendar = createBusinessCalendar(options.calendar);
    } catch (error) {
      if (error instanceof ValidationError) issues.push(...error.issues.map((issue) => ({ ...issue, path: ['calendar', ...issue.path] })));
      else issues.push({ code: 'invalid_value', path: ['calendar'], message: isOrdoError(error) ? error.message : 'Expected a business calendar' });
    }
  }
  if (issues.length > 0) throw new ValidationError('autoCancelUnpaidJob options', issues, { code: 'INVALID_OPTIONS' });
  const wait = calendar === undefined ? `${Math.round(afterMs / 60_000)} min` : `${Math.round(afterMs / 60_000)} working min (${options.calendar?.zone ?? ""})`;
  return defineJob({
    id: options.id ?? 'auto-cancel-unpaid',
    description: `Cancels orders unpaid ${wait} after they entered ${status}`,
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    statuses: [status],
    decide(order, { at }) {
      const entered = order.statusEnteredAt[status];
      if (entered === undefined || !isInstant(entered)) return null;
      const due = calendar === undefined ? instantFromMillis(Date.parse(entered) + afterMs) : calendar.addBusinessTime(entered, afterMs);
      return at >= due ? { event: { type: 'cancel' }, reason: `unpaid ${wait} after ${entered} (due ${due})` } : null;
    },
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.canary === undefined ? {} : { canary: options.canary }),
    ...(options.unguarded === undefined ? {} : { unguarded: options.unguarded }),
  });
}

/** Options of {@link promotionExpiryJob}. */
export interface PromotionExpiryOptions {
  /** @default `promotion-expiry-<promotion>` */
  readonly id?: string;
  /** The promotion's id, as orders carry it in `attributes[attribute]` and as it is stored (`savePromotion`). */
  readonly promotion: string;
  /** @default 'promotion' */
  readonly attribute?: string;
  /**
   * Leave it out: the job reads the promotion's end from its stored record. Given, it is only a
   * check: a run refuses the job when it disagrees with the record (the wrong zone, the wrong
   * wall time), so a copy configured in the server's zone cannot act.
   */
  readonly endsAt?: DeadlineDefinition;
  /** Orders in these statuses that still owe money (`amountDue`) are cancelled once it ended. @default ['pending_payment'] */
  readonly cancel?: readonly string[];
  /**
   * Every status of the promotion's orders the job examines, so the share limit compares what
   * it cancels with all of the promotion's orders, not only the unpaid ones (or those in a few
   * statuses: a denominator that misses `approved` makes a correct run look like a runaway one).
   * @default every status of the default lifecycle, and `cancel`'s
   */
  readonly examine?: readonly string[];
  readonly limits?: JobLimits;
  readonly canary?: JobCanary;
  readonly revision?: string;
  /** Opting out of the dry run and canary that guard a cancelling job; see {@link JobDefinition.unguarded}. */
  readonly unguarded?: JobDefinition['unguarded'];
}

/**
 * Cancels a promotion's orders that still owe money (unpaid, or a presale deposit without its
 * balance) once the promotion ended. The end is the promotion's stored record (`savePromotion`):
 * a wall time in the promotion's own zone, resolved once, so every server cancels at the same
 * instant and none before it.
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function promotionExpiryJob(options: PromotionExpiryOptions): Job {
  const issues: ValidationIssue[] = [];
  if (typeof options?.promotion !== 'string' || options.promotion === '') issues.push({ code: 'invalid_value', path: ['promotion'], message: 'Expected the promotion id orders carry' });
  const endsAt: unknown = options?.endsAt;
  if (endsAt !== undefined) resolveEnd(endsAt, ['endsAt'], issues);
  if (issues.length > 0) throw new ValidationError('promotionExpiryJob options', issues, { code: 'INVALID_OPTIONS' });
  const attribute = options.attribute ?? 'promotion';
  const cancel = options.cancel ?? ['pending_payment'];
  const examine = options.examine ?? [...new Set([...cancel, ...ORDER_STATUSES])];
  return defineJob({
    id: options.id ?? `promotion-expiry-${options.promotion}`,
    description: `Cancels orders of promotion ${options.promotion} that still owe money once it ended (its stored end)`,
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    statuses: examine,
    matches: (order) => order.attributes?.[attribute] === options.promotion,
    decide: (order, { at, deadline }) => {
      if (deadline === undefined || at < deadline || !cancel.includes(order.status)) return null;
      const due = amountDue(order).amount;
      return due > 0 ? { event: { type: 'cancel' }, reason: `promotion ${options.promotion} ended at ${deadline} with ${due} minor units unpaid` } : null;
    },
    deadline: { promotion: options.promotion, ...(options.endsAt === undefined ? {} : { endsAt: options.endsAt }) },
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.canary === undefined ? {} : { canary: options.canary }),
    ...(options.unguarded === undefined ? {} : { unguarded: options.unguarded }),
  });
}
