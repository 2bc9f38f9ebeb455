// Customers end to end on real storage: the stored index and the merge service over storage.customers survive a restart (SQLite file) and run on PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../src/adapters/postgres.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import { createManualClock } from '../../src/clock/index.js';
import { chineseRetailPreset, createCustomerMatcher } from '../../src/customers/index.js';
import { createMergeService, createStoredCustomerIndex } from '../../src/app/index.js';
import { customerSchema, type CustomerInput } from '../../src/model/index.js';
import type { StoragePort } from '../../src/ports/index.js';
import { postgresTarget, testSchema } from '../support/postgres.js';
import { tempDir } from '../support/sqlite.js';

const matcher = createCustomerMatcher(chineseRetailPreset());
const full = (c: CustomerInput) => customerSchema.parse(c);
const tmall = full({ id: 'tmall-1', names: ['王小明'], phones: ['13812345678'], source: 'tmall', addresses: [{ country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路100号' }] });
const jd = full({ id: 'jd-1', names: ['王小明'], phones: ['+86 138 1234 5678'], source: 'jd', idNumber: '11010519491231002X' });
const stranger = full({ id: 'pdd-1', names: ['李秀英'], phones: ['13900001111'], source: 'pdd' });

/** Indexes three profiles, matches the second against the first, merges them; returns what a later process must find. */
async function indexAndMerge(storage: StoragePort) {
  const index = createStoredCustomerIndex(matcher, storage.customers);
  for (const c of [tmall, stranger]) await index.add(c);
  const found = await index.match(jd);
  expect(found.candidates.map((c) => c.rightId)).toEqual(['tmall-1']);
  await index.add(jd);
  let n = 0;
  const merges = createMergeService({ store: storage.customers, clock: createManualClock('2026-03-01T08:00:00+08:00'), newId: () => `m-${(n += 1)}` });
  const { golden, audit } = await merges.merge({ profiles: [tmall, jd], actor: 'ops:li', reason: 'same phone', evidence: found.candidates });
  return { golden, audit, merges };
}

/** What a second process sees: the postings, the golden profile, its audit; then unmerge restores the sources. */
async function checkAfterRestart(storage: StoragePort, goldenId: string, auditId: string): Promise<void> {
  const index = createStoredCustomerIndex(matcher, storage.customers);
  const again = await index.match(full({ id: 'q', names: ['王小明'], phones: ['13812345678'] }));
  expect(again.candidates.map((c) => c.rightId).sort()).toEqual(['jd-1', 'tmall-1']);
  const golden = await storage.customers.findGoldenBySource('jd-1');
  expect(golden?.id).toBe(goldenId);
  expect(golden?.sourceIds).toEqual(['tmall-1', 'jd-1']);
  expect(golden?.profile.idNumber).toBe('11010519491231002X');
  const audit = await storage.customers.listAudit(goldenId);
  expect(audit.map((a) => [a.id, a.action, a.actor, a.at])).toEqual([[auditId, 'merge', 'ops:li', '2026-03-01T00:00:00.000Z']]);
  // The evidence is stored masked: no raw phone in the audit's explanation.
  expect(JSON.stringify(audit[0]?.evidence)).not.toContain('13812345678');
  const merges = createMergeService({ store: storage.customers, clock: createManualClock('2026-03-02T08:00:00+08:00'), newId: () => 'u-1' });
  await merges.unmerge({ auditId, actor: 'ops:wang', reason: 'two people' });
  expect(await storage.customers.findGoldenBySource('jd-1')).toBeNull();
  expect(await storage.customers.getProfiles(['tmall-1', 'jd-1'])).toEqual([tmall, jd]);
  expect((await storage.customers.listAudit(goldenId)).map((a) => a.action)).toEqual(['merge', 'unmerge']);
}

describe('customers on SQLite', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('keeps postings, golden profiles and the audit across a restart; unmerge restores the sources', async () => {
    const file = dir.file('customers.db');
    const first = createSqliteStorage({ file });
    await first.migrate();
    const { golden, audit } = await indexAndMerge(first);
    await first.close();
    const second = createSqliteStorage({ file });
    await second.migrate();
    try {
      await checkAfterRestart(second, golden.id, audit.id);
    } finally {
      await second.close();
    }
  });
});

const target = await postgresTarget();
if (target.url === undefined) {
  describe.skip(`customers on PostgreSQL (${target.skipReason})`, () => {
    it('is skipped', () => undefined);
  });
} else {
  const url = target.url;
  describe('customers on PostgreSQL', () => {
    const schema = testSchema(url);
    afterAll(() => schema.drop());

    it('keeps postings, golden profiles and the audit for another process; unmerge restores the sources', async () => {
      const first = createPostgresStorage({ connectionString: url, schema: schema.name });
      await first.migrate();
      const { golden, audit } = await indexAndMerge(first);
      await first.close();
      const second = createPostgresStorage({ connectionString: url, schema: schema.name });
      try {
        await checkAfterRestart(second, golden.id, audit.id);
      } finally {
        await second.close();
      }
    });
  });
}
