// Merge with survivorship and audit; unmerge restores the exact prior state.
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/clock/index.js';
import { createMemoryCustomerStore, createMemoryStorage } from '../../src/adapters/memory.js';
import { chineseRetailPreset, createCustomerMatcher } from '../../src/customers/index.js';
import { createMergeService } from '../../src/app/index.js';
import { isConcurrencyError } from '../../src/errors/index.js';
import type { Customer } from '../../src/model/index.js';
import type { Instant } from '../../src/clock/index.js';
import type { GoldenProfile } from '../../src/ports/index.js';

const customer = (id: string, extra: Partial<Customer>): Customer => ({ id, names: [], phones: [], emails: [], addresses: [], paymentAccounts: [], deviceIds: [], attributes: {}, ...extra });

function setup(config: Partial<Parameters<typeof createMergeService>[0]> = {}) {
  const store = createMemoryCustomerStore();
  const clock = createManualClock('2026-03-01T08:00:00+08:00');
  let n = 0;
  const service = createMergeService({ store, clock, newId: () => `id-${(n += 1)}`, ...config });
  return { store, clock, service };
}

const tmall = customer('t1', { names: ['王小明'], phones: ['13812345678'], source: 'tmall', idNumber: '11010519491231002X', attributes: { updatedAt: '2026-01-01T00:00:00.000Z', tier: 'silver' } });
const jd = customer('j1', { names: ['王晓明'], phones: ['13812345678', '13900001111'], source: 'jd', attributes: { updatedAt: '2026-02-01T00:00:00.000Z', tier: 'gold' } });
const crm = customer('c1', { names: ['王小明'], source: 'crm', idNumber: '11010519491231002X', attributes: { updatedAt: '2025-01-01T00:00:00.000Z' } });

describe('createMergeService', () => {
  it('merges into a golden profile that keeps every source identity, with lineage', async () => {
    const { service, store } = setup();
    const { golden } = await service.merge({ profiles: [tmall, jd, crm], actor: 'ops:li', reason: 'same phone' });
    expect(golden.sourceIds).toEqual(['t1', 'j1', 'c1']);
    expect(golden.profile.phones).toEqual(['13812345678', '13900001111']);
    expect(golden.profile.names).toEqual(['王晓明', '王小明']);
    expect(golden.profile.attributes.tier).toBe('gold');
    expect(golden.lineage['attributes.tier']).toBe('j1');
    expect(golden.profile.idNumber).toBe('11010519491231002X');
    expect((await store.findGoldenBySource('c1'))?.id).toBe(golden.id);
  });
  it('keeps one spelling of each value: phones, names, emails and addresses compared normalised', () => {
    const { service } = setup();
    const a = customer('a', {
      phones: ['+86 138-1234-5678'],
      names: ['王小明'],
      emails: ['Li.Lei@Example.com'],
      addresses: [{ country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 478 号' }],
      attributes: { updatedAt: '2026-02-01T00:00:00.000Z' },
    });
    const b = customer('b', {
      phones: ['13812345678', '8613812345678'],
      names: ['王小明 ', '王 小明'],
      emails: ['li.lei@example.com'],
      addresses: [{ country: 'CN', province: '浙江', city: '杭州', district: '西湖区', street: '文三路478号' }],
      attributes: { updatedAt: '2026-01-01T00:00:00.000Z' },
    });
    const { profile } = service.survive('g', [b, a]);
    // The most recent profile's spelling survives, once.
    expect(profile.phones).toEqual(['+86 138-1234-5678']);
    expect(profile.names).toEqual(['王小明']);
    expect(profile.emails).toEqual(['Li.Lei@Example.com']);
    expect(profile.addresses).toHaveLength(1);
  });
  it('applies per-field rules: most frequent, source priority', async () => {
    const { service } = setup({ survivorship: { names: 'most-frequent', source: 'source-priority' }, sourcePriority: ['crm', 'tmall'] });
    const { profile } = service.survive('g', [tmall, jd, crm]);
    expect(profile.names[0]).toBe('王小明');
    expect(profile.source).toBe('crm');
  });
  it('writes an audit record: who, when from the clock, why, evidence, before and after', async () => {
    const { service, store } = setup();
    const matcher = createCustomerMatcher(chineseRetailPreset());
    const evidence = [matcher.compare(matcher.prepare(tmall), matcher.prepare(jd))];
    const { audit, golden } = await service.merge({ profiles: [tmall, jd], actor: 'ops:li', reason: 'same phone', evidence });
    expect(audit).toMatchObject({ action: 'merge', actor: 'ops:li', at: '2026-03-01T00:00:00.000Z', reason: 'same phone', goldenId: golden.id });
    expect(audit.evidence[0]?.fields.find((f) => f.field === 'phone')?.left).toBe('+86138****5678');
    expect(audit.before.goldens).toEqual([]);
    expect(audit.after.goldens).toEqual([golden]);
    expect((await store.listAudit(golden.id)).map((a) => a.id)).toEqual([audit.id]);
  });
  it('extends an existing golden profile and unmerge restores it exactly', async () => {
    const { service, store, clock } = setup();
    const first = await service.merge({ profiles: [tmall, jd], actor: 'a', reason: 'r1' });
    const beforeSecond = await store.getGolden(first.golden.id);
    clock.advance({ hours: 1 });
    const second = await service.merge({ profiles: [crm, tmall], actor: 'b', reason: 'r2' });
    expect([...second.golden.sourceIds].sort()).toEqual(['c1', 'j1', 't1']);
    expect(await store.getGolden(first.golden.id)).toBeNull();
    const undone = await service.unmerge({ auditId: second.audit.id, actor: 'c', reason: 'wrong person' });
    expect(undone.audit).toMatchObject({ action: 'unmerge', undoes: second.audit.id, at: '2026-03-01T01:00:00.000Z' });
    expect(await store.getGolden(first.golden.id)).toEqual(beforeSecond);
    expect(await store.getGolden(second.golden.id)).toBeNull();
    expect((await store.findGoldenBySource('t1'))?.id).toBe(first.golden.id);
    expect(await store.findGoldenBySource('c1')).toBeNull();
  });
  it('unmerge of a first merge restores the prior source profiles exactly', async () => {
    const { service, store } = setup();
    await store.putProfile(tmall);
    const edited = { ...tmall, names: ['王小明 (edited)'] };
    const { audit } = await service.merge({ profiles: [edited, jd], actor: 'a', reason: 'r' });
    await service.unmerge({ auditId: audit.id, actor: 'a', reason: 'undo' });
    expect(await store.getProfile('t1')).toEqual(tmall);
    expect(await store.getProfile('j1')).toBeNull();
    expect(await store.findGoldenBySource('t1')).toBeNull();
  });
  it('refuses to unmerge a golden profile that changed since', async () => {
    const { service } = setup();
    const first = await service.merge({ profiles: [tmall, jd], actor: 'a', reason: 'r' });
    await service.merge({ profiles: [crm, jd], actor: 'a', reason: 'r' });
    await expect(service.unmerge({ auditId: first.audit.id, actor: 'a', reason: 'undo' })).rejects.toSatisfy(isConcurrencyError);
  });
  it('refuses bad requests and configuration', async () => {
    const { service } = setup();
    await expect(service.merge({ profiles: [tmall], actor: 'a', reason: 'r' })).rejects.toThrow(/at least two/);
    await expect(service.unmerge({ auditId: 'nope', actor: 'a', reason: 'r' })).rejects.toThrow(/No merge audit record/);
    expect(() => setup({ survivorship: { names: 'loudest' as never } })).toThrow(/most-recent/);
  });

  it('a merge is one unit: a failed commit writes no profile, golden profile or audit record', async () => {
    const storage = createMemoryStorage({ failWith: (op) => (op === 'customers.commit' ? new Error('disk full') : undefined) });
    const clock = createManualClock('2026-03-01T08:00:00+08:00');
    const service = createMergeService({ store: storage.customers, clock, newId: () => 'g1' });
    await expect(service.merge({ profiles: [tmall, jd], actor: 'ops:li', reason: 'same phone' })).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    expect(await storage.customers.getProfile('t1')).toBeNull();
    expect(await storage.customers.getGolden('g1')).toBeNull();
    expect(await storage.customers.listAudit('g1')).toEqual([]);
  });

  it('a merge that races another one on the same golden profile reads again and merges into what is stored', async () => {
    const store = createMemoryCustomerStore();
    const clock = createManualClock('2026-03-01T08:00:00+08:00');
    let n = 0;
    const service = createMergeService({ store, clock, newId: () => `id-${(n += 1)}` });
    const first = await service.merge({ profiles: [tmall, jd], actor: 'ops:li', reason: 'same phone' });
    // A store whose first commit finds the golden profile changed by someone else (its version moved on).
    let raced = false;
    const racing = {
      ...store,
      commit: async (changes: Parameters<typeof store.commit>[0]) => {
        if (!raced) {
          raced = true;
          const current = await store.getGolden(first.golden.id);
          if (current !== null) await store.putGolden({ ...current, version: current.version + 1 });
        }
        return store.commit(changes);
      },
    };
    const again = createMergeService({ store: racing, clock, newId: () => `id-${(n += 1)}` });
    const { golden, audit } = await again.merge({ profiles: [tmall, crm], actor: 'ops:li', reason: 'same ID number' });
    expect(raced).toBe(true);
    expect([...golden.sourceIds].sort()).toEqual(['c1', 'j1', 't1']);
    // The audit holds the golden profile as it was when the retry read it: version 2.
    expect(audit.before.goldens.map((g) => g.version)).toEqual([2]);
    expect(await store.getGolden(first.golden.id)).toBeNull();
    expect((await store.findGoldenBySource('j1'))?.id).toBe(golden.id);
  });

  it('putGolden is optimistic: a version that does not follow the stored one is CONCURRENCY_CONFLICT', async () => {
    const store = createMemoryCustomerStore();
    const at = '2026-01-01T00:00:00.000Z' as Instant;
    const golden: GoldenProfile = { id: 'g', profile: tmall, sourceIds: ['t1'], lineage: {}, version: 1, createdAt: at, updatedAt: at };
    await store.putGolden(golden);
    await expect(store.putGolden(golden)).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', entity: 'golden profile', expectedVersion: null, actualVersion: 1 });
    await store.putGolden({ ...golden, version: 2 });
    await expect(store.putGolden({ ...golden, version: 2 })).rejects.toSatisfy(isConcurrencyError);
    expect((await store.getGolden('g'))?.version).toBe(2);
  });
});
