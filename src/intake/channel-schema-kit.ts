// zod building blocks for channel payloads: yuan strings, fen integers, zoned wall times and status codes.
import { z } from 'zod';
import { instantSchema } from '../clock/instant-schema.js';
import { instantFromMillis, type Instant } from '../clock/instant.js';
import { money, parseMoney, type Money } from '../money/money.js';
import type { OrderStatus } from '../orders/order-statuses.js';
import type { StatusDictionary } from '../sync/status-dictionary.js';

/**
 * Schemas bound to one channel's declared zone, currency and status dictionary, so a channel
 * cannot read its times in one zone and declare another.
 */
export interface ChannelSchemaKit {
  /** The channel's IANA zone, e.g. `Asia/Shanghai`. */
  readonly zone: string;
  /** The channel's ISO currency, e.g. `CNY`. */
  readonly currency: string;
  /**
   * A decimal string in major units (`"19.90"` yuan) to exact minor units. More decimals than
   * the currency has (`"19.999"`) is an issue, never rounded; numbers are refused (floats).
   */
  money(): z.ZodType<Money, string>;
  /** A non-negative integer already in minor units (fen), as Douyin and WeChat Pay send. */
  minorUnits(): z.ZodType<Money, number>;
  /** A wall time without offset (`2026-06-18 10:00:05`) read in the channel's zone; offsets are honoured. */
  wallTime(): z.ZodType<Instant, string>;
  /** Unix epoch seconds (Douyin's `create_time`). */
  epochSeconds(): z.ZodType<Instant, number>;
  /** A channel status code (string or number) to its canonical status; unknown codes are issues. */
  status(): z.ZodType<OrderStatus, string | number>;
}

/** Issue codes the kit reports, so callers can tell a money problem from a status problem. */
export const INTAKE_ISSUE_CODES = ['invalid_money', 'invalid_time', 'unknown_status', 'mapping_failed', 'unknown_channel'] as const;

/** An issue code of the intake module; see {@link INTAKE_ISSUE_CODES}. */
export type IntakeIssueCode = (typeof INTAKE_ISSUE_CODES)[number];

/** @internal Builds the kit for one channel's declaration. */
export function createChannelSchemaKit(zone: string, currency: string, dictionary: StatusDictionary): ChannelSchemaKit {
  const wall = instantSchema({ zone, allowEpochMillis: false });
  return Object.freeze({
    zone,
    currency,
    money: () =>
      z.string().transform((text, ctx): Money => {
        try {
          return parseMoney(text, currency);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message, params: { code: 'invalid_money' } });
          return z.NEVER;
        }
      }),
    minorUnits: () => z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform((amount) => money(amount, currency)),
    wallTime: () =>
      z.string().transform((text, ctx): Instant => {
        const parsed = wall.safeParse(text);
        if (parsed.success) return parsed.data;
        ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'Invalid time', params: { code: 'invalid_time' } });
        return z.NEVER;
      }),
    epochSeconds: () =>
      z
        .number()
        .int()
        .min(0)
        // Below 1e11 keeps milliseconds sent by mistake from reading as the year 50000.
        .max(99_999_999_999)
        .transform((seconds) => instantFromMillis(seconds * 1000)),
    status: () =>
      z.union([z.string(), z.number()]).transform((code, ctx): OrderStatus => {
        const read = dictionary.readCode(code);
        if (read.ok) return read.value;
        ctx.addIssue({ code: 'custom', message: read.error.message, params: { code: 'unknown_status' } });
        return z.NEVER;
      }),
  });
}
