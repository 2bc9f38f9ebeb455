// Reconciliation: sorted merge and partitioned spill give one answer; missing, duplicate and
// differing records; JSON Lines and CSV reports with a summary and the dead letters; bounded partitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcile, type ReconciliationDifference, type ReportWriter } from '../../src/app/index.js';
import { instant } from '../../src/clock/index.js';
import type { Task } from '../../src/ports/index.js';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const spec = { fields: { total: { compare: 'money', tolerance: 1 }, status: 'exact', phone: { compare: 'text', personal: 'phone' } }, ignore: ['syncedAt'] } as const;

function sink(): ReportWriter & { text: () => string } {
  let text = '';
  return { write: (chunk: string) => ((text += chunk), true), text: () => text };
}

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

const oms = [
  { id: 'A1', total: cny(100), status: 'paid', phone: '+8613812345678', syncedAt: 1 },
  { id: 'A2', total: cny(200), status: 'paid' },
  { id: 'A3', total: cny(300), status: 'shipped' },
  { id: 'A5', total: cny(500), status: 'paid' },
];
const wms = [
  { id: 'A1', total: cny(101), status: 'paid', phone: '+8613812345678', syncedAt: 2 },
  { id: 'A2', total: cny(250), status: 'paid' },
  { id: 'A2', total: cny(200), status: 'paid' },
  { id: 'A4', total: cny(400), status: 'paid' },
  { id: 'A5', total: cny(500), status: 'cancelled', phone: '+8613912345678' },
];

const brief = (d: ReconciliationDifference) => `${d.key} ${d.side} ${d.kind}${d.path === undefined ? '' : ` ${d.path.join('.')}`}`;

describe('reconcile', () => {
  it('sorted sides stream through a merge: missing, duplicate and differing records, with a summary', async () => {
    const found: ReconciliationDifference[] = [];
    const summary = await reconcile({
      sides: [{ name: 'oms', records: slowly(oms), sorted: true }, { name: 'wms', records: slowly(wms), sorted: true }],
      key: 'id',
      spec,
      onDifference: (d) => {
        found.push(d);
      },
    });
    expect(found.map(brief)).toEqual(['A2 wms duplicate', 'A2 wms mismatch total', 'A3 wms missing', 'A4 oms missing', 'A5 wms mismatch status', 'A5 wms missing_in_source phone']);
    expect(found[1]).toMatchObject({ reference: 'oms', referenceValue: cny(200), value: cny(250), detail: 'differ by 50 minor units, tolerance 1' });
    expect(JSON.stringify(found)).not.toContain('13912345678');
    expect(summary).toEqual({
      mode: 'sorted-merge',
      records: { oms: 4, wms: 5 },
      keys: 5,
      inSync: 1,
      differences: 6,
      byKind: { duplicate: 1, mismatch: 2, missing: 2, missing_in_source: 1 },
      byField: { '(record)': 3, total: 1, status: 1, phone: 1 },
      bySide: { wms: 5, oms: 1 },
      deadLetters: 0,
    });
  });

  it('unsorted sides are partitioned on disk and give the same differences', async () => {
    const shuffled = [...wms].reverse();
    const found: ReconciliationDifference[] = [];
    const summary = await reconcile({
      sides: [{ name: 'oms', records: [...oms].reverse() }, { name: 'wms', records: shuffled }],
      key: 'id',
      spec,
      partitions: 2,
      onDifference: (d) => {
        found.push(d);
      },
    });
    expect(summary.mode).toBe('partitioned');
    // A2's duplicate compares its first record in input order: here the matching one.
    expect(found.map(brief).sort()).toEqual(['A2 wms duplicate', 'A3 wms missing', 'A4 oms missing', 'A5 wms mismatch status', 'A5 wms missing_in_source phone']);
  });

  it('a side declared sorted that is not fails with UNSORTED_INPUT, naming the side and position', async () => {
    await expect(reconcile({ sides: [{ name: 'oms', records: oms, sorted: true }, { name: 'wms', records: [...wms].reverse(), sorted: true }], key: 'id', spec })).rejects.toMatchObject({
      code: 'UNSORTED_INPUT',
      details: { side: 'wms', position: 2 },
    });
  });

  it('three sides compare each with the reference; records without a key are reported', async () => {
    const finance = [{ id: 'A1', total: cny(100) }, { id: 'A2', total: cny(200) }, { ref: 'lost' }];
    const found: string[] = [];
    const summary = await reconcile({
      sides: [{ name: 'oms', records: oms.slice(0, 2) }, { name: 'wms', records: wms.slice(0, 1) }, { name: 'finance', records: finance }],
      key: (record) => (record as { id?: string }).id,
      spec: { wms: spec, finance: { fields: { total: { compare: 'money' } }, others: 'ignore' } },
      onDifference: (d) => {
        found.push(brief(d));
      },
    });
    expect(found.sort()).toEqual([' finance no_key', 'A2 wms missing']);
    expect(summary).toMatchObject({ records: { oms: 2, wms: 1, finance: 3 }, keys: 2, inSync: 1 });
  });

  it('writes JSON Lines and CSV, dead letters included, with spreadsheet formulas defused', async () => {
    const jsonl = sink();
    const csv = sink();
    const dead: Task = {
      id: 't1', queue: 'sync.compensation', key: 'wms:A3', payload: null, dueAt: instant('2026-11-14T00:00:00Z'), status: 'dead', attempts: 288,
      firstFailedAt: instant('2026-11-11T00:00:00Z'), history: [{ at: instant('2026-11-14T00:00:00Z'), error: '=HYPERLINK("x")', code: 'ECONNREFUSED' }],
      createdAt: instant('2026-11-11T00:00:00Z'), updatedAt: instant('2026-11-14T00:00:00Z'),
    };
    const summary = await reconcile({ sides: [{ name: 'oms', records: oms, sorted: true }, { name: 'wms', records: wms, sorted: true }], key: 'id', spec, jsonl, csv, deadLetters: [dead] });
    const lines = jsonl.text().trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(lines.map((line) => line.type)).toEqual([...Array<string>(6).fill('difference'), 'dead_letter', 'summary']);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', deadLetters: 1, differences: 6 });
    expect(summary.deadLetters).toBe(1);
    const rows = csv.text().split('\r\n');
    expect(rows[0]).toBe('type,key,side,reference,kind,field,path,severity,reference_value,value,detail');
    expect(rows[2]).toBe('difference,A2,wms,oms,mismatch,total,total,error,"{""amount"":200,""currency"":""CNY""}","{""amount"":250,""currency"":""CNY""}","differ by 50 minor units, tolerance 1"');
    expect(rows[7]).toBe('dead_letter,wms:A3,,,dead_letter,,,,,,"1 attempts; last: ECONNREFUSED =HYPERLINK(""x"")"');
  });

  it('stays within its bound: a partition larger than maxPartitionRecords is split again', async () => {
    const n = 5_000;
    // Both sides hold K0..K4999 in two different shuffles; only K17's total differs.
    const left = Array.from({ length: n }, (_, i) => (i * 7919) % n).map((k) => ({ id: `K${k}`, total: cny(k) }));
    const fixedRight = Array.from({ length: n }, (_, i) => (i * 104_729) % n).map((k) => ({ id: `K${k}`, total: cny(k === 17 ? -1 : k) }));
    const summary = await reconcile({ sides: [{ name: 'a', records: left }, { name: 'b', records: fixedRight }], key: 'id', spec: { fields: { total: 'money' } }, partitions: 2, maxPartitionRecords: 300 });
    expect(summary).toMatchObject({ mode: 'partitioned', keys: n, inSync: n - 1, differences: 1 });
    expect(summary.largestPartition).toBeLessThanOrEqual(2 * 300);
    expect(summary.partitions).toBeGreaterThan(2 * Math.floor(n / 300) / 2);
  });

  it('refuses wrong options with paths', async () => {
    await expect(reconcile({ sides: [{ name: 'only', records: [] }], key: '', spec: { fields: { x: 'fuzzy' as never } }, partitions: 1 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      issues: [expect.objectContaining({ path: ['sides'] }), expect.objectContaining({ path: ['key'] }), expect.objectContaining({ path: ['partitions'] })],
    });
  });
});

describe('reconcile properties', () => {
  const side = fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), v: fc.integer({ min: 0, max: 3 }), w: fc.option(fc.string({ maxLength: 2 }), { nil: undefined }) }), { maxLength: 14 });

  it('the sorted merge and the partitioned spill report the same differences, whatever the data', async () => {
    await fc.assert(
      fc.asyncProperty(side, side, side, fc.integer({ min: 2, max: 5 }), async (a, b, c, maxPartitionRecords) => {
        const collect = async (sorted: boolean): Promise<string[]> => {
          const found: string[] = [];
          const order = <T extends { id: string }>(records: T[]) => (sorted ? [...records].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)) : records);
          await reconcile({
            sides: [{ name: 'a', records: order(a), sorted }, { name: 'b', records: order(b), sorted }, { name: 'c', records: order(c), sorted }],
            key: 'id',
            spec: {},
            partitions: 2,
            maxPartitionRecords,
            onDifference: (d) => {
              found.push(JSON.stringify(d));
            },
          });
          return found.sort();
        };
        expect(await collect(false)).toEqual(await collect(true));
      }),
      { numRuns: 60 },
    );
  });
});

describe('reconcile with a compiled spec', () => {
  it('takes a spec from compileDiffSpec as well as its declaration', async () => {
    const { compileDiffSpec } = await import('../../src/sync/index.js');
    const compiledSpec = compileDiffSpec({ fields: { total: { compare: 'money', tolerance: 1 } } });
    expect(compileDiffSpec(compiledSpec)).toBe(compiledSpec);
    const summary = await reconcile({ sides: [{ name: 'a', records: [{ id: 'x', total: cny(1) }] }, { name: 'b', records: [{ id: 'x', total: cny(2) }] }], key: 'id', spec: compiledSpec });
    expect(summary).toMatchObject({ inSync: 1, differences: 0 });
  });
});
