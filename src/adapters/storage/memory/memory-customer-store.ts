// The in-memory CustomerStore: Maps and copies, for tests, demos and single-process use.
import { StorageError } from '../../../errors/storage-error.js';
import type { Customer } from '../../../model/customer.js';
import type { CustomerStore, GoldenProfile, MergeAuditRecord } from '../../../ports/customer-store-port.js';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * Creates an in-memory {@link CustomerStore}. Values are copied on the way in and out, so a
 * caller can never mutate what the store holds.
 * @example const store = createMemoryCustomerStore();
 */
export function createMemoryCustomerStore(): CustomerStore {
  const profiles = new Map<string, Customer>();
  const goldens = new Map<string, GoldenProfile>();
  const goldenBySource = new Map<string, string>();
  const postings = new Map<string, Set<string>>();
  const audits = new Map<string, MergeAuditRecord>();
  const auditsByGolden = new Map<string, string[]>();

  return {
    async putProfile(profile) {
      profiles.set(profile.id, copy(profile));
    },
    async getProfile(id) {
      const p = profiles.get(id);
      return p === undefined ? null : copy(p);
    },
    async getProfiles(ids) {
      return ids.flatMap((id) => {
        const p = profiles.get(id);
        return p === undefined ? [] : [copy(p)];
      });
    },
    async deleteProfile(id) {
      return profiles.delete(id);
    },
    async putGolden(golden) {
      const previous = goldens.get(golden.id);
      for (const s of previous?.sourceIds ?? []) if (goldenBySource.get(s) === golden.id) goldenBySource.delete(s);
      goldens.set(golden.id, copy(golden));
      for (const s of golden.sourceIds) goldenBySource.set(s, golden.id);
    },
    async getGolden(id) {
      const g = goldens.get(id);
      return g === undefined ? null : copy(g);
    },
    async findGoldenBySource(sourceId) {
      const id = goldenBySource.get(sourceId);
      const g = id === undefined ? undefined : goldens.get(id);
      return g === undefined ? null : copy(g);
    },
    async deleteGolden(id) {
      const g = goldens.get(id);
      if (g === undefined) return false;
      for (const s of g.sourceIds) if (goldenBySource.get(s) === id) goldenBySource.delete(s);
      return goldens.delete(id);
    },
    async addPostings(recordId, keys) {
      for (const key of keys) {
        let set = postings.get(key);
        if (set === undefined) {
          set = new Set();
          postings.set(key, set);
        }
        set.add(recordId);
      }
    },
    async removePostings(recordId, keys) {
      for (const key of keys) {
        const set = postings.get(key);
        if (set === undefined) continue;
        set.delete(recordId);
        if (set.size === 0) postings.delete(key);
      }
    },
    async getPostings(key, limit) {
      const set = postings.get(key);
      if (set === undefined) return { ids: [], total: 0 };
      return { ids: [...set].sort().slice(0, Math.max(0, limit)), total: set.size };
    },
    async appendAudit(record) {
      if (audits.has(record.id)) {
        throw new StorageError('DUPLICATE_KEY', { operation: 'customers.appendAudit', message: `merge audit record ${record.id} already exists` });
      }
      audits.set(record.id, copy(record));
      const list = auditsByGolden.get(record.goldenId) ?? [];
      list.push(record.id);
      auditsByGolden.set(record.goldenId, list);
    },
    async getAudit(id) {
      const a = audits.get(id);
      return a === undefined ? null : copy(a);
    },
    async listAudit(goldenId) {
      return (auditsByGolden.get(goldenId) ?? []).flatMap((id) => {
        const a = audits.get(id);
        return a === undefined ? [] : [copy(a)];
      });
    },
  };
}
