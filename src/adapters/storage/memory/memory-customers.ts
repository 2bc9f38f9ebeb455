// The memory storage's customer store: reads from its tables, every write a unit of work's customer part.
import type { Customer } from '../../../model/customer.js';
import type { CustomerStore, GoldenProfile, MergeAuditRecord } from '../../../ports/customer-store-port.js';
import { customerWrites } from '../shared/unit-conveniences.js';
import { memoryRunner } from './memory-commit.js';
import { copy, type MemoryState } from './memory-state.js';

/**
 * Creates the customer store of one memory storage. Every call passes the storage's guard first,
 * so a closed storage fails with `STORAGE_UNAVAILABLE` and `failWith` can inject faults (operation
 * names `customers.putProfile`, `customers.getPostings`, ...), as for the other sub-stores.
 */
export function createMemoryCustomers(state: MemoryState): CustomerStore {
  const { profiles, goldens, goldenBySource, postings, audits } = state.tables;
  const read = <T>(operation: string, value: T | undefined): T | null => {
    state.enter(operation);
    return value === undefined ? null : copy(value);
  };

  return {
    ...customerWrites(memoryRunner(state)),
    async getProfile(id: string): Promise<Customer | null> {
      return read('customers.getProfile', profiles.get(id));
    },
    async getProfiles(ids: readonly string[]): Promise<Customer[]> {
      state.enter('customers.getProfiles');
      return ids.flatMap((id) => {
        const profile = profiles.get(id);
        return profile === undefined ? [] : [copy(profile)];
      });
    },
    async getGolden(id: string): Promise<GoldenProfile | null> {
      return read('customers.getGolden', goldens.get(id));
    },
    async findGoldenBySource(sourceId: string): Promise<GoldenProfile | null> {
      const id = goldenBySource.get(sourceId);
      return read('customers.findGoldenBySource', id === undefined ? undefined : goldens.get(id));
    },
    async getPostings(key: string, limit: number): Promise<{ readonly ids: readonly string[]; readonly total: number }> {
      state.enter('customers.getPostings');
      const ids = postings.get(key);
      if (ids === undefined) return { ids: [], total: 0 };
      return { ids: [...ids].sort().slice(0, Math.max(0, limit)), total: ids.size };
    },
    async getAudit(id: string): Promise<MergeAuditRecord | null> {
      return read('customers.getAudit', audits.get(id));
    },
    async listAudit(goldenId: string): Promise<MergeAuditRecord[]> {
      state.enter('customers.listAudit');
      return [...audits.values()].filter((record) => record.goldenId === goldenId).map((record) => copy(record));
    },
  };
}

