// The field diff: comparators with tolerances, nested paths, keyed lines, ignores, masking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../../src/errors/index.js';
import { EXAMPLE_WMS_STATUSES, compileDiffSpec, diffRecords, type DiffSpecInput, type FieldDifference } from '../../src/sync/index.js';
import { tmallChannel } from '../../src/intake/index.js';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const brief = (differences: readonly FieldDifference[]) => differences.map((d) => `${d.path.join('.')} ${d.kind}`);

const ORDER_SPEC: DiffSpecInput = {
  fields: {
    status: { compare: 'status', target: EXAMPLE_WMS_STATUSES, severity: 'critical' },
    total: { compare: 'money', tolerance: 1, currency: 'CNY' },
    updatedAt: { compare: 'instant', tolerance: { seconds: 30 } },
    'shipping.name': { compare: 'text', caseInsensitive: true, widthInsensitive: true, personal: 'name' },
    'shipping.phone': { compare: 'text', personal: 'phone' },
    tags: 'set',
    lines: { compare: 'lines', key: 'lineId', fields: { unitPrice: { compare: 'money', currency: 'CNY' } }, ignore: ['note'] },
  },
  ignore: ['meta', 'sync.*.checkedAt'],
};

const ordo = {
  id: 'O1',
  status: 'picking',
  total: cny(12_990),
  updatedAt: '2026-11-11T02:00:00.000Z',
  shipping: { name: 'Li Lei', phone: '+8613812345678', city: '杭州市' },
  tags: ['vip', 'gift'],
  lines: [
    { lineId: 'L1', sku: 'TEA-01', quantity: 2, unitPrice: cny(4_995) },
    { lineId: 'L2', sku: 'CUP-01', quantity: 1, unitPrice: cny(3_000), note: 'fragile' },
  ],
  meta: { etag: 'a' },
  sync: { wms: { checkedAt: '2026-11-11T02:00:00.000Z', ok: true } },
};

describe('diffRecords', () => {
  it('finds nothing when the other system holds the same order in its own words', () => {
    const wms = {
      id: 'O1',
      status: 'WAVED', // reads as picking
      total: '129.91', // finance's yuan text, within 1 fen
      updatedAt: '2026-11-11T10:00:20+08:00', // Beijing time, 20 s later
      shipping: { name: 'ＬＩ ＬＥＩ ', phone: '+8613812345678', city: '杭州市' },
      tags: ['gift', 'vip', 'gift'],
      lines: [
        { lineId: 'L2', sku: 'CUP-01', quantity: 1, unitPrice: '30.00', note: 'handle with care' },
        { lineId: 'L1', sku: 'TEA-01', quantity: 2, unitPrice: 4_995 },
      ],
      meta: { etag: 'zzz' },
      sync: { wms: { checkedAt: '2026-11-12T00:00:00.000Z', ok: true } },
    };
    const result = diffRecords(ordo, wms, ORDER_SPEC);
    expect(result.differences).toEqual([]);
    expect(result).toMatchObject({ equal: true, severity: undefined });
  });

  it('reports each difference with its path, kind and severity; the highest severity wins', () => {
    const wms = {
      ...ordo,
      status: 'SHIPPED',
      total: cny(12_993),
      updatedAt: '2026-11-11T02:01:00.000Z',
      shipping: { name: 'Han Meimei', phone: '+8613912345678', city: '杭州市', district: '西湖区' },
      tags: ['vip'],
      lines: [{ lineId: 'L1', sku: 'TEA-02', quantity: 3, unitPrice: cny(4_995) }, { lineId: 'L3', sku: 'X', quantity: 1, unitPrice: cny(1) }],
      sync: { wms: { checkedAt: 'x', ok: false } },
    };
    const result = diffRecords(ordo, wms, ORDER_SPEC);
    expect(brief(result.differences)).toEqual([
      'status mismatch',
      'total mismatch',
      'updatedAt mismatch',
      'shipping.name mismatch',
      'shipping.phone mismatch',
      'shipping.district missing_in_source',
      'tags mismatch',
      'lines.L1.sku mismatch',
      'lines.L1.quantity mismatch',
      'lines.L2 missing_in_target',
      'lines.L3 missing_in_source',
      'sync.wms.ok mismatch',
    ]);
    expect(result.severity).toBe('critical');
    expect(result.differences[0]).toMatchObject({ field: 'status', severity: 'critical', source: 'picking', target: 'SHIPPED', detail: 'picking vs shipped' });
    expect(result.differences[1]).toMatchObject({ field: 'total', source: cny(12_990), target: cny(12_993), detail: 'differ by 3 minor units, tolerance 1' });
    expect(result.differences[2]?.detail).toBe('differ by 1 min, tolerance 30 s');
    expect(result.differences.at(-1)).toMatchObject({ field: '*', severity: 'error' });
  });

  it('ignore paths reach into keyed lines with the same grammar as the differences they name', () => {
    const spec = { fields: { lines: { compare: 'lines', key: 'id' } } } as const;
    const source = { lines: [{ id: 'L1', qty: 1, syncedAt: 'a' }, { id: 'L2', qty: 2, syncedAt: 'a' }] };
    const target = { lines: [{ id: 'L1', qty: 1, syncedAt: 'b' }, { id: 'L2', qty: 3, syncedAt: 'b' }] };
    expect(brief(diffRecords(source, target, spec).differences)).toEqual(['lines.L1.syncedAt mismatch', 'lines.L2.qty mismatch', 'lines.L2.syncedAt mismatch']);
    // Beside the lines field, as inside it: every line, or one line by its key.
    expect(brief(diffRecords(source, target, { ...spec, ignore: ['lines.*.syncedAt'] }).differences)).toEqual(['lines.L2.qty mismatch']);
    expect(brief(diffRecords(source, target, { ...spec, ignore: ['lines.L1.syncedAt'] }).differences)).toEqual(['lines.L2.qty mismatch', 'lines.L2.syncedAt mismatch']);
    // A whole line by its key, present on one side only or not.
    expect(brief(diffRecords(source, target, { ...spec, ignore: ['lines.L2', 'lines.*.syncedAt'] }).differences)).toEqual([]);
    expect(brief(diffRecords(source, { lines: [target.lines[0]] }, { ...spec, ignore: ['lines.L2', 'lines.*.syncedAt'] }).differences)).toEqual([]);
    // The lines field's own ignores still apply alongside.
    expect(brief(diffRecords(source, target, { fields: { lines: { compare: 'lines', key: 'id', ignore: ['qty'] } }, ignore: ['lines.*.syncedAt'] }).differences)).toEqual([]);
  });

  it('a phone, ID or card number typed into any field is shown by its shape, in values and details alike', () => {
    const spec = {
      fields: {
        total: { compare: 'money', currency: 'CNY' },
        count: { compare: 'number' },
        at: { compare: 'instant' },
        status: { compare: 'status', target: EXAMPLE_WMS_STATUSES },
        code: 'exact',
        note: 'text',
      },
    } as const;
    const digits = fc.oneof(
      fc.stringMatching(/^1[3-9]\d{9}$/), // a mobile phone
      fc.stringMatching(/^\d{17}[\dX]$/), // an ID number
      fc.stringMatching(/^\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}$/), // a card number
    );
    fc.assert(
      fc.property(digits, fc.constantFrom('total', 'count', 'at', 'status', 'code', 'note'), fc.boolean(), fc.boolean(), (secret, field, asNumber, onTarget) => {
        const raw = secret.replace(/[ -]/g, '');
        const value = asNumber && Number.isSafeInteger(Number(raw)) ? Number(raw) : secret;
        const source = { total: cny(100), count: 1, at: '2026-11-11T02:00:00.000Z', status: 'picking', code: 'A1', note: 'ok' };
        const target = { ...source, [field]: value };
        const text = JSON.stringify(onTarget ? diffRecords(source, target, spec) : diffRecords(target, source, spec));
        expect(text).not.toContain(raw);
        expect(text).not.toContain(raw.slice(0, 11));
      }),
    );
    // The issue's own example: a phone in a money field, as text and as an amount.
    const money = diffRecords({ total: cny(100) }, { total: '13987654321' }, { fields: { total: { compare: 'money', currency: 'CNY' } } });
    expect(money.differences[0]?.target).toBe('"99999999999"');
    expect(JSON.stringify(diffRecords({ total: cny(100) }, { total: cny(13_987_654_321) }, { fields: { total: 'money' } }))).not.toContain('13987654321');
    // Ordinary amounts, instants and codes are still shown as they are.
    expect(diffRecords({ total: cny(100) }, { total: cny(1_299_900) }, { fields: { total: 'money' } }).differences[0]?.target).toEqual(cny(1_299_900));
  });

  it('masks personal data in both values, whatever field it is found in', () => {
    const wms = { ...ordo, shipping: { ...ordo.shipping, name: '韩梅梅', phone: '+8613912345678' }, remark: 'call 13912345678', buyerId: 110105491231002 };
    const text = JSON.stringify(diffRecords({ ...ordo, remark: 'call 13812345678', buyerId: 110105491231009 }, wms, ORDER_SPEC).differences);
    for (const secret of ['Li Lei', '韩梅梅', '13812345678', '13912345678', '110105491231002']) expect(text).not.toContain(secret);
    expect(text).toContain('+86139****5678');
  });

  it('a value its comparator cannot read is shown by its shape: a phone in a date or status field stays hidden', () => {
    const text = JSON.stringify(diffRecords(ordo, { ...ordo, updatedAt: '13812345678', status: '13912345678' }, ORDER_SPEC).differences);
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('13912345678');
  });

  it('an unreadable value is a difference, never an exception: a batch never dies of one record', () => {
    const bad = { ...ordo, status: 'SHIPPD', total: 129.9, updatedAt: '2026-11-11 10:00:00', lines: 'none' };
    const result = diffRecords(ordo, bad, ORDER_SPEC);
    expect(brief(result.differences)).toEqual(['status unreadable', 'total unreadable', 'updatedAt unreadable', 'lines unreadable']);
    expect(result.differences[0]?.detail).toContain('Unknown wms status code "SHIPPD"');
    expect(result.differences[1]?.detail).toContain('a float is not money');
    expect(result.differences[2]?.detail).toContain('has no offset');
    expect(diffRecords(null, ordo, ORDER_SPEC).differences).toEqual([expect.objectContaining({ path: [], kind: 'mismatch' })]);
    expect(diffRecords(undefined, ordo, ORDER_SPEC).differences).toEqual([expect.objectContaining({ path: [], kind: 'missing_in_source' })]);
  });

  it('offset-less times are read in the declared zone only', () => {
    const spec = { fields: { at: { compare: 'instant', zone: 'Asia/Shanghai' } }, others: 'ignore' } as const;
    expect(diffRecords({ at: '2026-11-11T02:00:00Z' }, { at: '2026-11-11 10:00:00' }, spec).equal).toBe(true);
    expect(diffRecords({ at: '2026-11-11T02:00:00Z' }, { at: '2026-11-11 02:00:00' }, spec).differences[0]?.detail).toBe('differ by 8 h');
  });

  it('statuses agree through both dictionaries: Tmall "paid" shows Ordo\'s allocated', () => {
    const spec = { fields: { status: { compare: 'status', target: tmallChannel.statusDictionary } } } as const;
    expect(diffRecords({ status: 'allocated' }, { status: 'WAIT_SELLER_SEND_GOODS' }, spec).equal).toBe(true);
    expect(diffRecords({ status: 'allocated' }, { status: 'TRADE_CLOSED' }, spec).equal).toBe(false);
    const both = { fields: { status: { compare: 'status', source: EXAMPLE_WMS_STATUSES, target: tmallChannel.statusDictionary } } } as const;
    expect(diffRecords({ status: 'PACKED' }, { status: 'WAIT_SELLER_SEND_GOODS' }, both).equal).toBe(true);
    expect(diffRecords({ status: 'SHIPPED' }, { status: 'WAIT_SELLER_SEND_GOODS' }, both).equal).toBe(false);
  });

  it('others: "ignore" compares only the listed fields; money refuses a currency mismatch whatever the tolerance', () => {
    const spec = { fields: { total: { compare: 'money', tolerance: 100 } }, others: 'ignore' } as const;
    expect(diffRecords({ total: cny(1), x: 1 }, { total: cny(2), x: 2 }, spec).equal).toBe(true);
    expect(diffRecords({ total: cny(1) }, { total: { amount: 1, currency: 'USD' } }, spec).differences[0]?.detail).toBe('currencies differ: CNY vs USD');
    expect(diffRecords({ total: cny(1) }, {}, spec).differences[0]?.kind).toBe('missing_in_target');
    expect(diffRecords({ shipping: { name: 'a' } }, {}, { fields: { 'shipping.name': 'text' }, others: 'ignore' }).differences[0]?.path).toEqual(['shipping', 'name']);
  });

  it('duplicate line keys and lines without a key are reported', () => {
    const spec = { fields: { lines: { compare: 'lines', key: 'lineId' } } } as const;
    const result = diffRecords({ lines: [{ lineId: 'A' }, { lineId: 'A' }, { sku: 'x' }] }, { lines: [{ lineId: 'A' }] }, spec);
    expect(brief(result.differences)).toEqual(['lines.A duplicate_key', 'lines.2 unreadable']);
  });

  it('a wrong spec is refused whole, with a path per problem', () => {
    try {
      compileDiffSpec({
        fields: { total: { compare: 'money', tolerance: -1, currency: 'XXX' }, 'a..b': 'exact', at: { compare: 'instant', zone: 'Mars/Base' }, s: { compare: 'status', target: {} as never }, x: { compare: 'fuzzy' } as never, l: { compare: 'lines' } as never },
        ignore: [''],
        others: 'some' as never,
        severity: 'fatal' as never,
      });
      expect.unreachable();
    } catch (error) {
      expect(isValidationError(error) && error.code).toBe('INVALID_OPTIONS');
      if (isValidationError(error)) {
        expect(error.issues.map((issue) => issue.path.join('.'))).toEqual([
          'severity',
          'others',
          'fields.total.tolerance',
          'fields.total.currency',
          'fields.a..b',
          'fields.at.zone',
          'fields.s.target',
          'fields.x.compare',
          'fields.l.key',
          'ignore.0',
        ]);
      }
    }
    expect(() => diffRecords({}, {}, null as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});

describe('diff properties', () => {
  const record = fc.dictionary(fc.stringMatching(/^[a-e]$/), fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null)), { maxKeys: 5 });

  it('a record never differs from itself or a structural copy; otherwise every differing key is reported once', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        expect(diffRecords(a, structuredClone(a), {}).equal).toBe(true);
        const differences = diffRecords(a, b, {}).differences;
        const expected = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => !Object.is(a[key], b[key])).sort();
        expect(differences.map((d) => String(d.path[0])).sort()).toEqual(expected);
      }),
    );
  });

  it('money within the tolerance is equal, beyond it is not, whatever the amounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 20 }), (amount, delta, tolerance) => {
        const spec = compileDiffSpec({ fields: { total: { compare: 'money', tolerance } } });
        expect(diffRecords({ total: cny(amount) }, { total: cny(amount + delta) }, spec).equal).toBe(Math.abs(delta) <= tolerance);
      }),
    );
  });

  it('the diff is symmetric in what it finds (paths and kinds mirrored)', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        const mirror = { missing_in_source: 'missing_in_target', missing_in_target: 'missing_in_source' } as Record<string, string>;
        const forward = diffRecords(a, b, {}).differences.map((d) => `${d.path.join('.')} ${mirror[d.kind] ?? d.kind}`).sort();
        const backward = diffRecords(b, a, {}).differences.map((d) => `${d.path.join('.')} ${d.kind}`).sort();
        expect(forward).toEqual(backward);
      }),
    );
  });
});
