// The memory settings: versioned values in a Map; the write is a one-change unit of work.
import type { Setting, SettingsStore } from '../../../ports/settings-port.js';
import { settingsWrites } from '../shared/unit-conveniences.js';
import { memoryRunner } from './memory-commit.js';
import { copy, type MemoryState } from './memory-state.js';

/** Creates the settings store of a memory storage. */
export function createMemorySettings(state: MemoryState): SettingsStore {
  const { settings } = state.tables;
  return {
    ...settingsWrites(memoryRunner(state)),

    async get(key: string): Promise<Setting | null> {
      state.enter('settings.get');
      const setting = settings.get(key);
      return setting === undefined ? null : copy(setting);
    },

    async list(options: { readonly prefix?: string } = {}): Promise<Setting[]> {
      state.enter('settings.list');
      const prefix = options?.prefix ?? '';
      return [...settings.values()]
        .filter((setting) => setting.key.startsWith(prefix))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((setting) => copy(setting));
    },
  };
}
