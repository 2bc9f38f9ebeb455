// A promotion as data: its end is a wall time in the promotion's own IANA zone, resolved once to
// the instant a job compares with. Whoever configures a job never gives that zone again.
import { createDeadline, describeDeadline, type Deadline, type DeadlineDefinition } from '../clock/deadline.js';
import { isInstant } from '../clock/instant.js';
import { describeInput } from '../errors/mask.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';

/** A promotion as declared: its id (as orders carry it) and its end in its own zone. */
export interface PromotionDefinition {
  readonly id: string;
  /** When the promotion ends: a wall time and the IANA zone it is written in (DST gaps refused unless told). */
  readonly endsAt: DeadlineDefinition;
  readonly description?: string;
}

/** A defined promotion: its end resolved to one instant, once. Plain, frozen, JSON-safe: stored as is. */
export interface Promotion {
  readonly id: string;
  readonly endsAt: Deadline;
  readonly description: string;
}

/**
 * Checks a promotion and resolves its end to an instant in its own zone: a promotion ending at
 * midnight New York time ends at 05:00Z for a server in Singapore too.
 * @example definePromotion({ id: 'NY-2026', endsAt: { local: '2026-01-01T00:00', zone: 'America/New_York' } }).endsAt.instant // '2026-01-01T05:00:00.000Z'
 * @throws ValidationError `INVALID_OPTIONS` with every problem at its path.
 */
export function definePromotion(definition: PromotionDefinition): Promotion {
  const issues: ValidationIssue[] = [];
  const input = (typeof definition === 'object' && definition !== null ? definition : {}) as Partial<PromotionDefinition>;
  if (typeof input.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/.test(input.id)) issues.push({ code: 'invalid_value', path: ['id'], message: 'Expected an id of letters, digits, dots, colons, dashes and underscores (at most 80)' });
  if (input.description !== undefined && typeof input.description !== 'string') issues.push({ code: 'invalid_type', path: ['description'], message: 'Expected text' });
  const endsAt = resolveEnd(input.endsAt, ['endsAt'], issues);
  if (issues.length > 0 || endsAt === undefined) throw new ValidationError(`promotion ${typeof input.id === 'string' ? input.id : ''}`.trim(), issues, { code: 'INVALID_OPTIONS' });
  return Object.freeze({ id: input.id as string, endsAt, description: input.description ?? '' });
}

/** True for a promotion as {@link definePromotion} makes it (and as storage gives it back). */
export function isPromotion(value: unknown): value is Promotion {
  const candidate = value as Partial<Promotion> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.id === 'string' && typeof candidate.endsAt?.local === 'string' && typeof candidate.endsAt.zone === 'string' && isInstant(candidate.endsAt.instant);
}

/** How a promotion's end reads for people: its wall time in its zone, and the instant. */
export function describePromotionEnd(promotion: Promotion): string {
  if (!isPromotion(promotion)) throw new ValidationError('describePromotionEnd', [{ code: 'invalid_type', path: ['promotion'], message: 'Expected a promotion from definePromotion' }]);
  return describeDeadline(promotion.endsAt);
}

/** A wall time and its zone resolved to a deadline, or an issue at `path`. */
export function resolveEnd(value: unknown, path: (string | number)[], issues: ValidationIssue[]): Deadline | undefined {
  if (typeof value !== 'object' || value === null) {
    issues.push({
      code: 'invalid_type',
      path,
      message: `Expected a wall time and its zone, { local: "2026-01-01T00:00", zone: "America/New_York" }, not ${typeof value === 'string' ? 'text (an instant has lost the zone the deadline was written in)' : describeInput(value)}`,
    });
    return undefined;
  }
  const end = value as Partial<DeadlineDefinition>;
  try {
    return createDeadline(end.local as string, end.zone as string, end.disambiguation === undefined ? {} : { disambiguation: end.disambiguation });
  } catch (error) {
    issues.push({ code: 'invalid_value', path, message: isOrdoError(error) ? error.message : 'Expected { local, zone }' });
    return undefined;
  }
}
