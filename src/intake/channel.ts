// defineChannel: a channel adapter as a zod schema plus a mapper to the canonical order input.
import type { z } from 'zod';
import { resolveZone } from '../clock/local-date-time.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { isValidationError, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { isCurrencyCode } from '../money/money.js';
import type { CreateOrderInput } from '../orders/create-order.js';
import { ORDER_STATUSES, type OrderStatus } from '../orders/order-statuses.js';
import { createChannelSchemaKit, type ChannelSchemaKit } from './channel-schema-kit.js';
import { issuesFromZod } from './intake-issues.js';
import { invalid, success, type Result } from '../errors/result.js';
import { defineStatusDictionary, isStatusDictionary, type StatusDictionary } from '../sync/status-dictionary.js';

/** What a channel's mapper returns: the order input (without `channel`/`id`) and the status the channel reports. */
export interface ChannelOrder {
  readonly input: Omit<CreateOrderInput, 'channel' | 'id'>;
  /** The canonical status the payload reports, from the channel's dictionary. */
  readonly status: OrderStatus;
}

/** What a mapper may read besides the payload. */
export interface ChannelMapContext {
  readonly channel: string;
  readonly zone: string;
  readonly currency: string;
}

/** The declaration passed to {@link defineChannel}. `P` is the schema's (normalised) output. */
export interface ChannelConfig<P> {
  /** The channel's id in Ordo, lower-case, e.g. `tmall`; stored as the order's `channel`. */
  readonly id: string;
  /**
   * The IANA zone the channel writes offset-less times in.
   * @default 'Asia/Shanghai'
   */
  readonly zone?: string;
  /**
   * The currency of the channel's amounts.
   * @default 'CNY'
   */
  readonly currency?: string;
  /**
   * The channel's status dictionary ({@link defineStatusDictionary}), or only its inbound half:
   * every code the channel sends, to a canonical status (then a status with exactly one code
   * maps back to it and every other status is unmapped). Unknown codes are refused.
   */
  readonly statusDictionary: StatusDictionary | Readonly<Record<string, OrderStatus>>;
  /** Builds the payload schema from a kit bound to this channel's zone, currency and dictionary. */
  readonly schema: (kit: ChannelSchemaKit) => z.ZodType<P>;
  /**
   * Maps a validated payload to the canonical order input and the reported status. Pure. Its
   * `customerRef` is the buyer's id in the channel: the order carries `<channel id>:<that id>`
   * (one rule for every channel).
   */
  readonly toOrder: (payload: P, context: ChannelMapContext) => ChannelOrder;
}

/** What {@link Channel.normalise} makes of a valid payload: the canonical order input and the reported status. */
export interface ChannelNormalised {
  readonly input: CreateOrderInput & { readonly channel: string };
  readonly status: OrderStatus;
}

/** A defined channel: its declaration, frozen, plus a pure `normalise`. */
export interface Channel<P = unknown> {
  readonly id: string;
  readonly zone: string;
  readonly currency: string;
  /** The channel's codes both ways: the one status-dictionary concept intake and sync share. */
  readonly statusDictionary: StatusDictionary;
  /** The payload schema (its output is already normalised: minor units, instants, canonical statuses). */
  readonly schema: z.ZodType<P>;
  readonly toOrder: (payload: P, context: ChannelMapContext) => ChannelOrder;
  /**
   * Validates and maps a raw payload. Never throws: every problem, including a mapper that
   * throws, comes back as `{ ok: false, error }`, a ValidationError with issues whose paths point
   * into the payload.
   */
  normalise(payload: unknown): Result<ChannelNormalised>;
}

/** Any defined channel, whatever its payload type: what {@link ingest} takes. */
export type IntakeChannel = Pick<Channel<unknown>, 'id' | 'zone' | 'currency' | 'statusDictionary' | 'normalise'>;

const CHANNEL_ID = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * Declares a channel adapter. Validates the declaration eagerly (id, zone, currency, every
 * dictionary value a canonical status) and returns it frozen.
 *
 * @throws ValidationError when the declaration is wrong.
 * @example
 * const shop = defineChannel({
 *   id: 'shop', statusDictionary: { PAID: 'paid' },
 *   schema: (kit) => z.object({ no: z.string(), amount: kit.money(), state: kit.status() }),
 *   toOrder: (p) => ({ status: p.state, input: { channelOrderId: p.no, customerRef: 'walk-in', currency: 'CNY',
 *     lines: [{ sku: 'ANY', quantity: 1, unitPrice: p.amount }] } }),
 * });
 */
export function defineChannel<P>(config: ChannelConfig<P>): Channel<P> {
  const issues: ValidationIssue[] = [];
  const bad = (path: string, message: string): void => {
    issues.push({ code: 'invalid_value', path: [path], message });
  };
  if (typeof config !== 'object' || config === null) throw new ValidationError('channel', [{ code: 'invalid_type', path: [], message: 'Expected a channel declaration object' }]);
  if (typeof config.id !== 'string' || !CHANNEL_ID.test(config.id)) bad('id', 'Expected a lower-case id such as "tmall" (letters, digits, - and _)');
  const zone = config.zone ?? 'Asia/Shanghai';
  try {
    resolveZone(zone);
  } catch (error) {
    bad('zone', error instanceof Error ? error.message : 'Unknown time zone');
  }
  const currency = config.currency ?? 'CNY';
  if (typeof currency !== 'string' || !isCurrencyCode(currency)) bad('currency', 'Expected an ISO 4217 code such as "CNY"');
  let dictionary: StatusDictionary | undefined;
  try {
    dictionary = channelDictionary(typeof config.id === 'string' ? config.id : 'channel', config.statusDictionary);
  } catch (error) {
    if (!isValidationError(error)) throw error;
    // The dictionary's own paths (`toCanonical.X`) read as the channel's (`statusDictionary.X`).
    for (const found of error.issues) issues.push({ ...found, path: ['statusDictionary', ...found.path.slice(1)] });
  }
  if (typeof config.schema !== 'function') bad('schema', 'Expected a function (kit) => zod schema');
  if (typeof config.toOrder !== 'function') bad('toOrder', 'Expected a function (payload, context) => { input, status }');
  if (issues.length > 0 || dictionary === undefined) throw new ValidationError(`channel "${String(config.id)}"`, issues);

  const schema = config.schema(createChannelSchemaKit(zone, currency, dictionary));
  const context: ChannelMapContext = Object.freeze({ channel: config.id, zone, currency });
  const toOrder = config.toOrder;

  return Object.freeze({
    id: config.id,
    zone,
    currency,
    statusDictionary: dictionary,
    schema,
    toOrder,
    normalise(payload: unknown): Result<ChannelNormalised> {
      const subject = `${config.id} payload`;
      let parsed: ReturnType<typeof schema.safeParse>;
      try {
        // safeParse reports bad data as issues but lets a throwing getter or proxy trap through.
        parsed = schema.safeParse(payload);
      } catch {
        return invalid(subject, [{ code: 'unreadable', path: [], message: 'The payload could not be read (a getter or proxy threw)' }]);
      }
      if (!parsed.success) return invalid(subject, issuesFromZod(parsed.error));
      try {
        const mapped = toOrder(parsed.data, context);
        return success({ input: { ...mapped.input, channel: config.id, customerRef: channelCustomerRef(config.id, mapped.input.customerRef) }, status: mapped.status });
      } catch (error) {
        if (isValidationError(error)) return invalid(subject, error.issues);
        // Ordo's messages never quote values; a foreign error's text may, so only its name is kept.
        const message = isOrdoError(error)
          ? `${error.code}: ${error.message}`
          : `the channel's toOrder threw ${error instanceof Error ? error.name : typeof error} (its text is not quoted: it may hold payload values)`;
        return invalid(subject, [{ code: 'mapping_failed', path: [], message }]);
      }
    },
  });
}

/**
 * One rule for every channel's buyers: `<channel id>:<the buyer's id in that channel>`, so a
 * reference says where it comes from and two channels' ids never collide. A mapper may give the
 * buyer's id alone (the channel id is put in front) or the whole reference.
 */
function channelCustomerRef(channel: string, buyer: string): string {
  return typeof buyer === 'string' && buyer.startsWith(`${channel}:`) ? buyer : `${channel}:${buyer}`;
}

// A plain record is the inbound half: a status with one code maps back to it, every other is unmapped.
function channelDictionary(system: string, declared: ChannelConfig<unknown>['statusDictionary']): StatusDictionary {
  if (isStatusDictionary(declared)) return declared as StatusDictionary;
  const toCanonical = (typeof declared === 'object' && declared !== null ? declared : {}) as Readonly<Record<string, OrderStatus>>;
  const counts = new Map<unknown, number>();
  for (const status of Object.values(toCanonical)) counts.set(status, (counts.get(status) ?? 0) + 1);
  const fromCanonical = Object.fromEntries(ORDER_STATUSES.filter((status) => counts.get(status) !== 1).map((status) => [status, null]));
  return defineStatusDictionary({ system: CHANNEL_ID.test(system) ? system : 'channel', toCanonical, fromCanonical });
}
