// createOrderMachine: validates a lifecycle definition once, then applies events as a pure, fast lookup.
import type { Instant } from '../clock/instant.js';
import type { JsonValue } from '../ports/json.js';
import { DefinitionError, type DefinitionProblem } from '../errors/definition-error.js';
import { IdempotencyError } from '../errors/idempotency-error.js';
import { TransitionError } from '../errors/transition-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { createOrder } from './create-order.js';
import { DEFAULT_ORDER_LIFECYCLE } from './default-order-lifecycle.js';
import { checkOrderEvent } from './order-event-check.js';
import type { OrderEffect } from './order-effects.js';
import type { AnyOrderEvent, DefaultOrderEvent, OrderEventBase } from './order-events.js';
import type {
  ApplyResult,
  EventInfo,
  GuardVerdict,
  GuardVerdictValue,
  MachineEvent,
  MachineStatus,
  NextEvent,
  OrderGuardFn,
  OrderGuardSpec,
  OrderMachine,
  OrderMachineBase,
  OrderMachineDefinition,
  OrderMachineHooks,
  OrderPatch,
  OrderStatusSpec,
  OrderTransitionSpec,
  TransitionChange,
  TransitionContext,
  TransitionResult,
} from './order-machine-types.js';
import type { OrderStatus, StatusDefinition } from './order-statuses.js';
import type { HistoryEntry, Order } from './order.js';

type Path = (string | number)[];

interface CompiledGuard {
  readonly name: string;
  readonly check: OrderGuardFn;
  readonly dryRun: ((order: Order<string>, context: TransitionContext) => GuardVerdictValue) | undefined;
}

interface CompiledTransition {
  readonly event: string;
  readonly from: readonly string[];
  readonly targets: readonly string[];
  /** The target when there is only one (no `choose`). */
  readonly target: string | undefined;
  readonly guards: readonly CompiledGuard[];
  readonly guardNames: readonly string[];
  readonly choose: ((next: Order<string>, event: AnyOrderEvent) => string) | undefined;
  readonly apply: ((order: Order<string>, event: AnyOrderEvent, at: Instant) => OrderPatch | undefined) | undefined;
  readonly effects: ((change: TransitionChange) => readonly OrderEffect[] | undefined) | undefined;
}

type Hook = (change: TransitionChange) => readonly OrderEffect[] | undefined | void;

interface SourcedTransition {
  readonly spec: OrderTransitionSpec;
  readonly path: Path;
  /** Where it came from, for messages: default transitions and yours can share a path. */
  readonly label: string;
}

const NO_EFFECTS: readonly OrderEffect[] = Object.freeze([]);

/** Used by `nextEvents` when no context is given: guards may not read the time in a dry run. */
const DRY_RUN_CONTEXT: TransitionContext = Object.freeze({
  clock: Object.freeze({
    now(): never {
      throw new TypeError('nextEvents(order) was called without a context, but a guard read the clock: pass nextEvents(order, { clock })');
    },
    millis(): never {
      throw new TypeError('nextEvents(order) was called without a context, but a guard read the clock: pass nextEvents(order, { clock })');
    },
  }),
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? (value as readonly T[]) : [value as T]);

function compileGuard(name: string, spec: OrderGuardSpec): CompiledGuard {
  if (typeof spec === 'function') return { name, check: spec, dryRun: undefined };
  return { name, check: spec.check, dryRun: spec.dryRun };
}

/**
 * Builds an order machine. Without a definition: the default lifecycle. With one: its statuses,
 * events, guards and hooks merged into the default lifecycle (or, with `base: 'none'`, alone).
 * Validated once, here; every problem comes back in one {@link DefinitionError}.
 *
 * Merging: statuses and guards are added, or replace the default of the same name; an event's
 * transitions are appended to the default event's (`merge: 'replace'` drops the default ones);
 * hooks are added.
 *
 * @throws DefinitionError `INVALID_MACHINE_DEFINITION` listing unknown source and target
 * statuses, unreachable statuses, non-terminal dead ends, events without transitions, unknown
 * guards, transitions that can never run, and a missing or unknown initial status.
 * @example
 * const machine = createOrderMachine({
 *   statuses: { awaiting_customs: { description: 'Held by customs until cleared.' } },
 *   events: {
 *     declare_customs: { transitions: [{ from: 'packed', to: 'awaiting_customs', guards: ['has_customs_papers'] }] },
 *     ship: { transitions: [{ ...DEFAULT_ORDER_LIFECYCLE.events.ship.transitions[0], from: 'awaiting_customs' }] },
 *   },
 *   guards: { has_customs_papers: (order) => order.attributes.customsDeclaration ? true : 'No customs declaration' },
 * });
 */
export function createOrderMachine(): OrderMachine<OrderStatus, DefaultOrderEvent>;
export function createOrderMachine<
  const NS extends string = never,
  const NE extends string = never,
  const NG extends string = never,
  const B extends OrderMachineBase = 'default',
>(definition: OrderMachineDefinition<NS, NE, NG, B>): OrderMachine<MachineStatus<NS, B>, MachineEvent<NE, B>>;
export function createOrderMachine(
  definition: OrderMachineDefinition<string, string, string, OrderMachineBase> = {},
): OrderMachine<string, OrderEventBase<string>> {
  const problems: DefinitionProblem[] = [];
  const problem = (code: string, path: Path, message: string): void => {
    problems.push({ code, path, message });
  };
  if (!isRecord(definition)) {
    throw new DefinitionError('order machine definition', [{ code: 'invalid_definition', path: [], message: 'Expected an object' }]);
  }
  const base = definition.base ?? 'default';
  if (base !== 'default' && base !== 'none') problem('invalid_base', ['base'], `Expected 'default' or 'none', got ${JSON.stringify(base)}`);
  const withDefault = base !== 'none';

  // Statuses: default ones first, in dictionary order, then the definition's.
  const statuses = new Map<string, StatusDefinition>();
  if (withDefault) {
    for (const [name, spec] of Object.entries(DEFAULT_ORDER_LIFECYCLE.statuses)) {
      statuses.set(name, { description: spec.description, terminal: spec.terminal ?? false });
    }
  }
  for (const [name, spec] of sectionEntries<OrderStatusSpec>(definition.statuses, 'statuses', problem)) {
    if (!isRecord(spec) || typeof spec.description !== 'string' || spec.description.trim() === '') {
      problem('missing_description', ['statuses', name, 'description'], `Status "${name}" needs a written description`);
    }
    statuses.set(name, { description: isRecord(spec) ? String(spec.description ?? '') : '', terminal: isRecord(spec) && spec.terminal === true });
  }

  const guards = new Map<string, CompiledGuard>();
  if (withDefault) for (const [name, spec] of Object.entries(DEFAULT_ORDER_LIFECYCLE.guards)) guards.set(name, compileGuard(name, spec));
  for (const [name, spec] of sectionEntries<OrderGuardSpec>(definition.guards, 'guards', problem)) {
    if (typeof spec === 'function' || (isRecord(spec) && typeof spec.check === 'function')) guards.set(name, compileGuard(name, spec));
    else problem('invalid_guard', ['guards', name], `Guard "${name}" must be a function or { check, dryRun? }`);
  }

  // Events: default transitions keep their place; the definition's are appended or replace them.
  const eventDescriptions = new Map<string, string>();
  const eventTransitions = new Map<string, SourcedTransition[]>();
  if (withDefault) {
    for (const [name, spec] of Object.entries(DEFAULT_ORDER_LIFECYCLE.events)) {
      eventDescriptions.set(name, spec.description ?? '');
      eventTransitions.set(
        name,
        spec.transitions.map((t, i) => ({ spec: t as OrderTransitionSpec, path: ['events', name, 'transitions', i], label: `the default lifecycle's events.${name}.transitions.${i}` })),
      );
    }
  }
  for (const [name, spec] of sectionEntries<{ description?: string; merge?: unknown; transitions?: unknown }>(definition.events, 'events', problem)) {
    if (!isRecord(spec)) {
      problem('invalid_event', ['events', name], `Event "${name}" must be { transitions: [...] }`);
      eventTransitions.set(name, eventTransitions.get(name) ?? []);
      continue;
    }
    if (spec.merge !== undefined && spec.merge !== 'append' && spec.merge !== 'replace') {
      problem('invalid_merge', ['events', name, 'merge'], `Expected 'append' or 'replace', got ${JSON.stringify(spec.merge)}`);
    }
    if (typeof spec.description === 'string') eventDescriptions.set(name, spec.description);
    else if (!eventDescriptions.has(name)) eventDescriptions.set(name, '');
    const own = Array.isArray(spec.transitions)
      ? (spec.transitions as OrderTransitionSpec[]).map((t, i) => ({ spec: t, path: ['events', name, 'transitions', i], label: `events.${name}.transitions.${i}` }))
      : [];
    if (!Array.isArray(spec.transitions)) problem('invalid_event', ['events', name, 'transitions'], `Event "${name}" needs a transitions array`);
    const kept = spec.merge === 'replace' ? [] : (eventTransitions.get(name) ?? []);
    eventTransitions.set(name, [...kept, ...own]);
  }

  const initial: string | undefined = (definition.initial as string | undefined) ?? (withDefault ? DEFAULT_ORDER_LIFECYCLE.initial : undefined);
  if (initial === undefined) problem('missing_initial', ['initial'], 'A machine with base "none" needs an initial status');
  else if (!statuses.has(initial)) problem('unknown_initial', ['initial'], `Initial status "${initial}" is not a status of this machine`);

  const hooks: Hook[] = [];
  const hookList = (definition.hooks as OrderMachineHooks | undefined)?.onTransition;
  if (hookList !== undefined) {
    if (!Array.isArray(hookList)) problem('invalid_hook', ['hooks', 'onTransition'], 'Expected an array of functions');
    else hookList.forEach((hook, i) => (typeof hook === 'function' ? hooks.push(hook) : problem('invalid_hook', ['hooks', 'onTransition', i], 'Expected a function')));
  }

  // Compile transitions into: event type -> status -> candidates, in declaration order.
  const nonTerminal = [...statuses].filter(([, s]) => !s.terminal).map(([name]) => name);
  const table = new Map<string, Map<string, CompiledTransition[]>>();
  const candidateLabels = new Map<CompiledTransition, string>();
  const eventInfos: Record<string, EventInfo> = {};
  for (const [event, sourced] of eventTransitions) {
    const byStatus = new Map<string, CompiledTransition[]>();
    table.set(event, byStatus);
    if (sourced.length === 0) problem('no_transitions', ['events', event, 'transitions'], `Event "${event}" has no transition`);
    const infos: EventInfo['transitions'][number][] = [];
    for (const { spec, path, label } of sourced) {
      const compiled = compileTransition(event, spec, path, statuses, guards, nonTerminal, problem);
      if (compiled === undefined) continue;
      infos.push(Object.freeze({ from: Object.freeze([...compiled.from]), to: Object.freeze([...compiled.targets]), guards: Object.freeze([...compiled.guardNames]) }));
      candidateLabels.set(compiled, label);
      for (const from of compiled.from) {
        const list = byStatus.get(from);
        if (list === undefined) {
          byStatus.set(from, [compiled]);
          continue;
        }
        const open = list.find((c) => c.guards.length === 0);
        if (open !== undefined) {
          problem(
            'shadowed_transition',
            path,
            `"${event}" from "${from}" can never use this transition: an earlier one (${candidateLabels.get(open) ?? '?'}) has no guard`,
          );
        }
        list.push(compiled);
      }
    }
    eventInfos[event] = Object.freeze({ description: eventDescriptions.get(event) ?? '', transitions: Object.freeze(infos) });
  }

  if (initial !== undefined && statuses.has(initial)) {
    const reached = new Set<string>([initial]);
    const queue = [initial];
    while (queue.length > 0) {
      const status = queue.pop() as string;
      for (const byStatus of table.values()) {
        for (const candidate of byStatus.get(status) ?? []) {
          for (const target of candidate.targets) {
            if (!reached.has(target)) {
              reached.add(target);
              queue.push(target);
            }
          }
        }
      }
    }
    for (const name of statuses.keys()) {
      if (!reached.has(name)) problem('unreachable_status', ['statuses', name], `Status "${name}" cannot be reached from "${initial}"`);
    }
  }
  for (const name of nonTerminal) {
    let leaves = false;
    for (const byStatus of table.values()) if (byStatus.has(name)) leaves = true;
    if (!leaves) {
      problem('dead_end_status', ['statuses', name], `Status "${name}" is not terminal but no event leads out of it; mark it terminal or add a transition`);
    }
  }

  if (problems.length > 0) throw new DefinitionError('order machine definition', problems);
  return buildMachine(initial as string, statuses, table, eventInfos, hooks);
}

function sectionEntries<T>(section: unknown, name: string, problem: (code: string, path: Path, message: string) => void): [string, T][] {
  if (section === undefined) return [];
  if (!isRecord(section)) {
    problem('invalid_section', [name], `Expected an object keyed by ${name.replace(/s$/, '')} name`);
    return [];
  }
  return Object.entries(section) as [string, T][];
}

function compileTransition(
  event: string,
  spec: OrderTransitionSpec,
  path: Path,
  statuses: ReadonlyMap<string, StatusDefinition>,
  guards: ReadonlyMap<string, CompiledGuard>,
  nonTerminal: readonly string[],
  problem: (code: string, path: Path, message: string) => void,
): CompiledTransition | undefined {
  if (!isRecord(spec)) {
    problem('invalid_transition', path, 'Expected { from, to, guards?, apply?, choose?, effects? }');
    return undefined;
  }
  let ok = true;
  const targets = spec.to === undefined ? [] : asList(spec.to);
  if (targets.length === 0) {
    problem('missing_target', [...path, 'to'], `A transition of "${event}" needs a target status`);
    ok = false;
  }
  targets.forEach((target, i) => {
    if (!statuses.has(target)) {
      problem('unknown_target', Array.isArray(spec.to) ? [...path, 'to', i] : [...path, 'to'], `Unknown target status "${String(target)}" in "${event}"`);
      ok = false;
    }
  });
  if (targets.length > 1 && typeof spec.choose !== 'function') {
    problem('missing_choose', [...path, 'choose'], `"${event}" lists several targets and needs choose(order, event) to pick one`);
    ok = false;
  }
  let from: readonly string[];
  if (spec.from === '*') {
    from = nonTerminal.filter((status) => !targets.includes(status));
  } else {
    from = spec.from === undefined ? [] : asList(spec.from);
    if (from.length === 0) {
      problem('missing_source', [...path, 'from'], `A transition of "${event}" needs a source status or '*'`);
      ok = false;
    }
    from.forEach((source, i) => {
      if (!statuses.has(source)) {
        problem('unknown_source', Array.isArray(spec.from) ? [...path, 'from', i] : [...path, 'from'], `Unknown source status "${String(source)}" in "${event}"`);
        ok = false;
      }
    });
  }
  const guardNames = spec.guards ?? [];
  const compiledGuards: CompiledGuard[] = [];
  guardNames.forEach((name, i) => {
    const guard = guards.get(name);
    if (guard === undefined) {
      problem('unknown_guard', [...path, 'guards', i], `Unknown guard "${String(name)}" in "${event}"`);
      ok = false;
    } else compiledGuards.push(guard);
  });
  for (const key of ['apply', 'choose', 'effects'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'function') {
      problem('invalid_transition', [...path, key], `${key} must be a function`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return {
    event,
    from,
    targets,
    target: targets.length === 1 ? targets[0] : undefined,
    guards: compiledGuards,
    guardNames: [...guardNames],
    choose: targets.length > 1 ? spec.choose : undefined,
    apply: spec.apply,
    effects: spec.effects,
  };
}

function buildMachine(
  initial: string,
  statusMap: ReadonlyMap<string, StatusDefinition>,
  table: ReadonlyMap<string, ReadonlyMap<string, readonly CompiledTransition[]>>,
  eventInfos: Record<string, EventInfo>,
  hooks: readonly Hook[],
): OrderMachine<string, OrderEventBase<string>> {
  const statuses: Record<string, StatusDefinition> = {};
  for (const [name, definition] of statusMap) statuses[name] = Object.freeze({ ...definition });
  const dryRunEvents = new Map<string, AnyOrderEvent>();
  for (const type of table.keys()) dryRunEvents.set(type, Object.freeze({ id: '(dry-run)', type }));

  function transition(order: Order<string>, event: OrderEventBase<string>, context: TransitionContext): TransitionResult<string> {
    if (typeof order !== 'object' || order === null || !Array.isArray(order.history)) {
      return { ok: false, error: new ValidationError('order', [{ code: 'invalid_type', path: [], message: 'Expected a stored order with its history' }]) };
    }
    if (typeof context?.clock?.now !== 'function') {
      return { ok: false, error: new ValidationError('transition context', [{ code: 'invalid_type', path: ['clock'], message: 'Expected a context with a clock: transition(order, event, { clock })' }]) };
    }
    const checked = checkOrderEvent(event);
    if (!checked.ok) return { ok: false, error: checked.error };
    const fingerprint = checked.value.fingerprint;
    const history = order.history;
    for (let i = history.length - 1; i >= 0; i--) {
      const applied = history[i] as HistoryEntry<string>;
      if (applied.eventId !== event.id) continue;
      // A redelivery is the same event; the same id with another type or payload is a new request.
      const same = applied.fingerprint === undefined ? applied.type === event.type : applied.fingerprint === fingerprint;
      if (same) return { ok: true, value: { order, effects: NO_EFFECTS, entry: null, duplicate: true } };
      return {
        ok: false,
        error: new IdempotencyError(event.id, {
          kind: 'Event id',
          details: { orderId: order.id, appliedType: applied.type, sentType: event.type, appliedVersion: applied.version },
        }),
      };
    }
    const from = order.status;
    const candidates = table.get(event.type)?.get(from);
    if (candidates === undefined) {
      return { ok: false, error: new TransitionError('ILLEGAL_TRANSITION', { orderId: order.id, status: from, event: String(event.type) }) };
    }
    const anyEvent = event as AnyOrderEvent;
    let chosen: CompiledTransition | undefined;
    let refusedBy: string | undefined;
    let refusal: string | undefined;
    for (let c = 0; c < candidates.length && chosen === undefined; c++) {
      const candidate = candidates[c] as CompiledTransition;
      const guards = candidate.guards;
      let passed = true;
      for (let g = 0; g < guards.length; g++) {
        const guard = guards[g] as CompiledGuard;
        const verdict = guard.check(order, anyEvent, context);
        if (verdict !== true) {
          passed = false;
          if (refusedBy === undefined) {
            refusedBy = guard.name;
            refusal = typeof verdict === 'string' ? verdict : 'The guard refused';
          }
          break;
        }
      }
      if (passed) chosen = candidate;
    }
    if (chosen === undefined) {
      const fields = { orderId: order.id, status: from, event: event.type, guard: refusedBy ?? '?', reason: refusal ?? 'The guard refused' };
      return { ok: false, error: new TransitionError('GUARD_REJECTED', fields) };
    }

    const at = context.clock.now();
    const patch = chosen.apply === undefined ? undefined : chosen.apply(order, anyEvent, at);
    // Structural sharing: one shallow copy; only what the patch replaces is new.
    const next: Order<string> = patch === undefined ? { ...order } : { ...order, ...patch };
    const to = chosen.target ?? (chosen.choose as (next: Order<string>, event: AnyOrderEvent) => string)(next, anyEvent);
    if (chosen.target === undefined && !chosen.targets.includes(to)) {
      throw new DefinitionError('order machine definition', [
        { code: 'invalid_choice', path: ['events', event.type], message: `choose() returned "${to}", which is not one of ${chosen.targets.join(', ')}` },
      ]);
    }
    const version = order.version + 1;
    const actor = event.actor ?? context.actor ?? 'system';
    const entry: HistoryEntry<string> =
      event.reason === undefined
        ? { eventId: event.id, type: event.type, from, to, actor, at, version, fingerprint }
        : { eventId: event.id, type: event.type, from, to, actor, reason: event.reason, at, version, fingerprint };
    if (event.details !== undefined) entry.details = event.details as Record<string, JsonValue>;
    const newHistory = history.slice();
    newHistory.push(entry);
    next.status = to;
    next.version = version;
    next.updatedAt = at;
    next.history = newHistory;
    if (order.statusEnteredAt[to] === undefined) {
      // Copied key by key into a fresh literal: V8 then reuses cached shapes. A spread plus a new
      // key (or a computed key in the literal) made this line cost more than the rest together.
      const previous = order.statusEnteredAt as Record<string, Instant>;
      const entered: Record<string, Instant> = {};
      for (const status in previous) entered[status] = previous[status] as Instant;
      entered[to] = at;
      next.statusEnteredAt = entered;
    }

    const effects: OrderEffect[] = [
      { type: 'status_changed', orderId: order.id, eventId: event.id, event: event.type, from, to, actor, at, version },
    ];
    if (chosen.effects !== undefined || hooks.length > 0) {
      const change: TransitionChange = { previous: order, order: next, event: anyEvent, from, to, actor, at, context };
      const own = chosen.effects?.(change);
      if (own !== undefined) for (const effect of own) effects.push(effect);
      for (const hook of hooks) {
        const added = hook(change);
        if (added) for (const effect of added) effects.push(effect);
      }
    }
    return { ok: true, value: { order: next, effects, entry, duplicate: false } };
  }

  function apply(order: Order<string>, events: readonly OrderEventBase<string>[], context: TransitionContext): ApplyResult<string> {
    let current = order;
    const effects: OrderEffect[] = [];
    const entries: HistoryEntry<string>[] = [];
    let duplicates = 0;
    for (let i = 0; i < events.length; i++) {
      const result = transition(current, events[i] as OrderEventBase<string>, context);
      if (!result.ok) return { ok: false, error: result.error, index: i };
      const step = result.value;
      if (step.duplicate) {
        duplicates++;
        continue;
      }
      for (const effect of step.effects) effects.push(effect);
      entries.push(step.entry as HistoryEntry<string>);
      current = step.order;
    }
    return { ok: true, value: { order: current, effects, entries, duplicates } };
  }

  function nextEvents(order: Order<string>, context: TransitionContext = DRY_RUN_CONTEXT): NextEvent<string, string>[] {
    const result: NextEvent<string, string>[] = [];
    for (const [type, byStatus] of table) {
      const candidates = byStatus.get(order.status);
      if (candidates === undefined) continue;
      const probe = dryRunEvents.get(type) as AnyOrderEvent;
      const allVerdicts: GuardVerdict[] = [];
      const allTargets = new Set<string>();
      let passing: CompiledTransition | undefined;
      let passingVerdicts: GuardVerdict[] = [];
      for (const candidate of candidates) {
        const verdicts = candidate.guards.map((guard): GuardVerdict => {
          const verdict = guard.dryRun === undefined ? guard.check(order, probe, context) : guard.dryRun(order, context);
          return verdict === true
            ? { guard: guard.name, ok: true }
            : { guard: guard.name, ok: false, reason: typeof verdict === 'string' ? verdict : 'The guard refused' };
        });
        for (const target of candidate.targets) allTargets.add(target);
        allVerdicts.push(...verdicts);
        if (passing === undefined && verdicts.every((v) => v.ok)) {
          passing = candidate;
          passingVerdicts = verdicts;
        }
      }
      result.push({
        type,
        allowed: passing !== undefined,
        targets: passing === undefined ? [...allTargets] : [...passing.targets],
        guards: passing === undefined ? allVerdicts : passingVerdicts,
      });
    }
    return result;
  }

  function toMermaid(): string {
    const lines = ['stateDiagram-v2', `    [*] --> ${initial}`];
    const edges = new Map<string, string[]>();
    for (const status of statusMap.keys()) {
      for (const [type, byStatus] of table) {
        for (const candidate of byStatus.get(status) ?? []) {
          for (const target of candidate.targets) {
            const key = `${status} --> ${target}`;
            const labels = edges.get(key);
            if (labels === undefined) edges.set(key, [type]);
            else if (!labels.includes(type)) labels.push(type);
          }
        }
      }
    }
    for (const [edge, labels] of edges) lines.push(`    ${edge}: ${labels.join(', ')}`);
    for (const [name, definition] of statusMap) if (definition.terminal) lines.push(`    ${name} --> [*]`);
    return lines.join('\n');
  }

  return Object.freeze({
    initial,
    statuses: Object.freeze(statuses),
    events: Object.freeze(eventInfos),
    transition,
    apply,
    nextEvents,
    toMermaid,
    createOrder: (input, context) => createOrder(input, { ...context, initialStatus: initial }),
  } satisfies OrderMachine<string, OrderEventBase<string>>);
}
