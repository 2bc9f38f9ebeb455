// ingest: validates, normalises and idempotently stores channel payloads; bad ones go to quarantine.
import type { Clock } from '../clock/clock.js';
import { isInstant, type Instant } from '../clock/instant.js';
import { isConcurrencyError } from '../errors/concurrency-error.js';
import { isOrdoError, OrdoError } from '../errors/ordo-error.js';
import { z } from 'zod';
import { option, parseOptions } from '../errors/options.js';
import { isValidationError, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { applyOrderEvent } from './apply-order-event.js';
import { insertOrFindOrder, isOrderConflict, type OrderRider } from './insert-order.js';
import type { IdSource } from '../ids/id-source.js';
import type { Address } from '../model/address.js';
import type { ChangeAddressEvent, DefaultOrderEvent } from '../orders/order-events.js';
import { quoteCode } from '../errors/mask.js';
import { createOrderMachine } from '../orders/order-machine.js';
import { creationEffects, effectsToOutbox } from '../orders/order-effects.js';
import type { OrderMachine } from '../orders/order-machine-types.js';
import type { OrderStatus } from '../orders/order-statuses.js';
import type { Order } from '../orders/order.js';
import type { OrderInputLimits } from '../orders/create-order.js';
import type { QuarantineChange } from '../ports/quarantine-port.js';
import type { JsonValue } from '../ports/json.js';
import type { StoragePort } from '../ports/storage-port.js';
import type { IntakeChannel } from '../intake/channel.js';
import { measure, fingerprint, fromQuarantinePayload, PAYLOAD_LIMITS, stableStringify, toQuarantinePayload, type PayloadLimits } from '../intake/intake-json.js';
import { createPayloadMasker } from '../intake/personal-data.js';
import { planStatusEvents, type StatusNoteCode } from '../intake/status-plan.js';

/** What happened to one payload. */
export const INGEST_OUTCOMES = ['accepted', 'duplicate', 'updated', 'refused', 'quarantined', 'failed'] as const;

/**
 * - `accepted`: a new order was stored (plus the events its reported status implies).
 * - `duplicate`: nothing new; nothing written (a redelivery, or a status Ordo is already past).
 * - `updated`: a later version became one or more state-machine events (`change_address`, `cancel`, ...).
 * - `refused`: a valid later version carried something Ordo does not apply (see `notes`), such as
 *   changed lines or an address change after shipment; nothing written.
 * - `quarantined`: the payload failed validation; kept with its issues for a fix and a replay.
 * - `failed`: storage failed; nothing of this payload was lost or half-applied beyond its last commit; retry it.
 */
export type IngestOutcome = (typeof INGEST_OUTCOMES)[number];

/**
 * Note codes: the status notes of `planStatusEvents`, plus `update-unsupported` (the channel
 * changed data no event changes: lines, total, buyer, or dropped the address) and
 * `transition-refused` (the machine refused an event, e.g. `change_address` after shipment).
 */
export type IngestNoteCode = StatusNoteCode | 'update-unsupported' | 'transition-refused';

/** Something reported by a payload that was not applied as such. Messages never hold personal data. */
export interface IngestNote {
  readonly code: IngestNoteCode;
  readonly message: string;
}

/** One payload to ingest. */
export interface IngestPayload {
  /** The channel id it came from, e.g. `tmall`. */
  readonly channel: string;
  /** The payload exactly as received. */
  readonly payload: unknown;
  /**
   * When it arrived; recorded on quarantine.
   * @default context.clock.now()
   */
  readonly receivedAt?: Instant;
}

/** What {@link ingest} needs. */
export interface IngestContext {
  readonly storage: StoragePort;
  /** The only source of "now". */
  readonly clock: Clock;
  /** The channels payloads may come from, unique by id. */
  readonly channels: readonly IntakeChannel[];
  /**
   * The order lifecycle.
   * @default createOrderMachine()
   */
  readonly machine?: OrderMachine<OrderStatus, DefaultOrderEvent>;
  /**
   * Makes ids for new orders.
   * @default a deterministic `${channel}:${channelOrderId}`, so two workers racing on one order collide
   */
  readonly ids?: IdSource;
  /**
   * How many distinct orders are stored at once. Payloads of the same order always run in
   * input order; more than 1 pays off on networked storage (PostgreSQL).
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * Bounds on a raw payload (JSON bytes, nesting) and on the order it maps to (lines, string
   * length); a payload past one is quarantined with a `too_big` or `too_deep` issue.
   * @default { ...PAYLOAD_LIMITS, ...ORDER_INPUT_LIMITS }
   */
  readonly limits?: Partial<IngestLimits>;
}

/** Bounds on what {@link ingest} accepts: the raw payload's and the mapped order's. */
export type IngestLimits = PayloadLimits & { readonly order: Partial<OrderInputLimits> };

/** The outcome of one payload. */
export interface IngestItemResult {
  /** Its position in the input. */
  readonly index: number;
  readonly channel: string;
  readonly channelOrderId?: string;
  /** Ordo's order id, when an order was found or stored. */
  readonly orderId?: string;
  readonly outcome: IngestOutcome;
  /** Why, for people; personal data is masked. */
  readonly reason?: string;
  readonly notes?: readonly IngestNote[];
  /** Event types applied (e.g. `['pay']`). */
  readonly events?: readonly string[];
  /** Validation issues with their paths into the payload (paths under `order` are the mapped order). */
  readonly issues?: readonly ValidationIssue[];
  /** The quarantine record's id, to fix and replay. */
  readonly quarantineId?: string;
  /** For `failed`: the error code, e.g. `STORAGE_UNAVAILABLE`. */
  readonly errorCode?: string;
}

/** The outcome of a batch; `counts` add up to `total`. */
export interface IngestReport {
  readonly total: number;
  readonly counts: Readonly<Record<IngestOutcome, number>>;
  /** One per payload, in input order. */
  readonly items: readonly IngestItemResult[];
}

/** Options of {@link replayQuarantined}. */
export interface ReplayOptions {
  /** A fixed payload replacing the stored one (recorded on the quarantine record first). */
  readonly payload?: unknown;
}

interface Deps {
  readonly limits: PayloadLimits;
  readonly orderLimits: Partial<OrderInputLimits>;
  readonly storage: StoragePort;
  readonly clock: Clock;
  readonly machine: OrderMachine<OrderStatus, DefaultOrderEvent>;
  readonly channels: ReadonlyMap<string, IntakeChannel>;
  readonly ids: IdSource | undefined;
}

/** A payload after the pure phase: either a candidate order or the issues that stop it. */
type Prepared =
  | { readonly ok: true; readonly channel: string; readonly order: Order; readonly status: OrderStatus; readonly mask: (text: string) => string }
  | { readonly ok: false; readonly channel: string; readonly issues: readonly ValidationIssue[]; readonly channelOrderId?: string; readonly mask: (text: string) => string };

let defaultMachine: OrderMachine<OrderStatus, DefaultOrderEvent> | undefined;

const contextSchema = z.strictObject({
  storage: option.withMethods<StoragePort>('a StoragePort', 'commit', 'orders.findByChannelRef', 'quarantine.put'),
  clock: option.withMethods<Clock>('a Clock', 'now'),
  channels: z.array(option.withMethods<IntakeChannel>('a channel from defineChannel()', 'normalise')).min(1, 'Expected at least one channel from defineChannel()'),
  machine: option.withMethods<OrderMachine<OrderStatus, DefaultOrderEvent>>('an order machine from createOrderMachine()', 'transition', 'apply').optional(),
  ids: option.fn<IdSource>().optional(),
  concurrency: option.positiveInt().optional(),
  limits: z
    .strictObject({
      payloadBytes: option.positiveInt().optional(),
      depth: option.positiveInt().optional(),
      order: z.strictObject({ lines: option.positiveInt().optional(), stringLength: option.positiveInt().optional(), depth: option.positiveInt().optional(), nodes: option.positiveInt().optional() }).optional(),
    })
    .optional(),
});

function resolveDeps(context: IngestContext): Deps {
  const parsed = parseOptions('ingest context', contextSchema, context);
  const channels = new Map<string, IntakeChannel>();
  const issues: ValidationIssue[] = [];
  parsed.channels.forEach((channel, i) => {
    if (channels.has(channel.id)) issues.push({ code: 'duplicate', path: ['channels', i], message: `Channel ${quoteCode(channel.id)} is listed twice` });
    else channels.set(channel.id, channel);
  });
  if (issues.length > 0) throw new ValidationError('ingest context', issues, { code: 'INVALID_OPTIONS' });
  defaultMachine ??= createOrderMachine();
  return {
    storage: parsed.storage,
    clock: parsed.clock,
    machine: parsed.machine ?? defaultMachine,
    channels,
    ids: parsed.ids,
    limits: { payloadBytes: parsed.limits?.payloadBytes ?? PAYLOAD_LIMITS.payloadBytes, depth: parsed.limits?.depth ?? PAYLOAD_LIMITS.depth },
    orderLimits: stripUndefined(parsed.limits?.order ?? {}),
  };
}

/** exactOptionalPropertyTypes: a limit left out is absent, not undefined. */
function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function maskIssues(issues: readonly ValidationIssue[], mask: (text: string) => string): ValidationIssue[] {
  return issues.map((issue) => ({ code: issue.code, path: [...issue.path], message: mask(issue.message) }));
}

/** A payload past a limit, before any schema reads it; undefined when within them. */
function limitIssue(payload: unknown, limits: PayloadLimits): ValidationIssue | undefined {
  const { depth, maxBytes } = measure(payload, limits.depth);
  if (depth > limits.depth) {
    return { code: 'too_deep', path: [], message: `The payload nests deeper than ${limits.depth} levels (limits.depth)` };
  }
  // The walk's bound settles the common case; only a payload near the limit is serialised to count exactly.
  if (maxBytes <= limits.payloadBytes) return undefined;
  const text = JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) ?? '';
  if (Buffer.byteLength(text, 'utf8') > limits.payloadBytes) {
    return { code: 'too_big', path: [], message: `The payload is larger than ${limits.payloadBytes} bytes as JSON (limits.payloadBytes)` };
  }
  return undefined;
}

/** The pure phase: channel lookup, schema, mapping and the candidate order. Never throws. */
function prepare(item: IngestPayload, deps: Deps): Prepared {
  const record = (typeof item === 'object' && item !== null ? item : {}) as Partial<IngestPayload>;
  const channelId = typeof record.channel === 'string' ? record.channel : String(record.channel);
  try {
    return prepareReadable(record, channelId, deps);
  } catch {
    // A getter or proxy trap that throws anywhere in the payload: quarantined, never thrown.
    return { ok: false, channel: channelId, mask: (text) => text, issues: [{ code: 'unreadable', path: ['payload'], message: 'The payload could not be read (a getter or proxy threw)' }] };
  }
}

function prepareReadable(record: Partial<IngestPayload>, channelId: string, deps: Deps): Prepared {
  const mask = createPayloadMasker(record.payload);
  const tooMuch = limitIssue(record.payload, deps.limits);
  if (tooMuch !== undefined) return { ok: false, channel: channelId, mask, issues: [tooMuch] };
  const channel = deps.channels.get(channelId);
  if (channel === undefined) {
    const known = [...deps.channels.keys()].join(', ');
    return { ok: false, channel: channelId, mask, issues: [{ code: 'unknown_channel', path: ['channel'], message: `Unknown channel ${quoteCode(record.channel)} (known: ${known})` }] };
  }
  const normalised = channel.normalise(record.payload);
  if (!normalised.ok) return { ok: false, channel: channelId, mask, issues: maskIssues(normalised.error.issues, mask) };
  const { input } = normalised.value;
  try {
    const id = deps.ids ? deps.ids() : `${channel.id}:${input.channelOrderId}`;
    const order = deps.machine.createOrder(
      { ...input, id },
      { clock: deps.clock, actor: `channel:${channel.id}`, eventId: `${channel.id}:${input.channelOrderId}:created`, limits: deps.orderLimits },
    );
    return { ok: true, channel: channelId, order, status: normalised.value.status, mask };
  } catch (error) {
    const issues: ValidationIssue[] = isValidationError(error)
      ? error.issues.map((issue) => ({ ...issue, path: ['order', ...issue.path] }))
      : [{ code: 'mapping_failed', path: ['order'], message: isOrdoError(error) ? `${error.code}: ${error.message}` : String(error) }];
    return { ok: false, channel: channelId, mask, channelOrderId: input.channelOrderId, issues: maskIssues(issues, mask) };
  }
}

function orderShape(order: Order<string>): string {
  return stableStringify({
    customerRef: order.customerRef,
    lines: order.lines.map((l) => [l.sku, l.quantity, l.unitPrice.amount]),
    total: order.totals.total.amount,
    shippingAddress: (order.shippingAddress ?? null) as never,
  });
}

/** Fields a later version changed. Names only, never values. */
function changedFields(stored: Order<string>, candidate: Order<string>): string[] {
  if (orderShape(stored) === orderShape(candidate)) return [];
  const changed: string[] = [];
  if (stored.customerRef !== candidate.customerRef) changed.push('customerRef');
  const lines = (o: Order<string>) => stableStringify(o.lines.map((l) => [l.sku, l.quantity, l.unitPrice.amount]));
  if (lines(stored) !== lines(candidate)) changed.push('lines');
  if (stored.totals.total.amount !== candidate.totals.total.amount) changed.push('total');
  if (stableStringify((stored.shippingAddress ?? null) as never) !== stableStringify((candidate.shippingAddress ?? null) as never)) changed.push('shippingAddress');
  return changed;
}

/**
 * The `change_address` event for a new address. Its id is derived from the channel order and a
 * hash of the address: the same payload handled twice at once (a redelivery racing the first
 * delivery on another worker) plans the same id, and the machine applies it once. A later
 * redelivery finds the address stored and plans nothing. A change back to an address the order
 * had before gets a numbered id (`...:2`): otherwise A -> B -> A -> B would take the last change
 * for a repeat of the first and keep A.
 */
function changeAddressEvent(stored: Order<string>, address: Address, eventIdPrefix: string): ChangeAddressEvent {
  const base = `${eventIdPrefix}:change_address:${fingerprint(address as unknown as JsonValue)}`;
  let earlier = 0;
  for (const entry of stored.history) if (entry.eventId === base || entry.eventId.startsWith(`${base}:`)) earlier++;
  return { id: earlier === 0 ? base : `${base}:${earlier + 1}`, type: 'change_address', address, reason: 'address changed in channel' };
}

function reasonOf(notes: readonly IngestNote[]): string | undefined {
  return notes.length === 0 ? undefined : notes.map((n) => `${n.code}: ${n.message}`).join('; ');
}

/**
 * A new order and the events its reported status implies, decided purely and committed as one
 * unit: the order with its whole history, the `created` effect and every event's effects in the
 * outbox. Null when the channel order is stored already (another worker won, or it was there),
 * or when the lifecycle refuses one of the events: the caller then takes the step-by-step path,
 * which reads the stored order and notes refusals.
 */
async function insertNewOrder(
  candidate: Order,
  status: OrderStatus,
  channel: string,
  base: { index: number; channel: string; channelOrderId: string },
  deps: Deps,
  mask: (text: string) => string,
  rider: OrderRider,
): Promise<IngestItemResult | null> {
  const eventIdPrefix = `${channel}:${candidate.channelOrderId}`;
  const plan = planStatusEvents(candidate.status, status, eventIdPrefix);
  const decided = deps.machine.apply(candidate, plan.events, { clock: deps.clock, actor: `channel:${channel}` });
  if (!decided.ok) return null;
  const { order, effects, entries } = decided.value;
  try {
    await deps.storage.commit({
      ...rider,
      orders: [{ order, expectedVersion: null, newHistory: order.history }],
      outbox: [...effectsToOutbox(creationEffects(candidate), candidate, { createdAt: candidate.createdAt }), ...effectsToOutbox(effects, order)],
    });
  } catch (error) {
    // Another worker stored the same channel order first: the step-by-step path reads it.
    if (isOrderConflict(error)) return null;
    throw error;
  }
  const notes: IngestNote[] = [...plan.notes];
  const reason = reasonOf(notes);
  const events = entries.map((entry) => entry.type);
  return {
    ...base,
    orderId: order.id,
    outcome: 'accepted',
    ...(events.length > 0 ? { events } : {}),
    ...(notes.length > 0 ? { notes } : {}),
    ...(reason === undefined ? {} : { reason: mask(reason) }),
  };
}

/**
 * The storage phase for a valid payload. Throws only what storage throws. `rider` commits with
 * the new order when this call creates it (outcome `accepted`); otherwise it is not written.
 */
async function store(prepared: Extract<Prepared, { ok: true }>, index: number, deps: Deps, rider: OrderRider = {}): Promise<IngestItemResult> {
  const { order: candidate, status, channel } = prepared;
  const channelOrderId = candidate.channelOrderId;
  const base = { index, channel, channelOrderId };
  const existing = (await deps.storage.orders.findByChannelRef(channel, channelOrderId)) as Order | null;
  if (existing === null) {
    const inserted = await insertNewOrder(candidate, status, channel, base, deps, prepared.mask, rider);
    if (inserted !== null) return inserted;
  }
  const { order: current, created } = existing !== null ? { order: existing, created: false } : await insertOrFindOrder(deps.storage, candidate, rider);
  const eventIdPrefix = `${channel}:${channelOrderId}`;
  const notes: IngestNote[] = [];
  let readdress: ChangeAddressEvent | undefined;
  if (!created) {
    let changed = changedFields(current, candidate);
    // A new address is an event; a dropped one is not (change_address needs an address), nor is one
    // for a machine without change_address.
    if (changed.includes('shippingAddress') && candidate.shippingAddress !== undefined && Object.hasOwn(deps.machine.events, 'change_address')) {
      readdress = changeAddressEvent(current, candidate.shippingAddress, eventIdPrefix);
      changed = changed.filter((field) => field !== 'shippingAddress');
    }
    if (changed.length > 0) {
      notes.push({
        code: 'update-unsupported',
        message: `the channel changed ${changed.join(', ')}; the order lifecycle has no event for that, so Ordo keeps its version`,
      });
    }
  }
  const plan = planStatusEvents(current.status, status, eventIdPrefix);
  notes.push(...plan.notes);
  const applied: string[] = [];
  // Applies one event and notes a refusal; 'gone' when the order vanished, so nothing more can apply.
  const run = async (event: DefaultOrderEvent): Promise<'applied' | 'refused' | 'gone'> => {
    const result = await applyOrderEvent({ storage: deps.storage, machine: deps.machine, clock: deps.clock }, current.id, event, { actor: `channel:${channel}` });
    if (result === null) {
      notes.push({ code: 'transition-refused', message: `order ${current.id} disappeared before ${event.type}` });
      return 'gone';
    }
    if (!result.ok) {
      const refusal = `${event.type} refused (${result.error.code}): ${result.error.message}`;
      notes.push({
        code: 'transition-refused',
        message: event.type === 'change_address' ? `the channel changed shippingAddress; ${refusal}; Ordo keeps its address` : refusal,
      });
      return 'refused';
    }
    if (!result.value.duplicate) applied.push(event.type);
    return 'applied';
  };
  // The address first, so a warehouse hears of it before a later status; a refused address
  // change (after shipment) does not hold back the buyer's cancellation or return request.
  const gone = readdress !== undefined && (await run(readdress)) === 'gone';
  if (!gone) for (const event of plan.events) if ((await run(event)) !== 'applied') break;
  const outcome: IngestOutcome = created ? 'accepted' : applied.length > 0 ? 'updated' : notes.length > 0 ? 'refused' : 'duplicate';
  const reason = reasonOf(notes);
  return {
    ...base,
    orderId: current.id,
    outcome,
    ...(applied.length > 0 ? { events: applied } : {}),
    ...(notes.length > 0 ? { notes } : {}),
    ...(reason === undefined ? {} : { reason: prepared.mask(reason) }),
  };
}

function failure(base: { index: number; channel: string; channelOrderId?: string }, error: unknown, mask: (text: string) => string, issues?: readonly ValidationIssue[]): IngestItemResult {
  const code = isOrdoError(error) ? error.code : 'UNKNOWN';
  // Ordo's messages never quote values; another error's text may, so it is named, not quoted.
  const message = isOrdoError(error)
    ? error.message
    : `${error instanceof Error ? error.name : typeof error}${error instanceof Error && error.stack ? ` ${error.stack.split('\n')[1]?.trim() ?? ''}` : ''}`;
  return { ...base, outcome: 'failed', errorCode: code, reason: mask(`${code}: ${message}`), ...(issues ? { issues } : {}) };
}

async function quarantine(item: IngestPayload, prepared: Extract<Prepared, { ok: false }>, index: number, deps: Deps): Promise<IngestItemResult> {
  const base = { index, channel: prepared.channel, ...(prepared.channelOrderId === undefined ? {} : { channelOrderId: prepared.channelOrderId }) };
  let payload: JsonValue;
  try {
    payload = toQuarantinePayload((item as Partial<IngestPayload> | null)?.payload, deps.limits.depth);
  } catch {
    payload = { unreadable: true };
  }
  // The id is shown in reports: a channel nobody declared (a phone typed there) is not spelled out.
  const id = `intake:${deps.channels.has(prepared.channel) ? prepared.channel : 'unknown-channel'}:${fingerprint(payload)}`;
  const receivedAt = isInstant((item as Partial<IngestPayload> | null)?.receivedAt) ? (item.receivedAt as Instant) : deps.clock.now();
  try {
    await deps.storage.quarantine.put({ id, source: `intake:${prepared.channel}`, payload, issues: prepared.issues, receivedAt });
  } catch (error) {
    return failure(base, error, prepared.mask, prepared.issues);
  }
  const reason = prepared.issues.slice(0, 3).map((i) => `${i.path.length === 0 ? '(root)' : i.path.join('.')}: ${i.message}`).join('; ');
  return { ...base, outcome: 'quarantined', quarantineId: id, issues: prepared.issues, reason };
}

async function processOne(item: IngestPayload, prepared: Prepared, index: number, deps: Deps): Promise<IngestItemResult> {
  if (!prepared.ok) return quarantine(item, prepared, index, deps);
  try {
    return await store(prepared, index, deps);
  } catch (error) {
    return failure({ index, channel: prepared.channel, channelOrderId: prepared.order.channelOrderId }, error, prepared.mask);
  }
}

function countOutcomes(items: readonly IngestItemResult[]): Record<IngestOutcome, number> {
  const counts = { accepted: 0, duplicate: 0, updated: 0, refused: 0, quarantined: 0, failed: 0 };
  for (const item of items) counts[item.outcome] += 1;
  return counts;
}

/**
 * Ingests a batch of channel payloads. Each is validated and mapped by its channel, then stored
 * idempotently by (channel, channel order id): a new order is inserted with the events its
 * status implies (`paid` -> `pay`); a redelivery is a `duplicate`; a later version becomes the
 * right events, `updated`: a new shipping address becomes `change_address` (applied first, with
 * an id derived from the address, so its redelivery is a duplicate), then the reported status
 * becomes `cancel`, `request_return` or `pay`. What Ordo does not apply is noted: changed lines,
 * total or buyer (`update-unsupported`), an address change after shipment (`transition-refused`);
 * when nothing else applied the outcome is `refused` and nothing was written. A payload failing
 * validation goes to quarantine with its issues and the batch goes on; a storage failure on one
 * payload is `failed` with its code and the batch goes on.
 *
 * Never throws for a payload; throws `INVALID_OPTIONS` only for a wrong context.
 * @example
 * const report = await ingest([{ channel: 'tmall', payload }], { storage, clock, channels: BUILT_IN_CHANNELS });
 * report.counts // { accepted: 1, duplicate: 0, updated: 0, refused: 0, quarantined: 0, failed: 0 }
 */
export async function ingest(payloads: readonly IngestPayload[], context: IngestContext): Promise<IngestReport> {
  const deps = resolveDeps(context);
  if (!Array.isArray(payloads)) throw new OrdoError('INVALID_OPTIONS', 'ingest expects an array of { channel, payload }');
  const prepared = payloads.map((item) => prepare(item, deps));
  const results: IngestItemResult[] = new Array<IngestItemResult>(payloads.length);

  // Payloads of one order run in input order; distinct orders may run side by side.
  const groups = new Map<string, number[]>();
  prepared.forEach((p, index) => {
    const key = p.ok ? `${p.channel}\u0000${p.order.channelOrderId}` : `#${index}`;
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  const queue = [...groups.values()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const group = queue[next++] as number[];
      for (const index of group) results[index] = await processOne(payloads[index] as IngestPayload, prepared[index] as Prepared, index, deps);
    }
  };
  const workers = Math.min(context.concurrency ?? 1, queue.length);
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return { total: payloads.length, counts: countOutcomes(results), items: results };
}

/**
 * Replays a quarantined payload, optionally with a fixed one (recorded on the record first,
 * with whatever issues remain). Accepted, updated, duplicate or refused marks it `replayed`;
 * still invalid keeps it open with the new issues.
 *
 * @returns null when no record has this id.
 */
export async function replayQuarantined(id: string, context: IngestContext, options: ReplayOptions = {}): Promise<IngestItemResult | null> {
  const deps = resolveDeps(context);
  const record = await deps.storage.quarantine.get(id);
  if (record === null) return null;
  const channel = record.source.startsWith('intake:') ? record.source.slice('intake:'.length) : record.source;
  const refused = (status: string): IngestItemResult => ({ index: 0, channel, outcome: 'refused', quarantineId: id, reason: `quarantine record ${id} is ${status}, not open` });
  if (record.status !== 'open') return refused(record.status);
  const fixed = Object.hasOwn(options, 'payload');
  const item: IngestPayload = { channel, payload: fixed ? options.payload : fromQuarantinePayload(record.payload), receivedAt: record.receivedAt };
  const prepared = prepare(item, deps);
  const at = deps.clock.now();
  const fix: QuarantineChange[] = fixed ? [{ type: 'fix', id, payload: toQuarantinePayload(options.payload, deps.limits.depth), issues: prepared.ok ? [] : prepared.issues }] : [];
  if (!prepared.ok) {
    // The fixed payload is kept with what is still wrong with it, for the next fix.
    if (fix.length > 0) await deps.storage.commit({ at, quarantine: fix });
    const reason = prepared.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { index: 0, channel, outcome: 'quarantined', quarantineId: id, issues: prepared.issues, reason };
  }
  // The fix and the mark ride with the new order: one unit, so a crash leaves the record open
  // and the order absent, or both done. A replay of an order stored meanwhile applies its events
  // (each idempotent by event id) and marks the record after.
  const rider: OrderRider = { at, quarantine: [...fix, { type: 'markReplayed', id }] };
  let result: IngestItemResult;
  try {
    result = await store(prepared, 0, deps, rider);
    if (result.outcome !== 'accepted') await deps.storage.commit(rider);
  } catch (error) {
    if (isConcurrencyError(error) && error.part?.store === 'quarantine') {
      return refused(String((error.details as { actualStatus?: unknown }).actualStatus ?? 'gone'));
    }
    return { ...failure({ index: 0, channel, channelOrderId: prepared.order.channelOrderId }, error, prepared.mask), quarantineId: id };
  }
  return { ...result, quarantineId: id };
}
