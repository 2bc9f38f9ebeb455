// SQLite settings: versioned values changed at run time; the write is a one-change unit of work.
import type { Setting, SettingsStore } from '../../../ports/settings-port.js';
import { parseJsonText } from '../shared/outbox-rows.js';
import { SETTING_COLUMNS, toSetting, type SettingRow } from '../shared/setting-rows.js';
import { settingsWrites } from '../shared/unit-conveniences.js';
import type { SqliteContext } from './sqlite-driver.js';
import { commitSqlite } from './sqlite-orders.js';

/** Creates the settings store. */
export function createSqliteSettings(context: SqliteContext): SettingsStore {
  const t = context.tables;
  return {
    ...settingsWrites((unit, operation) => commitSqlite(context, unit, operation)),

    get(key: string): Promise<Setting | null> {
      return context.read('settings.get', (session) => {
        const row = session.get<SettingRow<string>>(`SELECT ${SETTING_COLUMNS} FROM ${t.settings} WHERE key = ?`, key);
        return row === undefined ? null : toSetting(row, parseJsonText);
      });
    },

    list(options: { readonly prefix?: string } = {}): Promise<Setting[]> {
      const prefix = options?.prefix ?? '';
      return context.read('settings.list', (session) =>
        session
          .all<SettingRow<string>>(`SELECT ${SETTING_COLUMNS} FROM ${t.settings} WHERE substr(key, 1, length(?)) = ? ORDER BY key`, prefix, prefix)
          .map((row) => toSetting(row, parseJsonText)),
      );
    },
  };
}
