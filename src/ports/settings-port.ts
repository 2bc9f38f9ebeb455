// Settings: small versioned values operators and jobs change at run time and every worker must
// see the same way after a restart (the ops kill switch, a job's canary stage).
import type { Instant } from '../clock/instant.js';
import type { JsonValue } from './json.js';

/** A stored setting. */
export interface Setting {
  readonly key: string;
  readonly value: JsonValue;
  /** 1 on the first write, one more on each write after it. */
  readonly version: number;
  readonly updatedAt: Instant;
  /** Who wrote it last: an operator's name, `job:<id>`. */
  readonly updatedBy: string;
}

/**
 * One settings change of a unit of work ({@link UnitOfWork.settings}); applied at the unit's `at`.
 * - `put`: writes `value` when the stored version is `expectedVersion` (`null`: the key must not
 *   exist), or the unit fails with `CONCURRENCY_CONFLICT` (entity `setting`, both versions).
 */
export type SettingChange = {
  readonly type: 'put';
  readonly key: string;
  readonly value: JsonValue;
  readonly expectedVersion: number | null;
  readonly by: string;
};

/** The settings change types. */
export const SETTING_CHANGE_TYPES = ['put'] as const;

/** Settings access; `put` is a convenience over a one-change unit of work ({@link SettingChange}). */
export interface SettingsStore {
  /** The setting, or null. */
  get(key: string): Promise<Setting | null>;
  /** Settings whose key starts with `prefix` (all without one), in key order. */
  list(options?: { readonly prefix?: string }): Promise<Setting[]>;
  /**
   * Writes a setting with an optimistic version check.
   * @throws ConcurrencyError `CONCURRENCY_CONFLICT` when the stored version is not `expectedVersion`.
   */
  put(key: string, value: JsonValue, options: { readonly expectedVersion: number | null; readonly by: string; readonly at: Instant }): Promise<Setting>;
}
