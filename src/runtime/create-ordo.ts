// createOrdo: the composition root. One context (storage, transports, clock, owner) validated
// once; each module a section; the pipeline (./pipeline.ts) run by one task worker and one relay.
import { hostname } from 'node:os';
import { z } from 'zod';
import { createMemoryStorage } from '../adapters/storage/memory/index.js';
import { createMemoryTransport } from '../adapters/transport/memory/index.js';
import { applyOrderEvent, type ApplyOrderEventOptions, type ApplyOrderEventResult } from '../app/apply-order-event.js';
import { ingest, replayQuarantined, type IngestItemResult, type IngestPayload, type IngestReport, type ReplayOptions } from '../app/ingest.js';
import { compileSlas, type Sla, type SlaInput } from '../ops/order-metrics.js';
import { insertOrFindOrder } from '../app/insert-order.js';
import { createJobRunner, type JobRunner } from '../app/job-runner.js';
import { createOutboxRelay } from '../app/outbox-relay.js';
import { defaultSleep } from '../app/polling-loop.js';
import { routeAndReserve, type CatalogueEntry } from '../app/route-and-reserve.js';
import { createStorageFactProviders, type StorageFactSource } from '../app/storage-fact-providers.js';
import { createStoredCustomerIndex } from '../app/stored-customer-index.js';
import { createMergeService } from '../app/merge-service.js';
import { chineseRetailPreset } from '../customers/chinese-preset.js';
import { createCustomerMatcher, type CustomerMatcher } from '../customers/matcher.js';
import type { Customer } from '../model/customer.js';
import { createSyncService, type SyncService, type SyncTargetConfig } from '../app/sync-service.js';
import { createTaskWorker, type TaskHandler, type TaskRound, type TaskWorker } from '../app/task-worker.js';
import { createWaybillService, type ParcelFacts, type WaybillService } from '../app/waybill-service.js';
import { compilePolicy } from '../approval/compile-policy.js';
import { isCompiledPolicy, type ApprovalDecision, type CompiledPolicy } from '../approval/compiled-policy.js';
import type { Facts } from '../approval/condition-compiler.js';
import { evaluate } from '../approval/evaluate.js';
import { collectFacts, createCustomerFactProvider, type FactLoader, type FactProvider } from '../approval/fact-providers.js';
import type { CustomerFacts } from '../approval/facts.js';
import { SEED_POLICY } from '../approval/seed-policy.js';
import { systemClock, type Clock } from '../clock/clock.js';
import { durationToMillis, instantFromMillis, instantToMillis, type DurationInput, type Instant } from '../clock/instant.js';
import { resolveZone } from '../clock/local-date-time.js';
import { IdempotencyError } from '../errors/idempotency-error.js';
import { maskLongDigitRuns } from '../errors/mask.js';
import { option, parseOptions } from '../errors/options.js';
import { OrdoError } from '../errors/ordo-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { createUuidSource } from '../ids/id-source.js';
import { BUILT_IN_CHANNELS } from '../intake/channels/index.js';
import type { IntakeChannel } from '../intake/channel.js';
import type { Address } from '../model/address.js';
import { formatMoney } from '../money/money.js';
import { isJob, type Job } from '../ops/jobs.js';
import type { CreateOrderInput } from '../orders/create-order.js';
import type { DefaultOrderEvent } from '../orders/order-events.js';
import { createOrderMachine } from '../orders/order-machine.js';
import type { OrderMachine } from '../orders/order-machine-types.js';
import type { OrderStatus } from '../orders/order-statuses.js';
import type { HistoryEntry, Order } from '../orders/order.js';
import type { CarrierPort } from '../ports/carrier-port.js';
import type { JsonValue } from '../ports/json.js';
import type { OrderMeasure, Page, StoragePort } from '../ports/storage-port.js';
import { compileDiffSpec, diffRecords } from '../sync/record-diff.js';
import type { TaskChange } from '../ports/task-port.js';
import { compileTopicPattern, matchesTopic, type TopicPattern } from '../ports/topic-pattern.js';
import type { TransportMessage, TransportPort } from '../ports/transport-port.js';
import { compileRouting, type RoutingConfig } from '../routing/compile-routing.js';
import { Router } from '../routing/router.js';
import type { RetryPolicyInput } from '../tasks/retry-policy.js';
import type { RecurringScheduleInput } from '../tasks/recurring-schedule.js';
import { formatExplanation, waitingOn, type ExplainedTask, type ExplainedWaybill, type OrderExplanation } from './explain.js';
import { PIPELINE, PIPELINE_STEPS, shipsGoods, stepsFor, type PipelineLine, type PipelineStepName } from './pipeline.js';

/** A transport and the topics it carries (MQTT-style patterns: `order.*`, `order.#`). */
export interface TransportRoute {
  /**
   * The transport, or a function making it from Ordo's context, so a transport that keeps work of
   * its own (the webhook transport's deliveries) is not handed storage, clock and owner again.
   * @example { transport: (context) => createWebhookTransport({ ...context, endpoints }) }
   */
  readonly transport: TransportPort | ((context: TransportContext) => TransportPort);
  /** @default ['#'] (everything) */
  readonly topics?: readonly string[];
  /** For health and retries. @default 'transport-<index>' */
  readonly name?: string;
}

/** What a transport factory receives: the runtime's own context. */
export interface TransportContext {
  readonly storage: StoragePort;
  readonly clock: Clock;
  readonly owner: string;
  /** The runtime's task worker: a transport with deliveries of its own (webhooks) contributes them to it. */
  readonly tasks: TaskWorker;
}

/** What a step replaced by your own function receives. */
export interface StepContext {
  /** The order as stored now. */
  readonly order: Order<string>;
  /** The committed event that started the step. */
  readonly message: TransportMessage;
  /** Applies an event to the order (give it a deterministic id: a second run is then a no-op). */
  apply(event: DefaultOrderEvent, options?: ApplyOrderEventOptions): Promise<ApplyOrderEventResult<OrderStatus> | null>;
  readonly storage: StoragePort;
  readonly clock: Clock;
}

/** A step of your own: throw to have it retried (with backoff) by the task worker. */
export type PipelineStep = (context: StepContext) => Promise<void>;

/** Where a process logs; every field is optional. Messages never carry personal data. */
export interface OrdoLogger {
  info?(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn?(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error?(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The approval section. */
export interface ApprovalSection {
  /** A compiled policy or the JSON of one. @default SEED_POLICY */
  readonly policy?: CompiledPolicy | unknown;
  /** Where facts beyond the order come from. @default createStorageFactProviders(storage) (history, usual addresses, account age) */
  readonly providers?: readonly FactProvider[];
  /**
   * What your customer system knows of the order's buyer (credit score, block list, tier), as the
   * `customer.*` facts; `null` when it knows nothing (a missing fact: the policy decides, the seed
   * policy holds). Added to `providers`.
   * @example async (order) => crm.customerFacts(order.customerRef)
   */
  readonly customerFacts?: FactLoader<CustomerFacts>;
}

/** The routing section: a compiled router, or the network and policy to compile. */
export interface RoutingSection {
  readonly router?: Router;
  readonly network?: RoutingConfig['network'];
  readonly policy?: RoutingConfig['policy'];
  /** Reservations expire this long after allocation. @default never */
  readonly reservationTtl?: DurationInput;
  /** Orders held for short stock are routed again this often (when the stock came in). @default { minutes: 5 } */
  readonly recheckEvery?: DurationInput;
}

/** The waybills section. */
export interface WaybillsSection {
  /** @default a memory carrier (for demos and tests) */
  readonly carrier?: CarrierPort;
  /** The sender printed on labels: one address, or one per warehouse. Required with a real carrier. */
  readonly sender?: Address | ((warehouseId: string) => Address);
  /** A parcel's weight and size. @default the catalogue's weights, else 500 g per unit */
  readonly parcel?: (order: Order<string>, warehouseId: string, lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[]) => ParcelFacts;
}

/** The customers section: every order's buyer linked to one profile, merged when the matcher is sure. */
export interface CustomersSection {
  /** @default createCustomerMatcher(chineseRetailPreset()) */
  readonly matcher?: CustomerMatcher<Customer, unknown>;
  /** A candidate at or above this score (and a match, with no conflicting ID number) is merged. @default 0.9 */
  readonly mergeAt?: number;
}

/** The sync section: the systems kept in step with each order. */
export interface SyncSection {
  readonly targets: readonly SyncTargetConfig[];
}

/** A job and, optionally, when it runs by itself. */
export type JobEntry = Job | { readonly job: Job; readonly schedule?: RecurringScheduleInput };

/** Options of {@link createOrdo}: every part has an embedded default. */
export interface OrdoOptions {
  /** @default createMemoryStorage() */
  readonly storage?: StoragePort;
  /** Every transport the committed events fan out to, each with its topics. @default [createMemoryTransport()] */
  readonly transports?: readonly (TransportPort | TransportRoute)[];
  /** The only source of "now". @default systemClock */
  readonly clock?: Clock;
  /** This process's name: leases are held in it. @default `ordo-<host>-<pid>-<random>` */
  readonly owner?: string;
  readonly logger?: OrdoLogger;
  /** The zone `explain` shows times in (the operator's). @default 'UTC' */
  readonly zone?: string;
  /** The channels payloads come from. @default BUILT_IN_CHANNELS */
  readonly channels?: readonly IntakeChannel[];
  /** SKU to category and weight, for routing's category rules, tariffs by weight and parcels: a table or a function. */
  readonly catalogue?: Readonly<Record<string, CatalogueEntry>> | ((sku: string) => CatalogueEntry | undefined);
  /**
   * Links every order's buyer to a customer profile when the order arrives, merging profiles the
   * matcher is sure of, so approval's history facts count every profile of one person.
   * @default off
   */
  readonly customers?: CustomersSection;
  /** `false` turns the approval step off (orders wait in `paid` for `ordo.review`). @default the seed policy on stored facts */
  readonly approval?: ApprovalSection | false;
  /** Without it orders stop at `approved` (and `explain` says so). */
  readonly routing?: RoutingSection | false;
  /** On with routing (memory carrier by default); `false` turns it off. */
  readonly waybills?: WaybillsSection | false;
  readonly sync?: SyncSection;
  readonly jobs?: readonly JobEntry[];
  /** Switch a step off (`false`) or replace it with your own function. */
  readonly steps?: Partial<Readonly<Record<PipelineStepName, false | PipelineStep>>>;
  /** The task worker's settings: step retries (default: 1 s doubling to 5 min, for 72 h), claims per round, a handler's time. */
  readonly tasks?: {
    readonly retry?: RetryPolicyInput;
    readonly batchSize?: number;
    /** A handler's time (steps, sync pushes, carrier calls, at most 30 s for the latter two). @default 60000 */
    readonly timeoutMs?: number;
    /** How long a claimed task stays this process's: a killed process's work is taken over after it. @default timeoutMs + 60000 */
    readonly leaseMs?: number;
  };
  /** Pause after a round that found nothing to do. @default 200 */
  readonly pollIntervalMs?: number;
  /** The SLAs the board and metrics measure (`compileSlas` input). @default none */
  readonly metrics?: { readonly slas?: readonly SlaInput[] };
}

/** What one round of the runtime did. */
export interface RuntimeRound {
  /** Outbox events handed to the transports and the pipeline. */
  readonly relayed: number;
  /** Tasks run (steps, deliveries, compensation, jobs) by outcome. */
  readonly tasks: TaskRound;
}

/** One target's side of {@link Ordo.reconcile}. */
export interface TargetReconciliation {
  readonly system: string;
  /** Orders in a status the target hears, compared. */
  readonly compared: number;
  readonly inSync: number;
  /** The target holds nothing for the order. */
  readonly missing: number;
  readonly different: number;
  /** The first 100 orders that differ or are missing, with the fields (values never shown: they may be personal data). */
  readonly examples: readonly { readonly orderId: string; readonly fields: readonly string[] }[];
}

/** What {@link Ordo.reconcile} found. */
export interface RuntimeReconciliation {
  readonly orders: number;
  readonly targets: readonly TargetReconciliation[];
}

/** What {@link Ordo.settle} did. */
export interface SettleReport {
  readonly rounds: number;
  /** False when `maxRounds` ran out before a round found nothing to do. */
  readonly settled: boolean;
  readonly relayed: number;
  readonly tasks: TaskRound;
}

/** What each loop of a running process is doing, for a readiness probe. */
export interface RuntimeHealth {
  readonly owner: string;
  /** `running`, `stopping` or `stopped`. */
  readonly state: 'running' | 'stopping' | 'stopped';
  /** Rounds since start, and the last one's end. */
  readonly rounds: number;
  readonly lastRoundAt: Instant | null;
  /** The last round's failure (masked), or null. */
  readonly lastError: string | null;
  /** Outbox events waiting (counted up to 1,000) and how old the oldest is, in ms of the clock. */
  readonly outbox: { readonly pending: number; readonly oldestAgeMs: number | null };
  /** Tasks due now and not yet run (counted up to 1,000), and how late the earliest is, in ms. */
  readonly tasks: { readonly due: number; readonly oldestDueAgeMs: number | null; readonly deadLettered: number };
}

/** A running process: see {@link Ordo.run}. */
export interface OrdoRuntime {
  health(): Promise<RuntimeHealth>;
  /** Finishes in-flight work and returns; called twice, returns at once (leases run out for the rest). */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A review decision of an operator. */
export interface ReviewDecision {
  readonly decision: 'approve' | 'reject' | 'hold';
  readonly by: string;
  readonly reason: string;
}

/** Ordo, composed: see {@link createOrdo}. */
export interface Ordo {
  readonly storage: StoragePort;
  readonly clock: Clock;
  readonly owner: string;
  readonly machine: OrderMachine<OrderStatus, DefaultOrderEvent>;
  /** The pipeline lines that are on, top to bottom. */
  readonly pipeline: readonly PipelineLine[];
  /** The first transport (the memory transport by default), for in-process subscribers. */
  readonly transport: TransportPort;
  readonly router: Router | null;
  readonly waybills: WaybillService | null;
  readonly sync: SyncService | null;
  readonly jobs: JobRunner | null;
  /** The task worker every service contributes its handlers to. */
  readonly tasks: TaskWorker;
  /** The compiled SLAs of the `metrics` section. */
  readonly slas: readonly Sla[];
  /** The time zone `explain` (and the command line) shows times in. */
  readonly zone: string;
  /** Creates or upgrades the storage schema. */
  migrate(): Promise<void>;
  /** Channel payloads in: validated, stored with `<channel>:<channelOrderId>` ids, bad ones quarantined. */
  ingest(payloads: readonly IngestPayload[]): Promise<IngestReport>;
  /** Ingests a quarantined payload again (fixed by `payload`, or as stored after a fix). Null for an unknown id. */
  replay(quarantineId: string, options?: ReplayOptions): Promise<IngestItemResult | null>;
  /** An order from your own system (already in Ordo's shape): the same id rule and the same idempotency as `ingest`. */
  createOrder(input: CreateOrderInput, options?: { readonly actor?: string }): Promise<{ readonly order: Order<OrderStatus>; readonly created: boolean }>;
  apply(orderId: string, event: DefaultOrderEvent, options?: ApplyOrderEventOptions): Promise<ApplyOrderEventResult<OrderStatus> | null>;
  get(orderId: string): Promise<Order<OrderStatus> | null>;
  /** An operator's decision on a held (or paid) order, recorded in history with who and why. */
  review(orderId: string, decision: ReviewDecision): Promise<ApplyOrderEventResult<OrderStatus> | null>;
  /**
   * Decides a held order again on today's facts (say your CRM changed a credit score): approved or
   * rejected when the policy now says so, left on hold otherwise. Only holds the approval policy
   * made are the policy's to release. Null for an unknown order.
   */
  reevaluate(orderId: string): Promise<'approved' | 'rejected' | 'still_held' | 'not_policy_hold' | null>;
  /** The order's history with every decision's details, its waybills and open work, as data and text. */
  explain(orderId: string): Promise<OrderExplanation | null>;
  /** Reads every order and each sync target's copy, and diffs them with the target's spec: what differs now. */
  reconcile(options?: { readonly limit?: number }): Promise<RuntimeReconciliation>;
  /** Runs rounds in this process until one finds nothing to do: for scripts, tests and manual clocks. */
  settle(options?: { readonly maxRounds?: number }): Promise<SettleReport>;
  /** Starts the relay, the steps and the task worker in this process; see {@link OrdoRuntime}. */
  run(options?: { readonly signal?: AbortSignal; readonly concurrency?: number }): Promise<OrdoRuntime>;
  /** Stops what runs and closes the transports and the storage. */
  close(): Promise<void>;
}

const QUEUE = 'ordo.tasks';
const STEP_RETRY: RetryPolicyInput = { initialInterval: { seconds: 1 }, backoffCoefficient: 2, maximumInterval: { minutes: 5 }, deadline: { hours: 72 }, nonRetryableErrorCodes: ['VALIDATION_FAILED', 'INVALID_OPTIONS', 'INVALID_MACHINE_DEFINITION'] };

const isDuration = (value: unknown): boolean => {
  try {
    return durationToMillis(value as DurationInput) > 0;
  } catch {
    return false;
  }
};
const duration = z.custom<DurationInput>(isDuration, 'Expected a positive duration, e.g. { minutes: 5 }');

const transportRoute = z.union([
  option.withMethods<TransportPort>('a TransportPort', 'publish', 'close'),
  z.strictObject({
    transport: z.union([option.withMethods<TransportPort>('a TransportPort', 'publish', 'close'), option.fn<(context: TransportContext) => TransportPort>()]),
    topics: z.array(z.string().min(1)).min(1).optional(),
    name: z.string().regex(/^[A-Za-z][\w.-]{0,63}$/, 'Expected a name of letters, digits, _ . -').optional(),
  }),
]);

const optionsSchema = z.strictObject({
  storage: option.withMethods<StoragePort>('a StoragePort', 'commit', 'orders.get', 'outbox.claim', 'tasks.claim').optional(),
  transports: z.array(transportRoute).optional(),
  clock: option.withMethods<Clock>('a Clock', 'now', 'millis').optional(),
  owner: option.text().optional(),
  logger: z.custom<OrdoLogger>((value) => typeof value === 'object' && value !== null, 'Expected a logger { info?, warn?, error? }').optional(),
  zone: z
    .string()
    .refine((zone) => {
      try {
        resolveZone(zone);
        return true;
      } catch {
        return false;
      }
    }, 'Expected an IANA time zone such as Asia/Shanghai')
    .default('UTC'),
  channels: z.array(z.custom<IntakeChannel>((value) => typeof (value as IntakeChannel)?.id === 'string', 'Expected a channel from defineChannel')).min(1).optional(),
  catalogue: z.union([option.fn<(sku: string) => CatalogueEntry | undefined>(), z.record(z.string(), z.strictObject({ category: z.string().min(1).optional(), weightGrams: z.number().nonnegative().optional() }))]).optional(),
  customers: z.strictObject({ matcher: option.withMethods<CustomerMatcher<Customer, unknown>>('a matcher from createCustomerMatcher', 'compare', 'prepare').optional(), mergeAt: z.number().min(0).max(1).default(0.9) }).optional(),
  approval: z.union([z.literal(false), z.strictObject({ policy: z.unknown().optional(), providers: z.array(option.withMethods<FactProvider>('a fact provider', 'provide')).optional(), customerFacts: option.fn<FactLoader<CustomerFacts>>().optional() })]).optional(),
  routing: z
    .union([
      z.literal(false),
      z.strictObject({
        router: z.instanceof(Router, { message: 'Expected a router from compileRouting()' }).optional(),
        network: z.unknown().optional(),
        policy: z.unknown().optional(),
        reservationTtl: duration.optional(),
        recheckEvery: duration.default({ minutes: 5 }),
      }),
    ])
    .optional(),
  waybills: z
    .union([
      z.literal(false),
      z.strictObject({
        carrier: option.withMethods<CarrierPort>('a CarrierPort', 'requestWaybills', 'cancelWaybill').optional(),
        sender: z.union([z.custom<Address>((value) => typeof value === 'object' && value !== null && typeof (value as Address).street === 'string', 'Expected an address with a street'), option.fn<(warehouseId: string) => Address>()]).optional(),
        parcel: option.fn<NonNullable<WaybillsSection['parcel']>>().optional(),
      }),
    ])
    .optional(),
  sync: z.strictObject({ targets: z.array(z.custom<SyncTargetConfig>((value) => typeof value === 'object' && value !== null)).min(1) }).optional(),
  jobs: z.array(z.union([z.custom<Job>(isJob, 'Expected a job from defineJob'), z.strictObject({ job: z.custom<Job>(isJob, 'Expected a job from defineJob'), schedule: z.custom<RecurringScheduleInput>((value) => typeof value === 'object' && value !== null).optional() })])).optional(),
  steps: z.partialRecord(z.enum(PIPELINE_STEPS), z.union([z.literal(false), option.fn<PipelineStep>()])).optional(),
  tasks: z
    .strictObject({ retry: z.custom<RetryPolicyInput>((value) => typeof value === 'object' && value !== null).optional(), batchSize: option.positiveInt().default(20), timeoutMs: option.positiveInt().default(60_000), leaseMs: option.positiveInt().optional() })
    .default({ batchSize: 20, timeoutMs: 60_000 }),
  pollIntervalMs: option.positiveInt().default(200),
  metrics: z.strictObject({ slas: z.array(z.custom<SlaInput>((value) => typeof value === 'object' && value !== null)).optional() }).optional(),
});

const emptyRound = (): { succeeded: number; retried: number; deadLettered: number; lost: number } => ({ succeeded: 0, retried: 0, deadLettered: 0, lost: 0 });
const addRound = (into: { succeeded: number; retried: number; deadLettered: number; lost: number }, round: TaskRound): void => {
  into.succeeded += round.succeeded;
  into.retried += round.retried;
  into.deadLettered += round.deadLettered;
  into.lost += round.lost;
};
const worked = (round: TaskRound): boolean => round.succeeded + round.retried + round.deadLettered + round.lost > 0;

/**
 * The embedded default carrier, loaded on its first call: its labels draw barcodes with bwip-js,
 * which an import of `ordo` should not pay for when a real carrier is configured or none is used.
 */
function lazyMemoryCarrier(clock: Clock): CarrierPort {
  let carrier: Promise<CarrierPort> | undefined;
  const load = (): Promise<CarrierPort> => (carrier ??= import('../adapters/carrier/memory-carrier.js').then((module) => module.createMemoryCarrier({ clock })));
  return {
    name: 'MEMORY',
    requestWaybills: async (...args) => (await load()).requestWaybills(...args),
    cancelWaybill: async (...args) => (await load()).cancelWaybill(...args),
  };
}

/** The approval decision as history keeps it: rule, reasons, policy and the facts that were missing. */
function approvalDetails(policy: CompiledPolicy, decision: ApprovalDecision, facts: Facts): Record<string, JsonValue> {
  const missing = policy.facts.filter((name) => (facts as Record<string, unknown>)[name] === undefined);
  return {
    step: 'approval',
    outcome: decision.outcome,
    policy: `${decision.policyId}@${decision.policyVersion}`,
    rule: decision.ruleId,
    reasons: [...decision.reasons],
    ...(decision.riskScore === undefined ? {} : { riskScore: decision.riskScore }),
    ...(decision.missingFact === undefined ? {} : { decidedByMissingFact: decision.missingFact }),
    missingFacts: missing,
  };
}

/**
 * Composes Ordo: storage, transports, clock and every module's section, validated once, and the
 * pipeline (`PIPELINE`) that moves each order from payload to waybill and keeps every system in
 * step. With no options it runs embedded: memory storage, a memory transport, the seed approval
 * policy; add `routing` (and a carrier) for the rest.
 *
 * @throws ValidationError `INVALID_OPTIONS` with every bad option's path; a policy or routing
 * definition error with its path under the section.
 * @example
 * const ordo = createOrdo({ storage, transports: [rabbit, { transport: webhooks, topics: ['order.*'] }],
 *   routing: { network, policy }, sync: { targets: [wms] } });
 * await ordo.migrate();
 * const runtime = await ordo.run({ signal });
 */
export function createOrdo(options: OrdoOptions = {}): Ordo {
  const parsed = parseOptions('createOrdo options', optionsSchema, options);
  const clock = parsed.clock ?? systemClock;
  const storage = parsed.storage ?? createMemoryStorage();
  const owner = parsed.owner ?? `ordo-${hostname()}-${process.pid}-${createUuidSource()().slice(0, 8)}`;
  const logger: OrdoLogger = parsed.logger ?? {};
  const zone = parsed.zone;
  const machine = createOrderMachine();
  const channels = parsed.channels ?? BUILT_IN_CHANNELS;
  const catalogueTable = parsed.catalogue;
  const catalogue: ((sku: string) => CatalogueEntry | undefined) | undefined =
    catalogueTable === undefined ? undefined : typeof catalogueTable === 'function' ? catalogueTable : (sku: string) => (Object.hasOwn(catalogueTable, sku) ? (catalogueTable[sku] as CatalogueEntry) : undefined);
  const worker = createTaskWorker({
    storage,
    clock,
    owner,
    queue: QUEUE,
    topic: 'ordo.task',
    outcomeEvents: 'dead',
    retry: parsed.tasks.retry ?? STEP_RETRY,
    batchSize: parsed.tasks.batchSize,
    timeoutMs: parsed.tasks.timeoutMs,
    ...(parsed.tasks.leaseMs === undefined ? {} : { leaseMs: parsed.tasks.leaseMs }),
  });
  /** A service's call (a sync push, a carrier request) fits in a step's time. */
  const serviceTimeoutMs = Math.min(30_000, parsed.tasks.timeoutMs);
  const routes = (parsed.transports ?? [createMemoryTransport()]).map((entry, index) => {
    const route = 'transport' in entry && (typeof (entry as TransportRoute).transport === 'object' || typeof (entry as TransportRoute).transport === 'function') ? (entry as TransportRoute) : { transport: entry as TransportPort };
    const transport = typeof route.transport === 'function' ? route.transport({ storage, clock, owner, tasks: worker }) : route.transport;
    if (typeof transport?.publish !== 'function') throw new ValidationError('createOrdo options', [{ code: 'invalid_type', path: ['transports', index, 'transport'], message: 'Expected the factory to return a TransportPort' }], { code: 'INVALID_OPTIONS' });
    return { name: route.name ?? `transport-${index}`, transport, patterns: (route.topics ?? ['#']).map((topic): TopicPattern => compileTopicPattern(topic)) };
  });
  const names = new Set<string>();
  routes.forEach((route, index) => {
    if (names.has(route.name)) throw new ValidationError('createOrdo options', [{ code: 'invalid_value', path: ['transports', index, 'name'], message: `Transport name ${route.name} is used twice` }], { code: 'INVALID_OPTIONS' });
    names.add(route.name);
  });

  // Sections: each compiled now, so a definition error names its section's path.
  const section = <T>(path: string, build: () => T): T => {
    try {
      return build();
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError('createOrdo options', error.issues.map((issue) => ({ ...issue, path: [path, ...issue.path] })), { code: error.code === 'VALIDATION_FAILED' ? 'INVALID_OPTIONS' : error.code });
      throw error;
    }
  };
  const approvalOn = parsed.approval !== false;
  const policy: CompiledPolicy | null = !approvalOn
    ? null
    : section('approval', () => {
        const given = (parsed.approval as { policy?: unknown } | undefined)?.policy ?? SEED_POLICY;
        return isCompiledPolicy(given) ? given : compilePolicy(given);
      });
  const approvalSection = (parsed.approval === false ? undefined : parsed.approval) as ApprovalSection | undefined;
  // With customers linked, a buyer's history is every profile merged into their golden profile.
  const customersOn = parsed.customers !== undefined;
  const historySource: StorageFactSource = !customersOn
    ? storage
    : {
        orders: {
          async listByCustomer(customerRef, listOptions) {
            const golden = await storage.customers.findGoldenBySource(customerRef);
            const refs = golden === null ? [customerRef] : [...new Set([customerRef, ...golden.sourceIds])];
            if (refs.length === 1) return storage.orders.listByCustomer(customerRef, listOptions);
            const lists = await Promise.all(refs.map((ref) => storage.orders.listByCustomer(ref, listOptions)));
            const newestFirst = lists.flat().sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
            return newestFirst.slice(0, listOptions?.limit ?? 100);
          },
        },
      };
  const providers: FactProvider[] = !approvalOn
    ? []
    : [...(approvalSection?.providers ?? createStorageFactProviders(historySource)), ...(approvalSection?.customerFacts === undefined ? [] : [createCustomerFactProvider({ load: approvalSection.customerFacts })])];

  const customerIndex = customersOn ? createStoredCustomerIndex(parsed.customers?.matcher ?? createCustomerMatcher(chineseRetailPreset()), storage.customers) : null;
  const merges = customersOn ? createMergeService({ store: storage.customers, clock, newId: createUuidSource('cust_') }) : null;
  const mergeAt = parsed.customers?.mergeAt ?? 0.9;
  /** The buyer's profile as this order shows it (the shipping address's recipient and phone). */
  const profileOf = (order: Order<string>): Customer | null => {
    const address = order.shippingAddress;
    if (address === undefined || (address.recipient === undefined && address.phone === undefined)) return null;
    return {
      id: order.customerRef,
      names: address.recipient === undefined ? [] : [address.recipient],
      phones: address.phone === undefined ? [] : [address.phone],
      emails: [],
      addresses: [address],
      paymentAccounts: [],
      deviceIds: [],
      source: order.channel,
      attributes: { updatedAt: order.createdAt },
    };
  };
  /** Indexes the buyer's profile and merges it with the one the matcher is sure of; idempotent. */
  const linkCustomer = async (order: Order<string>): Promise<void> => {
    if (customerIndex === null || merges === null) return;
    const profile = profileOf(order);
    if (profile === null) return;
    const found = await customerIndex.match(profile);
    await customerIndex.add(profile);
    const best = found.candidates.find((candidate) => candidate.isMatch && !candidate.conflict && candidate.score >= mergeAt && candidate.leftId !== candidate.rightId);
    if (best === undefined) return;
    const otherId = best.leftId === profile.id ? best.rightId : best.leftId;
    const [mine, theirs] = await Promise.all([storage.customers.findGoldenBySource(profile.id), storage.customers.findGoldenBySource(otherId)]);
    if (mine !== null && theirs !== null && mine.id === theirs.id) return;
    const [other] = await storage.customers.getProfiles([otherId]);
    if (other === undefined) return;
    await merges.merge({ profiles: [other, profile], actor: 'customers:link', reason: `matched at ${best.score.toFixed(3)} on intake of ${order.id}`, evidence: [best] });
    await reevaluateCustomer(profile.id, `customer merged on intake of ${order.id}`);
  };
  const routingSection = parsed.routing === false || parsed.routing === undefined ? null : parsed.routing;
  const router: Router | null =
    routingSection === null
      ? null
      : section('routing', () => routingSection.router ?? compileRouting({ network: routingSection.network, policy: routingSection.policy } as RoutingConfig));
  const waybillSection = parsed.waybills === false || router === null ? null : (parsed.waybills ?? {});
  if (waybillSection !== null && waybillSection.carrier !== undefined && waybillSection.sender === undefined) {
    throw new ValidationError('createOrdo options', [{ code: 'invalid_type', path: ['waybills', 'sender'], message: 'A carrier prints the sender on every label: give waybills.sender (an address, or one per warehouse)' }], { code: 'INVALID_OPTIONS' });
  }
  const waybills: WaybillService | null =
    waybillSection === null || router === null // router is never null with a section; the check narrows it
      ? null
      : section('waybills', () => {
          const warehouseName = new Map(router.network.warehouses.map((w) => [w.id, w.name]));
          const parcel =
            waybillSection.parcel ??
            ((_order: Order<string>, _warehouseId: string, lines: readonly { readonly sku: string; readonly quantity: number }[]): ParcelFacts => ({
              weightGrams: Math.max(1, lines.reduce((sum, line) => sum + line.quantity * (catalogue?.(line.sku)?.weightGrams ?? 500), 0)),
            }));
          return createWaybillService({
            storage,
            clock,
            owner,
            carrier: waybillSection.carrier ?? lazyMemoryCarrier(clock),
            sender: waybillSection.sender ?? ((warehouseId: string): Address => ({ country: 'CN', street: warehouseName.get(warehouseId) ?? warehouseId })),
            parcel,
            tasks: worker,
            timeoutMs: serviceTimeoutMs,
          });
        });
  const sync: SyncService | null =
    parsed.sync === undefined
      ? null
      : section('sync', () =>
          createSyncService({
            storage,
            clock,
            owner,
            targets: parsed.sync?.targets ?? [],
            load: async (key) => (await storage.orders.get(key)) as unknown as JsonValue | null,
            tasks: worker,
            timeoutMs: serviceTimeoutMs,
          }),
        );
  const slas = section('metrics', () => compileSlas(parsed.metrics?.slas ?? []));
  const jobEntries = (parsed.jobs ?? []).map((entry) => (isJob(entry) ? { job: entry, schedule: undefined } : (entry as { job: Job; schedule?: RecurringScheduleInput })));
  const jobs: JobRunner | null = jobEntries.length === 0 ? null : section('jobs', () => createJobRunner({ storage, clock, machine, owner, jobs: jobEntries.map((entry) => entry.job) }));

  const steps = parsed.steps ?? {};
  const enabled = new Set<PipelineStepName>(
    PIPELINE_STEPS.filter((step) => {
      if (steps[step] === false) return false;
      if (typeof steps[step] === 'function') return true;
      return step === 'customers' ? customersOn : step === 'approval' ? approvalOn : step === 'routing' ? router !== null : step === 'waybills' ? waybills !== null : sync !== null;
    }),
  );
  const pipeline = PIPELINE.filter((line) => enabled.has(line.step));

  const apply = (orderId: string, event: DefaultOrderEvent, applyOptions: ApplyOrderEventOptions = {}) => applyOrderEvent({ storage, machine, clock }, orderId, event, applyOptions);
  const recheckMs = routingSection === null ? 0 : durationToMillis(routingSection.recheckEvery as DurationInput);
  const reservationTtlMs = routingSection?.reservationTtl === undefined ? undefined : durationToMillis(routingSection.reservationTtl);
  const routeOptions = { ...(catalogue === undefined ? {} : { catalogue }), ...(reservationTtlMs === undefined ? {} : { reservationTtlMs }) };

  // The built-in steps. Each reads the order now and acts only from the status that started it.
  const builtIn: Record<PipelineStepName, PipelineStep> = {
    async customers({ order }) {
      await linkCustomer(order);
    },
    async approval({ order }) {
      if (order.status !== 'paid' || policy === null) return;
      // The buyer is linked before the facts are read, whichever of the two steps ran first.
      await linkCustomer(order);
      const facts = await collectFacts(order, providers, { clock });
      await applyDecision(policy, order, evaluate(policy, facts), facts, `${order.id}:approval:${order.version}`);
    },
    async routing({ order }) {
      if (order.status !== 'approved' || router === null || !shipsGoods(order)) return;
      const result = await routeAndReserve({ storage, machine, clock, router }, order.id, { ...routeOptions, current: order });
      if (result !== null && !result.ok) throw result.error;
    },
    async waybills({ order, message }) {
      if (waybills === null || !shipsGoods(order)) return;
      await waybills.handle(message);
    },
    async sync({ order }) {
      if (sync === null) return;
      await sync.sync(order.id, order as unknown as JsonValue);
    },
  };

  /** A refusal because the order moved on meanwhile is fine; any other refusal is retried. */
  const settleApply = async (read: Order<string>, result: ApplyOrderEventResult<OrderStatus> | null): Promise<void> => {
    if (result === null || result.ok) return;
    const now = await storage.orders.get(read.id);
    if (now !== null && now.status !== read.status) return;
    throw result.error;
  };

  /** Applies a policy decision as its event (approve, hold or reject), the explanation in its details. */
  const applyDecision = async (
    compiled: CompiledPolicy,
    order: Order<string>,
    decision: ApprovalDecision,
    facts: Facts,
    id: string,
    extra: Record<string, JsonValue> = {},
  ): Promise<void> => {
    const event: DefaultOrderEvent = {
      id,
      type: decision.outcome,
      reason: decision.reasons.length > 0 ? decision.reasons.join(', ') : decision.outcome,
      details: { ...approvalDetails(compiled, decision, facts), ...extra },
    } as DefaultOrderEvent;
    await settleApply(order, await apply(order.id, event, { actor: `approval:${compiled.id}@${compiled.version}`, current: order }));
  };

  /**
   * An order the approval policy held, decided again on today's facts: approved (or rejected) when
   * the policy now says so, left on hold otherwise. Orders held by routing or by a person are not
   * the policy's to release.
   */
  const reevaluate = async (order: Order<string>, why: string): Promise<'approved' | 'rejected' | 'still_held' | 'not_policy_hold'> => {
    const last = order.history.at(-1);
    if (policy === null || order.status !== 'on_hold' || last?.type !== 'hold' || last.details?.['step'] !== 'approval') return 'not_policy_hold';
    const facts = await collectFacts(order, providers, { clock });
    const decision = evaluate(policy, facts);
    if (decision.outcome === 'hold') return 'still_held';
    await applyDecision(policy, order, decision, facts, `${order.id}:reapproval:${order.version}`, { reevaluatedBecause: why });
    return decision.outcome === 'approve' ? 'approved' : 'rejected';
  };
  /** After a merge: the person's orders the policy held are decided again (their history grew). */
  const reevaluateCustomer = async (customerRef: string, why: string): Promise<void> => {
    const golden = await storage.customers.findGoldenBySource(customerRef);
    const refs = golden === null ? [customerRef] : golden.sourceIds;
    for (const ref of refs) {
      for (const order of await storage.orders.listByCustomer(ref, { limit: 100 })) {
        if (order.status === 'on_hold') await reevaluate(order, why);
      }
    }
  };

  for (const step of PIPELINE_STEPS) {
    if (!enabled.has(step)) continue;
    const run = typeof steps[step] === 'function' ? (steps[step] as PipelineStep) : builtIn[step];
    worker.register(`step.${step}`, (async (payload) => {
      const { orderId, message } = payload as unknown as { orderId: string; message: TransportMessage };
      const order = await storage.orders.get(orderId);
      if (order === null) return { skipped: 'no such order' };
      await run({ order, message, apply: (event, applyOptions) => apply(order.id, event, applyOptions), storage, clock });
      return undefined;
    }) satisfies TaskHandler);
  }
  worker.register('transport.deliver', (async (payload) => {
    const { transport, message } = payload as unknown as { transport: string; message: TransportMessage };
    const route = routes.find((r) => r.name === transport);
    if (route === undefined) throw new OrdoError('INVALID_OPTIONS', `no transport named ${transport} in this process's createOrdo options`);
    await route.transport.publish(message);
  }) satisfies TaskHandler);
  if (router !== null && enabled.has('routing')) {
    // Orders waiting for stock: backordered ones (still approved) are routed again; ones held for
    // short stock are released (an approve, then the routing step) once a dry route finds stock.
    worker.register('routing.recheck', (async () => {
      let routed = 0;
      let released = 0;
      for (const order of await storage.orders.listByStatus('approved', { limit: 500 })) {
        if (!shipsGoods(order)) continue;
        const result = await routeAndReserve({ storage, machine, clock, router }, order.id, routeOptions);
        if (result?.ok === true && result.value.outcome === 'allocated') routed += 1;
      }
      for (const order of await storage.orders.listByStatus('on_hold', { limit: 500 })) {
        const last = order.history.at(-1);
        if (last?.reason === undefined || !last.reason.startsWith('ROUTING_') || !shipsGoods(order)) continue;
        const decision = router.route(order, router.snapshot({ at: clock.now(), stock: await stockFor(order), capacityUsed: [] }));
        if (decision.outcome !== 'allocate') continue;
        const result = await apply(order.id, { id: `${order.id}:restock:${order.version}`, type: 'approve', reason: 'stock available again: routed again' }, { actor: 'routing:recheck', current: order });
        if (result?.ok === true && !result.value.duplicate) released += 1;
      }
      return { routed, released };
    }) satisfies TaskHandler);
  }
  const stockFor = async (order: Order<string>) =>
    (await storage.inventory.getStockLevels({ skus: order.lines.map((line) => line.sku), warehouseIds: router?.network.warehouses.map((w) => w.id) ?? [] })).map((level) => ({
      warehouseId: level.warehouseId,
      sku: level.sku,
      available: level.available,
    }));
  if (jobs !== null) worker.register('job.run', jobs.handler);

  // Group commit: the relay publishes a batch's keys in parallel; their task changes wait for the
  // next turn of the event loop and commit as one unit. Each publish resolves only once its tasks
  // are committed (the relay marks an event delivered only then); when the shared unit fails, each
  // publish's changes are committed alone, so one event's problem never fails its neighbours.
  let pendingTasks: { changes: TaskChange[][]; waiters: { resolve: () => void; reject: (error: unknown) => void }[] } | null = null;
  const flushTasks = async (): Promise<void> => {
    const batch = pendingTasks;
    pendingTasks = null;
    if (batch === null) return;
    try {
      await storage.commit({ tasks: batch.changes.flat(), at: clock.now() });
      for (const waiter of batch.waiters) waiter.resolve();
    } catch (error) {
      if (batch.changes.length === 1) {
        batch.waiters[0]?.reject(error);
        return;
      }
      await Promise.all(
        batch.changes.map(async (changes, index) => {
          try {
            await storage.commit({ tasks: changes, at: clock.now() });
            batch.waiters[index]?.resolve();
          } catch (alone) {
            batch.waiters[index]?.reject(alone);
          }
        }),
      );
    }
  };
  const commitTasks = (changes: TaskChange[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (pendingTasks === null) {
        pendingTasks = { changes: [], waiters: [] };
        setImmediate(() => void flushTasks());
      }
      pendingTasks.changes.push(changes);
      pendingTasks.waiters.push({ resolve, reject });
    });

  // The fan-out: the relay hands every committed event here. Steps become tasks; each transport
  // gets the event now, and one that fails gets a delivery task, so a broker outage never holds
  // up the pipeline or the other transports. The tasks commit in one unit.
  const fanOut = {
    async publish(message: TransportMessage): Promise<void> {
      const changes: TaskChange[] = [];
      const payload = message.payload as { orderId?: unknown } | null;
      if (typeof payload === 'object' && payload !== null && typeof payload.orderId === 'string') {
        for (const step of stepsFor(message, enabled)) {
          // The step reads the order itself: the task keeps what woke it, never the order (nor its personal data).
          const wake = { id: message.id, topic: message.topic, key: message.key ?? payload.orderId, payload: { orderId: payload.orderId, ...(typeof (payload as { to?: unknown }).to === 'string' ? { to: (payload as { to: string }).to } : {}) } };
          changes.push(worker.enqueueChange({ kind: `step.${step}`, key: `${step}:${message.id}`, payload: { orderId: payload.orderId, message: wake } as unknown as JsonValue }));
        }
      }
      const failed = await Promise.all(
        routes.map(async (route) => {
          if (!route.patterns.some((pattern) => matchesTopic(pattern, message.topic))) return null;
          try {
            await route.transport.publish(message);
            return null;
          } catch (error) {
            logger.warn?.('a transport refused an event: a delivery task will retry it', { transport: route.name, topic: message.topic, messageId: message.id, code: (error as { code?: unknown })?.code });
            return route.name;
          }
        }),
      );
      for (const name of failed) {
        if (name !== null) changes.push(worker.enqueueChange({ kind: 'transport.deliver', key: `${name}:${message.id}`, payload: { transport: name, message } as unknown as JsonValue }));
      }
      if (changes.length > 0) await commitTasks(changes);
    },
  };
  const relay = createOutboxRelay({ storage, transport: fanOut, clock, owner, batchSize: 100 });
  // Sync, waybills and the runtime's webhook transports contribute their handlers to the one
  // worker. A transport with a delivery loop of its own (a webhook transport made without the runtime's worker) is driven here.
  const transportLoops = routes
    .map((route) => route.transport as unknown as { runOnce?: () => Promise<unknown>; deliveries?: unknown })
    .filter((t) => typeof t.runOnce === 'function' && t.deliveries !== worker);

  // Stock re-checks: one task per interval, however many processes ask (its key names the interval).
  let lastRecheckSlot = -1;

  const round = async (withRelay: boolean): Promise<RuntimeRound> => {
    const relayed = withRelay ? await relay.runOnce() : { succeeded: 0, retried: 0, deadLettered: 0 };
    if (recheckMs > 0 && enabled.has('routing')) {
      const slot = Math.floor(clock.millis() / recheckMs);
      if (slot !== lastRecheckSlot) {
        lastRecheckSlot = slot;
        const start = slot * recheckMs;
        const change = worker.enqueueChange({ kind: 'routing.recheck', key: `routing.recheck:${start}`, payload: null, dueAt: instantFromMillis(start) });
        await storage.tasks.enqueue(change.task, change.id, clock.now());
      }
    }
    const tasks = emptyRound();
    addRound(tasks, await worker.runOnce());
    for (const transport of transportLoops) {
      const result = (await transport.runOnce?.()) as Partial<TaskRound> | undefined;
      if (result !== undefined) addRound(tasks, { succeeded: result.succeeded ?? 0, retried: result.retried ?? 0, deadLettered: result.deadLettered ?? 0, lost: result.lost ?? 0 });
    }
    return { relayed: relayed.succeeded + relayed.retried + relayed.deadLettered, tasks };
  };

  const idle = async (): Promise<void> => {
    for (const route of routes) await (route.transport as { idle?: () => Promise<void> }).idle?.();
  };

  let runtimes = new Set<OrdoRuntime>();
  const reviewSchema = z.strictObject({ decision: z.enum(['approve', 'reject', 'hold']), by: z.string().min(1), reason: z.string().min(1) });

  const ordo: Ordo = Object.freeze({
    storage,
    clock,
    owner,
    machine,
    pipeline,
    transport: (routes[0]?.transport ?? createMemoryTransport()) as TransportPort,
    router,
    waybills,
    sync,
    jobs,
    tasks: worker,
    slas,
    zone,
    migrate: () => storage.migrate(),
    ingest: (payloads: readonly IngestPayload[]) => ingest(payloads, { storage, clock, channels, machine }),
    replay: (quarantineId: string, replayOptions: ReplayOptions = {}) => replayQuarantined(quarantineId, { storage, clock, channels, machine }, replayOptions),
    async createOrder(input: CreateOrderInput, createOptions: { readonly actor?: string } = {}) {
      const given = (input ?? {}) as Partial<CreateOrderInput>;
      const id = `${String(given.channel)}:${String(given.channelOrderId)}`;
      const order = machine.createOrder(input, { clock, ids: () => id, ...(createOptions.actor === undefined ? {} : { actor: createOptions.actor }) });
      const stored = await insertOrFindOrder(storage, order);
      if (stored.created) return { order, created: true };
      const storedPrint = stored.order.history[0]?.fingerprint;
      const sentPrint = order.history[0]?.fingerprint;
      if (storedPrint !== undefined && sentPrint !== undefined && storedPrint !== sentPrint) {
        throw new IdempotencyError(id, { kind: 'Channel order', details: { orderId: stored.order.id, reason: 'this channel order was created before with other content: send a change as an event' } });
      }
      return { order: stored.order as Order<OrderStatus>, created: false };
    },
    apply,
    get: (orderId: string) => storage.orders.get(orderId) as Promise<Order<OrderStatus> | null>,
    async review(orderId: string, decision: ReviewDecision) {
      const checked = parseOptions('review decision', reviewSchema, decision);
      const order = await storage.orders.get(orderId);
      if (order === null) return null;
      const reason = maskLongDigitRuns(checked.reason);
      const id = `${order.id}:review:${order.version}`;
      const details = { step: 'review', decision: checked.decision, by: checked.by };
      const event: DefaultOrderEvent = checked.decision === 'hold' ? { id, type: 'hold', reason, details } : { id, type: checked.decision, reason, details };
      return apply(order.id, event, { actor: checked.by, current: order });
    },
    async reevaluate(orderId: string) {
      const order = await storage.orders.get(orderId);
      return order === null ? null : reevaluate(order, 'asked for (ordo.reevaluate)');
    },
    async explain(orderId: string): Promise<OrderExplanation | null> {
      const order = await storage.orders.get(orderId);
      if (order === null) return null;
      const history: HistoryEntry<string>[] = order.history.length > 0 ? order.history : await storage.orders.history(order.id);
      const waybillList: ExplainedWaybill[] = waybills === null ? [] : (await waybills.waybillsOf(order.id)).map((w) => ({ warehouseId: w.warehouseId, waybillNo: w.waybillNo, carrier: w.carrier, cancelled: w.cancelled }));
      const open: ExplainedTask[] = [];
      for (const status of ['pending', 'leased', 'dead'] as const) {
        for (const task of await storage.tasks.list({ status, limit: 1_000 })) {
          const inner = (task.payload as { payload?: { orderId?: unknown; key?: unknown } } | null)?.payload;
          if (!task.key.includes(order.id) && inner?.orderId !== order.id && inner?.key !== order.id) continue;
          open.push({ queue: task.queue, key: task.key, status: task.status, attempts: task.attempts, dueAt: task.dueAt, ...(task.lastError === undefined ? {} : { lastError: maskLongDigitRuns(task.lastError) }) });
        }
      }
      const base = {
        orderId: order.id,
        channel: order.channel,
        channelOrderId: order.channelOrderId,
        status: order.status,
        version: order.version,
        history,
        waybills: waybillList,
        tasks: open,
        waitingOn: waitingOn(order, { approval: enabled.has('approval'), routing: enabled.has('routing'), ships: shipsGoods(order) }),
      };
      return { ...base, text: formatExplanation(base, zone, formatMoney(order.totals.total)) };
    },
    async reconcile(reconcileOptions: { readonly limit?: number } = {}): Promise<RuntimeReconciliation> {
      const limit = reconcileOptions.limit ?? Number.POSITIVE_INFINITY;
      const targets = (parsed.sync?.targets ?? []).map((config) => ({ config, spec: compileDiffSpec(config.spec), tally: { system: config.target.system, compared: 0, inSync: 0, missing: 0, different: 0, examples: [] as { orderId: string; fields: string[] }[] } }));
      let orders = 0;
      let after: string | null = null;
      do {
        const page: Page<OrderMeasure> = await storage.orders.measure({ after, limit: 500 });
        for (const measured of page.items) {
          if (orders >= limit) break;
          orders += 1;
          const order = await storage.orders.get(measured.id);
          if (order === null) continue;
          for (const { config, spec, tally } of targets) {
            if (config.statuses !== undefined && !config.statuses.includes(order.status)) continue;
            tally.compared += 1;
            let ours: JsonValue;
            try {
              ours = config.toTarget === undefined ? (order as unknown as JsonValue) : config.toTarget(order as unknown as JsonValue);
            } catch {
              continue; // a status the target has no code for: sync reports it, not reconciliation
            }
            const theirs = await config.target.read(order.id, { signal: AbortSignal.timeout(30_000) });
            if (theirs === undefined || theirs === null) {
              tally.missing += 1;
              if (tally.examples.length < 100) tally.examples.push({ orderId: order.id, fields: ['(missing)'] });
              continue;
            }
            const differences = diffRecords(ours, theirs, spec).differences;
            if (differences.length === 0) tally.inSync += 1;
            else {
              tally.different += 1;
              if (tally.examples.length < 100) tally.examples.push({ orderId: order.id, fields: [...new Set(differences.map((d) => d.path.join('.')))] });
            }
          }
        }
        after = orders >= limit ? null : page.next;
      } while (after !== null);
      return { orders, targets: targets.map((target) => target.tally) };
    },
    async settle(settleOptions: { readonly maxRounds?: number } = {}): Promise<SettleReport> {
      const maxRounds = settleOptions.maxRounds ?? 1_000;
      const tasks = emptyRound();
      let relayed = 0;
      for (let rounds = 1; rounds <= maxRounds; rounds++) {
        const done = await round(true);
        await idle();
        relayed += done.relayed;
        addRound(tasks, done.tasks);
        if (done.relayed === 0 && !worked(done.tasks)) return { rounds, settled: true, relayed, tasks };
      }
      return { rounds: maxRounds, settled: false, relayed, tasks };
    },
    async run(runOptions: { readonly signal?: AbortSignal; readonly concurrency?: number } = {}): Promise<OrdoRuntime> {
      const concurrency = runOptions.concurrency ?? 1;
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new ValidationError('ordo.run options', [{ code: 'invalid_value', path: ['concurrency'], message: 'Expected a whole number of loops from 1 to 64' }], { code: 'INVALID_OPTIONS' });
      }
      if (jobs !== null) {
        await jobs.verify();
        for (const entry of jobEntries) {
          if (entry.schedule !== undefined) await worker.recurring({ name: `job:${entry.job.id}`, schedule: entry.schedule, kind: 'job.run', payload: { job: entry.job.id } });
        }
      }
      const stopping = new AbortController();
      let hardStop: (() => void) | undefined;
      const hard = new Promise<void>((resolve) => {
        hardStop = resolve;
      });
      let rounds = 0;
      let lastRoundAt: Instant | null = null;
      let lastError: string | null = null;
      const loop = async (index: number): Promise<void> => {
        while (!stopping.signal.aborted) {
          let busy = false;
          try {
            const done = await round(index === 0);
            busy = done.relayed > 0 || worked(done.tasks);
            rounds += 1;
            lastRoundAt = clock.now();
            lastError = null;
          } catch (error) {
            lastError = maskLongDigitRuns(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
            logger.error?.('a runtime round failed; the loop goes on', { owner, error: lastError, code: (error as { code?: unknown })?.code });
          }
          if (!busy && !stopping.signal.aborted) await defaultSleep(parsed.pollIntervalMs, stopping.signal);
        }
      };
      const loops = Promise.all(Array.from({ length: concurrency }, (_, index) => loop(index)));
      let stopCalls = 0;
      const stop = async (): Promise<void> => {
        stopCalls += 1;
        if (stopCalls > 1) {
          hardStop?.();
          return;
        }
        stopping.abort();
        await Promise.race([loops, hard]);
        runtimes.delete(runtime);
      };
      const onAbort = (): void => {
        void stop();
      };
      runOptions.signal?.addEventListener('abort', onAbort);
      if (runOptions.signal?.aborted === true) onAbort();
      const runtime: OrdoRuntime = {
        async health(): Promise<RuntimeHealth> {
          const now = clock.millis();
          const pending = await storage.outbox.list({ status: 'pending', limit: 1_000 });
          const oldest = pending.reduce<number | null>((min, message) => {
            const at = instantToMillis(message.createdAt);
            return min === null || at < min ? at : min;
          }, null);
          let due = 0;
          let oldestDue: number | null = null;
          for (const task of await storage.tasks.list({ queue: QUEUE, status: 'pending', limit: 1_000 })) {
            const at = instantToMillis(task.dueAt);
            if (at > now) continue;
            due += 1;
            if (oldestDue === null || at < oldestDue) oldestDue = at;
          }
          const dead = (await storage.tasks.list({ queue: QUEUE, status: 'dead', limit: 1_000 })).length;
          return {
            owner,
            state: stopCalls === 0 ? 'running' : runtimes.has(runtime) ? 'stopping' : 'stopped',
            rounds,
            lastRoundAt,
            lastError,
            outbox: { pending: pending.length, oldestAgeMs: oldest === null ? null : Math.max(0, now - oldest) },
            tasks: { due, oldestDueAgeMs: oldestDue === null ? null : Math.max(0, now - oldestDue), deadLettered: dead },
          };
        },
        stop,
        [Symbol.asyncDispose]: stop,
      };
      runtimes.add(runtime);
      logger.info?.('ordo is running', { owner, concurrency, steps: [...enabled] });
      return runtime;
    },
    async close(): Promise<void> {
      await Promise.all([...runtimes].map((runtime) => runtime.stop()));
      runtimes = new Set();
      for (const route of routes) await route.transport.close();
      await storage.close();
    },
  });
  return ordo;
}
