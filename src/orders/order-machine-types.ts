// The shapes of an order machine: its definition, its transition context and results, its API.
import type { Clock } from '../clock/clock.js';
import type { Instant } from '../clock/instant.js';
import type { IdempotencyError } from '../errors/idempotency-error.js';
import type { TransitionError } from '../errors/transition-error.js';
import type { ValidationError } from '../errors/validation-error.js';
import type { CreateOrderContext, CreateOrderInput } from './create-order.js';
import type { OrderEffect } from './order-effects.js';
import type { AnyOrderEvent, CustomOrderEvent, DefaultOrderEvent, OrderEventBase, OrderEventType } from './order-events.js';
import type { DEFAULT_ORDER_GUARD_NAMES } from './order-guards.js';
import type { OrderStatus, StatusDefinition } from './order-statuses.js';
import type { HistoryEntry, Order } from './order.js';
import type { Result } from '../errors/result.js';

/** A guard name of the default lifecycle. */
export type DefaultOrderGuardName = (typeof DEFAULT_ORDER_GUARD_NAMES)[number];

/** What `transition`, guards and hooks get from the caller. */
export interface TransitionContext {
  /** The only source of "now": history `at`, `updatedAt`, `statusEnteredAt`. */
  readonly clock: Clock;
  /**
   * Who applies the event when the event does not say.
   * @default 'system'
   */
  readonly actor?: string;
}

/** A guard's answer: `true` to allow, or the reason it refuses, for people. */
export type GuardVerdictValue = true | string;

/** A guard: pure, fast, and told everything it may look at. */
export type OrderGuardFn = (order: Order<string>, event: AnyOrderEvent, context: TransitionContext) => GuardVerdictValue;

/**
 * A guard, either as a function or with a payload-free `dryRun` for {@link OrderMachine.nextEvents}.
 * A plain function is also used by `nextEvents`, called with an event that has only `id` and
 * `type`; give `dryRun` when the guard reads the event's payload.
 */
export type OrderGuardSpec =
  | OrderGuardFn
  | {
      readonly check: OrderGuardFn;
      /** Could some payload pass? Used by `nextEvents` instead of `check`. */
      readonly dryRun?: (order: Order<string>, context: TransitionContext) => GuardVerdictValue;
      readonly description?: string;
    };

/** The data an event changes; the machine itself sets status, version, history and times. */
export type OrderPatch = Partial<
  Pick<Order<string>, 'lines' | 'payment' | 'shipments' | 'totals' | 'attributes' | 'shippingAddress' | 'customerRef'>
>;

/** Everything known about an applied transition; what effect builders and hooks receive. */
export interface TransitionChange<S extends string = string> {
  /** The order before the event (never mutated). */
  readonly previous: Order<S>;
  /** The order after the event. */
  readonly order: Order<S>;
  readonly event: AnyOrderEvent;
  readonly from: S;
  readonly to: S;
  readonly actor: string;
  readonly at: Instant;
  readonly context: TransitionContext;
}

/** A status in a definition: what it means, and whether the lifecycle ends there. */
export interface OrderStatusSpec {
  /** One sentence: what is true of an order in this status. */
  readonly description: string;
  /**
   * No event leads out (refunds aside). Terminal statuses end in `[*]` in the diagram and are
   * excluded from `from: '*'`.
   * @default false
   */
  readonly terminal?: boolean;
}

/** One way an event can move an order. */
export interface OrderTransitionSpec<S extends string = string, G extends string = string> {
  /**
   * The statuses it applies in. `'*'` means every non-terminal status except this transition's
   * own targets (so `flag_exception` does not loop on `exception`).
   */
  readonly from: S | readonly S[] | '*';
  /** The target, or the possible targets when `choose` picks one (e.g. `ship`). */
  readonly to: S | readonly S[];
  /** Guard names, checked in order; the first refusal wins. */
  readonly guards?: readonly G[];
  /** Picks the target among `to` from the updated order; required when `to` lists several. */
  readonly choose?: (next: Order<string>, event: AnyOrderEvent) => S;
  /** The data changes, pure: return a patch (or nothing) and never mutate `order`. */
  readonly apply?: (order: Order<string>, event: AnyOrderEvent, at: Instant) => OrderPatch | undefined;
  /** Effects of this transition besides `status_changed`. */
  readonly effects?: (change: TransitionChange) => readonly OrderEffect[] | undefined;
}

/** An event in a definition. */
export interface OrderEventSpec<S extends string = string, G extends string = string> {
  readonly description?: string;
  /**
   * For an event the base lifecycle already has: `append` adds these transitions after the
   * base ones (they act as fallbacks where both apply); `replace` drops the base ones.
   * @default 'append'
   */
  readonly merge?: 'append' | 'replace';
  readonly transitions: readonly OrderTransitionSpec<S, G>[];
}

/** Hooks run on every applied transition; they add effects, never change the order. */
export interface OrderMachineHooks {
  /** Each returns effects to append after the transition's own. */
  readonly onTransition?: readonly ((change: TransitionChange) => readonly OrderEffect[] | undefined | void)[];
}

/** Which lifecycle a definition extends. */
export type OrderMachineBase = 'default' | 'none';

/** The statuses of a machine built from a definition. */
export type MachineStatus<NS extends string, B extends OrderMachineBase> = B extends 'none' ? NS : OrderStatus | NS;

/** The events of a machine built from a definition. */
export type MachineEvent<NE extends string, B extends OrderMachineBase> = B extends 'none'
  ? [NE] extends [never]
    ? never
    : CustomOrderEvent<NE>
  : [Exclude<NE, OrderEventType>] extends [never]
    ? DefaultOrderEvent
    : DefaultOrderEvent | CustomOrderEvent<Exclude<NE, OrderEventType>>;

/** The guard names a definition may use. */
export type MachineGuard<NG extends string, B extends OrderMachineBase> = B extends 'none' ? NG : DefaultOrderGuardName | NG;

/**
 * What `createOrderMachine(definition)` accepts. Status, event and guard names are inferred from
 * the keys, so a misspelt status in `from`, `to` or `initial` does not compile.
 */
export interface OrderMachineDefinition<
  NS extends string = string,
  NE extends string = string,
  NG extends string = string,
  B extends OrderMachineBase = OrderMachineBase,
> {
  /**
   * `default` merges this definition into the default lifecycle; `none` starts empty.
   * @default 'default'
   */
  readonly base?: B;
  /**
   * The status new orders start in.
   * @default 'pending_payment' (required with base 'none')
   */
  readonly initial?: NoInfer<MachineStatus<NS, B>>;
  /** Statuses to add (or, for a default status, to redescribe). */
  readonly statuses?: { readonly [K in NS]: OrderStatusSpec };
  /** Events to add, or default events to extend or replace. */
  readonly events?: { readonly [K in NE]: OrderEventSpec<NoInfer<MachineStatus<NS, B>>, NoInfer<MachineGuard<NG, B>>> };
  /** Guards to add; a default guard's name replaces it. */
  readonly guards?: { readonly [K in NG]: OrderGuardSpec };
  readonly hooks?: OrderMachineHooks;
}

/** Why an event was not applied: refused by the lifecycle, not valid data, or a reused id. */
export type OrderEventError = TransitionError | ValidationError | IdempotencyError;

/** What one accepted event made: the new order, its effects and the entry it appended. */
export interface Transition<S extends string = OrderStatus> {
  /** The new order; the input order when `duplicate`. */
  readonly order: Order<S>;
  /** To run after commit; empty for a duplicate. */
  readonly effects: readonly OrderEffect[];
  /** The history entry appended (what storage's `newHistory` needs); null for a duplicate. */
  readonly entry: HistoryEntry<S> | null;
  /** The event id was already in the history: nothing changed. */
  readonly duplicate: boolean;
}

/**
 * The result of one event, Ordo's one result shape: `{ ok: true, value }` with the
 * {@link Transition}, or `{ ok: false, error }`: `ILLEGAL_TRANSITION` or `GUARD_REJECTED`
 * ({@link TransitionError}); `VALIDATION_FAILED` for an event that is not valid data (no id, a
 * non-string id, a function in the payload); `IDEMPOTENCY_MISMATCH` for an id already applied
 * with another type or payload.
 */
export type TransitionResult<S extends string = OrderStatus> = Result<Transition<S>, OrderEventError>;

/** What a batch of accepted events made. */
export interface AppliedEvents<S extends string = OrderStatus> {
  readonly order: Order<S>;
  /** Effects of every applied event, in order. */
  readonly effects: readonly OrderEffect[];
  /** History entries appended, in order (duplicates add none). */
  readonly entries: readonly HistoryEntry<S>[];
  /** How many events were duplicates. */
  readonly duplicates: number;
}

/**
 * The result of folding several events: `{ ok: true, value }`, or `{ ok: false, error, index }`
 * with the position of the refused event (nothing of the batch should be committed).
 */
export type ApplyResult<S extends string = OrderStatus> =
  | { readonly ok: true; readonly value: AppliedEvents<S> }
  | { readonly ok: false; readonly error: OrderEventError; readonly index: number };

/** One guard's verdict in a dry run. */
export interface GuardVerdict {
  readonly guard: string;
  readonly ok: boolean;
  readonly reason?: string;
}

/** An event the order's status accepts, with the guards' verdicts (a dry run). */
export interface NextEvent<S extends string = OrderStatus, T extends string = OrderEventType> {
  readonly type: T;
  /** Some payload could pass every guard of some transition. */
  readonly allowed: boolean;
  /** Where it may lead. */
  readonly targets: readonly S[];
  /** The verdicts of the first passing transition's guards, or of every transition when none passes. */
  readonly guards: readonly GuardVerdict[];
}

/** One transition as the machine describes itself. */
export interface TransitionInfo<S extends string = string> {
  readonly from: readonly S[];
  readonly to: readonly S[];
  readonly guards: readonly string[];
}

/** An event as the machine describes itself. */
export interface EventInfo<S extends string = string> {
  readonly description: string;
  readonly transitions: readonly TransitionInfo<S>[];
}

/** A validated, compiled order lifecycle. Pure: no I/O, no time of its own. */
export interface OrderMachine<S extends string = OrderStatus, E extends OrderEventBase<string> = DefaultOrderEvent> {
  /** The status new orders start in. */
  readonly initial: S;
  /** The status dictionary, as data: every status with its written definition. */
  readonly statuses: Readonly<Record<S, StatusDefinition>>;
  /** Every event with its transitions and guards, as data. */
  readonly events: Readonly<Record<E['type'], EventInfo<S>>>;
  /**
   * Applies one event without mutating anything. Refusals are returned, never thrown:
   * `ILLEGAL_TRANSITION` (no transition for this status and event) or `GUARD_REJECTED`.
   * An event id already in the history is a no-op with `duplicate: true`.
   */
  transition(order: Order<S>, event: E, context: TransitionContext): TransitionResult<S>;
  /** Folds events in order; stops at the first refusal. */
  apply(order: Order<S>, events: readonly E[], context: TransitionContext): ApplyResult<S>;
  /**
   * The events the order's status accepts, with each guard's verdict. Guards that read the
   * payload answer whether some payload could pass (e.g. `ship`: is any unit allocated and not
   * shipped). `context` defaults to one whose clock throws if a guard reads the time.
   */
  nextEvents(order: Order<S>, context?: TransitionContext): NextEvent<S, E['type']>[];
  /** The lifecycle as a Mermaid `stateDiagram-v2`. */
  toMermaid(): string;
  /** {@link createOrder} in this machine's initial status. */
  createOrder(input: CreateOrderInput, context: Omit<CreateOrderContext<S>, 'initialStatus'>): Order<S>;
}
