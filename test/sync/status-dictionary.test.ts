// Status dictionaries: checked whole at definition, unknown codes refused both ways, projections.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type OrderStatus } from '../../src/orders/order-statuses.js';
import { isStatusCodeError, isValidationError, type ValidationError } from '../../src/errors/index.js';
import { BUILT_IN_CHANNELS, defineChannel, tmallChannel } from '../../src/intake/index.js';
import { EXAMPLE_WMS_STATUSES, defineStatusDictionary } from '../../src/sync/index.js';

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (!isValidationError(error)) throw error;
    expect(error.code).toBe('INVALID_OPTIONS');
    return (error as ValidationError).issues.map((issue) => `${issue.path.join('.')} ${issue.code}`);
  }
  throw new Error('expected a ValidationError');
}

describe('defineStatusDictionary', () => {
  it('maps many codes to one status and names the one Ordo sends back', () => {
    const wms = EXAMPLE_WMS_STATUSES;
    expect(wms.toCanonical('WAVED')).toBe('picking');
    expect(wms.toCanonical('PICKED')).toBe('picking');
    expect(wms.fromCanonical('picking')).toBe('PICKING');
    expect(wms.fromCanonical('shipped')).toBe('SHIPPED');
    expect(wms.unmapped).toEqual(['pending_payment', 'paid', 'on_hold', 'approved']);
    expect(wms.toJSON().fromCanonical['allocated']).toBe('NEW');
  });

  it('reports every problem at once, each with its path', () => {
    const found = problems(() =>
      defineStatusDictionary({
        system: 'wms',
        toCanonical: { NEW: 'allocated', PICK: 'picking', PICKING: 'picking', GONE: 'shipping' as OrderStatus, ' OUT': 'shipped' },
        fromCanonical: { shipped: 'SHIPPED', cancelled: 'NEW', teleported: 'X' } as never,
      }),
    );
    expect(found).toEqual([
      'toCanonical.GONE unknown_status',
      'toCanonical. OUT invalid_value',
      'fromCanonical.shipped unknown_code',
      'fromCanonical.teleported unknown_status',
      // cancelled -> NEW is allowed: cancelled has no code of its own; the rest is unmapped.
      'fromCanonical.pending_payment unmapped_status',
      'fromCanonical.paid unmapped_status',
      'fromCanonical.on_hold unmapped_status',
      'fromCanonical.approved unmapped_status',
      'fromCanonical.picking ambiguous_reverse',
      'fromCanonical.packed unmapped_status',
      'fromCanonical.partially_shipped unmapped_status',
      'fromCanonical.delivered unmapped_status',
      'fromCanonical.completed unmapped_status',
      'fromCanonical.rejected unmapped_status',
      'fromCanonical.return_requested unmapped_status',
      'fromCanonical.returned unmapped_status',
      'fromCanonical.refunded unmapped_status',
      'fromCanonical.exception unmapped_status',
    ]);
  });

  it('refuses a reverse code of another status when the status has codes of its own', () => {
    const found = problems(() => defineStatusDictionary({ system: 'x', toCanonical: { A: 'paid', B: 'shipped' }, fromCanonical: { paid: 'B' }, statuses: ['paid', 'shipped'] }));
    expect(found).toEqual(['fromCanonical.paid inconsistent_reverse']);
  });

  it('checks the system name, an empty map and a wrong statuses list', () => {
    expect(problems(() => defineStatusDictionary({ system: '', toCanonical: {} }))).toEqual(['system invalid_value', 'toCanonical invalid_value']);
    expect(problems(() => defineStatusDictionary({ system: 'x', toCanonical: { A: 'a' }, statuses: [] as string[] }))).toEqual(['statuses invalid_value']);
    expect(() => defineStatusDictionary(undefined as never)).toThrow(/defineStatusDictionary config/);
  });

  it('an unknown code, in either direction, is a typed error naming the system and the code', () => {
    const wms = EXAMPLE_WMS_STATUSES;
    const inbound = (() => {
      try {
        wms.toCanonical('SHIPPD');
      } catch (error) {
        return error;
      }
    })();
    expect(isStatusCodeError(inbound)).toBe(true);
    expect(inbound).toMatchObject({ code: 'UNKNOWN_STATUS_CODE', system: 'wms', direction: 'inbound', details: { code: '"SHIPPD"' } });
    expect((inbound as Error).message).toContain('Unknown wms status code "SHIPPD"');
    expect(() => wms.fromCanonical('paid')).toThrow(expect.objectContaining({ code: 'UNMAPPED_STATUS', system: 'wms' }));
    expect(() => wms.fromCanonical('teleported' as OrderStatus)).toThrow(expect.objectContaining({ code: 'UNKNOWN_STATUS_CODE', direction: 'outbound' }));
    expect(() => wms.project('teleported' as OrderStatus)).toThrow(expect.objectContaining({ code: 'UNKNOWN_STATUS_CODE' }));
    for (const bad of [undefined, null, {}, [], Number.NaN, 'shipped']) expect(wms.readCode(bad)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STATUS_CODE' } });
  });

  it('never quotes a phone number sent as a status code', () => {
    const result = EXAMPLE_WMS_STATUSES.readCode('13812345678');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(JSON.stringify(result.error.toJSON())).not.toContain('13812345678');
  });

  it('numeric codes read as their text (Douyin sends 2 and "2")', () => {
    const douyin = BUILT_IN_CHANNELS.find((channel) => channel.id === 'douyin')?.statusDictionary;
    expect(douyin?.toCanonical(2)).toBe('paid');
    expect(douyin?.toCanonical('2')).toBe('paid');
  });

  it('projects a status onto what the system can show', () => {
    expect(tmallChannel.statusDictionary.project('allocated')).toBe('paid');
    expect(tmallChannel.statusDictionary.project('shipped')).toBe('shipped');
    expect(tmallChannel.statusDictionary.project('exception')).toBeUndefined();
  });

  it('extended machines declare their statuses', () => {
    const custom = defineStatusDictionary({ system: 'erp', toCanonical: { A: 'draft', B: 'posted' }, statuses: ['draft', 'posted'] as const });
    expect(custom.toCanonical('B')).toBe('posted');
  });
});

describe('built-in channel dictionaries', () => {
  for (const channel of BUILT_IN_CHANNELS) {
    it(`${channel.id}: one concept with sync; every code reads back as itself; every status mapped or marked`, () => {
      const dictionary = channel.statusDictionary;
      expect(dictionary.system).toBe(channel.id);
      for (const code of dictionary.codes) expect(dictionary.project(dictionary.toCanonical(code))).toBe(dictionary.toCanonical(code));
      for (const status of ORDER_STATUSES) {
        const written = dictionary.writeStatus(status);
        expect(written.ok || dictionary.unmapped.includes(status), status).toBe(true);
      }
    });
  }

  it('a channel declared with a plain record gets the same concept', () => {
    const shop = defineChannel({ id: 'shop', statusDictionary: { PAID: 'paid', DONE: 'completed', FIN: 'completed' }, schema: () => undefined as never, toOrder: () => undefined as never });
    expect(shop.statusDictionary.toCanonical('PAID')).toBe('paid');
    expect(shop.statusDictionary.fromCanonical('paid')).toBe('PAID');
    expect(shop.statusDictionary.unmapped).toContain('completed');
  });
});

describe('dictionary properties', () => {
  const codes = fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z_]{0,7}$/), { minLength: 1, maxLength: 12 });
  const arbitraryDictionary = codes.chain((list) =>
    fc.tuple(fc.constant(list), fc.array(fc.constantFrom(...ORDER_STATUSES), { minLength: list.length, maxLength: list.length })),
  );

  it('reading back what Ordo sends gives the projection; unknown codes always fail', () => {
    fc.assert(
      fc.property(arbitraryDictionary, fc.string(), ([list, statuses], probe) => {
        const toCanonical = Object.fromEntries(list.map((code, i) => [code, statuses[i] as OrderStatus]));
        // Name a reverse code for every status several codes share; mark the others unmapped.
        const fromCanonical: Partial<Record<OrderStatus, string | null>> = {};
        for (const status of ORDER_STATUSES) {
          const own = list.filter((code) => toCanonical[code] === status);
          if (own.length !== 1) fromCanonical[status] = own[0] ?? null;
        }
        const dictionary = defineStatusDictionary({ system: 'p', toCanonical, fromCanonical });
        for (const status of ORDER_STATUSES) {
          const written = dictionary.writeStatus(status);
          if (written.ok) {
            expect(dictionary.toCanonical(written.value)).toBe(status);
            expect(dictionary.project(status)).toBe(status);
          } else expect(written.error.code).toBe('UNMAPPED_STATUS');
        }
        expect(dictionary.knows(probe)).toBe(Object.hasOwn(toCanonical, probe));
      }),
    );
  });
});
