// The memory quarantine: invalid records kept with their issues until fixed, replayed or discarded.
import type { Instant } from '../../../clock/instant.js';
import type { ValidationIssue } from '../../../errors/validation-error.js';
import type { JsonValue } from '../../../ports/json.js';
import type { QuarantineInput, QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { copy, take, type MemoryState } from './memory-state.js';

/** Creates the quarantine store of a memory storage. */
export function createMemoryQuarantine(state: MemoryState): QuarantineStore {
  const { quarantine } = state.tables;

  /** Moves an open record to a final status. */
  const close = (id: string, status: 'replayed' | 'discarded', at: Instant): boolean => {
    const record = quarantine.get(id);
    if (record === undefined || record.status !== 'open') return false;
    quarantine.set(id, { ...record, status, updatedAt: at });
    return true;
  };

  return {
    async put(input: QuarantineInput): Promise<QuarantineRecord> {
      state.enter('quarantine.put');
      // A redelivered bad payload must not overwrite a record someone may be fixing.
      const existing = quarantine.get(input.id);
      if (existing !== undefined) return copy(existing);
      const record: QuarantineRecord = { ...copy(input), status: 'open', updatedAt: input.receivedAt, revisions: 0 };
      quarantine.set(record.id, record);
      return copy(record);
    },

    async get(id: string): Promise<QuarantineRecord | null> {
      state.enter('quarantine.get');
      const record = quarantine.get(id);
      return record === undefined ? null : copy(record);
    },

    async list(options: { readonly source?: string; readonly status?: QuarantineRecord['status']; readonly limit?: number } = {}): Promise<QuarantineRecord[]> {
      state.enter('quarantine.list');
      const matching = [...quarantine.values()]
        .filter((r) => (options.source === undefined || r.source === options.source) && (options.status === undefined || r.status === options.status))
        .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
      return take(matching, options.limit).map((r) => copy(r));
    },

    async fix(id: string, payload: JsonValue, issues: readonly ValidationIssue[], at: Instant): Promise<QuarantineRecord | null> {
      state.enter('quarantine.fix');
      const record = quarantine.get(id);
      // Replayed and discarded records are closed for audit; only open ones can change.
      if (record === undefined || record.status !== 'open') return null;
      const fixed: QuarantineRecord = { ...record, payload: copy(payload), issues: copy(issues), revisions: record.revisions + 1, updatedAt: at };
      quarantine.set(id, fixed);
      return copy(fixed);
    },

    async markReplayed(id: string, at: Instant): Promise<boolean> {
      state.enter('quarantine.markReplayed');
      return close(id, 'replayed', at);
    },

    async discard(id: string, at: Instant): Promise<boolean> {
      state.enter('quarantine.discard');
      return close(id, 'discarded', at);
    },
  };
}
