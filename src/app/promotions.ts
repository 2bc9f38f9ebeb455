// Promotions kept in the settings store: defined once with their end resolved in their own zone,
// read by the jobs that wait for them. A change of end is a new version, made on purpose.
import type { Clock } from '../clock/clock.js';
import { sameDeadline } from '../clock/deadline.js';
import { ValidationError } from '../errors/validation-error.js';
import { describePromotionEnd, isPromotion, type Promotion } from '../ops/promotions.js';
import type { JsonValue } from '../ports/json.js';
import type { SettingsStore } from '../ports/settings-port.js';
import type { UnitOfWork } from '../ports/storage-port.js';
import { createUuidSource } from '../ids/id-source.js';

/** The settings key a promotion is stored under. */
export function promotionKey(id: string): string {
  return `promotion:${id}`;
}

/** What {@link savePromotion} needs: settings to keep it, a unit of work for its event, a clock. */
export interface PromotionStoreDeps {
  readonly storage: { readonly settings: Pick<SettingsStore, 'get'>; commit(unit: UnitOfWork): Promise<void> };
  readonly clock: Clock;
}

/**
 * Stores a promotion from `definePromotion` with an `ops.promotion.saved` event, in one unit. The
 * same promotion again is a no-op; another end for a stored id is refused unless `replace` says
 * it is meant (then it is a new version, and the event says who changed it).
 * @throws ValidationError `INVALID_OPTIONS`; ConcurrencyError when another writer saved it meanwhile.
 * @example await savePromotion({ storage, clock }, definePromotion({ id: 'NY-2026', endsAt: { local: '2026-01-01T00:00', zone: 'America/New_York' } }), { by: 'merchandising' })
 */
export async function savePromotion(deps: PromotionStoreDeps, promotion: Promotion, change: { readonly by: string; readonly replace?: boolean }): Promise<Promotion> {
  if (typeof deps?.storage?.settings?.get !== 'function' || typeof deps.storage.commit !== 'function' || typeof deps.clock?.now !== 'function') {
    throw new ValidationError('savePromotion', [{ code: 'invalid_type', path: ['deps'], message: 'Expected { storage, clock }' }], { code: 'INVALID_OPTIONS' });
  }
  if (!isPromotion(promotion)) throw new ValidationError('savePromotion', [{ code: 'invalid_type', path: ['promotion'], message: 'Expected a promotion from definePromotion' }], { code: 'INVALID_OPTIONS' });
  if (typeof change?.by !== 'string' || change.by === '') throw new ValidationError('savePromotion', [{ code: 'invalid_value', path: ['by'], message: 'Expected who defines the promotion' }], { code: 'INVALID_OPTIONS' });
  const key = promotionKey(promotion.id);
  const stored = await deps.storage.settings.get(key);
  const before = stored?.value;
  if (isPromotion(before)) {
    if (sameDeadline(before.endsAt, promotion.endsAt)) return before;
    if (change.replace !== true) {
      throw new ValidationError('savePromotion', [{ code: 'invalid_value', path: ['endsAt'], message: `Promotion ${promotion.id} is stored ending ${describePromotionEnd(before)}; pass replace: true to change its end to ${describePromotionEnd(promotion)}` }], { code: 'INVALID_OPTIONS' });
    }
  }
  const at = deps.clock.now();
  await deps.storage.commit({
    at,
    settings: [{ type: 'put', key, value: promotion as unknown as JsonValue, expectedVersion: stored?.version ?? null, by: change.by }],
    outbox: [{ id: createUuidSource('evt_')(), topic: 'ops.promotion.saved', key, payload: { ...promotion, by: change.by, replaced: isPromotion(before) } as unknown as JsonValue, createdAt: at }],
  });
  return promotion;
}

/** A stored promotion, or null. */
export async function readPromotion(storage: { readonly settings: Pick<SettingsStore, 'get'> }, id: string): Promise<Promotion | null> {
  if (typeof storage?.settings?.get !== 'function') throw new ValidationError('readPromotion', [{ code: 'invalid_type', path: ['storage'], message: 'Expected a storage with settings' }]);
  if (typeof id !== 'string' || id === '') throw new ValidationError('readPromotion', [{ code: 'invalid_value', path: ['id'], message: 'Expected a promotion id' }]);
  const value = (await storage.settings.get(promotionKey(id)))?.value;
  if (value === undefined) return null;
  if (!isPromotion(value)) throw new ValidationError(`setting ${promotionKey(id)}`, [{ code: 'invalid_type', path: [promotionKey(id)], message: 'Expected a promotion saved by savePromotion' }]);
  return value;
}
