// A settings row as both SQL dialects select it, and its mapper; each dialect says how JSON is read.
import type { Instant } from '../../../clock/instant.js';
import type { JsonValue } from '../../../ports/json.js';
import type { Setting } from '../../../ports/settings-port.js';

/** The selected columns, in the port's names. */
export const SETTING_COLUMNS = 'key, value, version, updated_at AS "updatedAt", updated_by AS "updatedBy"';

/** A row; `J` is how the dialect returns the JSON column (text for SQLite, parsed for PostgreSQL). */
export interface SettingRow<J> {
  readonly key: string;
  readonly value: J;
  readonly version: number | string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** The port's setting from a row. */
export function toSetting<J>(row: SettingRow<J>, json: (value: J) => unknown): Setting {
  return { key: row.key, value: json(row.value) as JsonValue, version: Number(row.version), updatedAt: row.updatedAt as Instant, updatedBy: row.updatedBy };
}
