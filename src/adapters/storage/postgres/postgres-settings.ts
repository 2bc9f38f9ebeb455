// PostgreSQL settings: versioned values changed at run time; the write is a one-change unit of work.
import type { Setting, SettingsStore } from '../../../ports/settings-port.js';
import { jsonAsIs } from '../shared/outbox-rows.js';
import { SETTING_COLUMNS, toSetting, type SettingRow } from '../shared/setting-rows.js';
import { settingsWrites } from '../shared/unit-conveniences.js';
import type { PgContext } from './postgres-driver.js';
import { commitPostgres } from './postgres-orders.js';

/** Creates the settings store. */
export function createPostgresSettings(context: PgContext): SettingsStore {
  const t = context.tables;
  return {
    ...settingsWrites((unit, operation) => commitPostgres(context, unit, operation)),

    async get(key: string): Promise<Setting | null> {
      const result = await context.query('settings.get', `SELECT ${SETTING_COLUMNS} FROM ${t.settings} WHERE key = $1`, [key]);
      const row = result.rows[0] as SettingRow<unknown> | undefined;
      return row === undefined ? null : toSetting(row, jsonAsIs);
    },

    async list(options: { readonly prefix?: string } = {}): Promise<Setting[]> {
      const prefix = options?.prefix ?? '';
      const result = await context.query('settings.list', `SELECT ${SETTING_COLUMNS} FROM ${t.settings} WHERE substr(key, 1, length($1)) = $1 ORDER BY key COLLATE "C"`, [prefix]);
      return (result.rows as SettingRow<unknown>[]).map((row) => toSetting(row, jsonAsIs));
    },
  };
}
