// The memory quarantine: invalid records kept with their issues until fixed, replayed or discarded.
// Writes are one-change units of work, the same path as a unit's quarantine part.
import type { Instant } from '../../../clock/instant.js';
import { hasErrorCode } from '../../../errors/ordo-error.js';
import type { ValidationIssue } from '../../../errors/validation-error.js';
import type { JsonValue } from '../../../ports/json.js';
import type { QuarantineChange, QuarantineInput, QuarantineRecord, QuarantineStore } from '../../../ports/quarantine-port.js';
import { asArgumentError } from '../shared/unit-plan.js';
import { commitUnit } from './memory-commit.js';
import { copy, take, type MemoryState } from './memory-state.js';

/** Creates the quarantine store of a memory storage. */
export function createMemoryQuarantine(state: MemoryState): QuarantineStore {
  const { quarantine } = state.tables;
  /** The record the change left, or null when the record was not open. */
  const change = (operation: string, quarantineChange: QuarantineChange, at: Instant): QuarantineRecord | null => {
    state.enter(operation);
    try {
      return commitUnit(state, { quarantine: [quarantineChange], at }).quarantine[0] as QuarantineRecord;
    } catch (error) {
      if (hasErrorCode(error, 'CONCURRENCY_CONFLICT')) return null;
      throw asArgumentError(error, ['quarantine', 0], 'quarantine record');
    }
  };

  return {
    async put(input: QuarantineInput): Promise<QuarantineRecord> {
      return change('quarantine.put', { type: 'put', record: input }, input.receivedAt) as QuarantineRecord;
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
      return change('quarantine.fix', { type: 'fix', id, payload, issues }, at);
    },

    async markReplayed(id: string, at: Instant): Promise<boolean> {
      return change('quarantine.markReplayed', { type: 'markReplayed', id }, at) !== null;
    },

    async discard(id: string, at: Instant): Promise<boolean> {
      return change('quarantine.discard', { type: 'discard', id }, at) !== null;
    },
  };
}
