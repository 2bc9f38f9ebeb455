// Property: random and mutated payloads never throw out of ingest; each gets one outcome and the counts add up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createManualClock } from '../../src/clock/index.js';
import { BUILT_IN_CHANNELS } from '../../src/intake/index.js';
import { INGEST_OUTCOMES, ingest, type IngestPayload } from '../../src/app/index.js';
import { fixtures } from './load-fixtures.js';

const CHANNELS = ['tmall', 'jd', 'douyin', 'pinduoduo', 'wechat-mini', 'pos'] as const;
const seeds = CHANNELS.flatMap((channel) => Object.values(fixtures(channel)).map((payload) => ({ channel, payload })));

/** Values a mutation may put in a field: wrong types, hostile strings, edge numbers, amounts with too many decimals. */
const junk = fc.oneof(
  fc.anything(),
  fc.constantFrom('', ' ', '19.999', '-1.00', '1e3', 'NaN', '2026-02-30 10:00:00', '2026-03-29 02:30:00', 'WAIT_SELLER_AGREE', '__proto__', '9'.repeat(40)),
  fc.constantFrom(-1, 0, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2, 2, 4, 99),
  fc.string(),
);

/** A fixture with one top-level field replaced, removed, or one nested array emptied. */
const mutated = fc
  .tuple(fc.constantFrom(...seeds), fc.nat(), junk, fc.constantFrom('replace', 'delete', 'keep'))
  .map(([seed, pick, value, how]): IngestPayload => {
    const payload: Record<string, unknown> = structuredClone(seed.payload);
    const keys = Object.keys(payload);
    const key = keys[pick % keys.length] as string;
    if (how === 'replace') payload[key] = value;
    else if (how === 'delete') delete payload[key];
    return { channel: seed.channel, payload };
  });

const random = fc.record({ channel: fc.oneof(fc.constantFrom(...CHANNELS), fc.string()), payload: fc.anything() }).map((r): IngestPayload => r);

describe('ingest fuzz', () => {
  it('never throws; every payload gets exactly one outcome; counts add up to the input length', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(mutated, mutated, random), { maxLength: 12 }), async (payloads) => {
        const storage = createMemoryStorage();
        const report = await ingest(payloads, { storage, clock: createManualClock('2026-06-18T03:00:00Z'), channels: BUILT_IN_CHANNELS });
        expect(report.total).toBe(payloads.length);
        expect(report.items.map((i) => i.index)).toEqual(payloads.map((_, i) => i));
        for (const item of report.items) expect(INGEST_OUTCOMES).toContain(item.outcome);
        expect(Object.values(report.counts).reduce((a, b) => a + b, 0)).toBe(payloads.length);
        // Memory storage does not fail, so nothing may be `failed`; quarantined items are stored.
        expect(report.counts.failed).toBe(0);
        const quarantined = new Set(report.items.flatMap((i) => (i.quarantineId ? [i.quarantineId] : [])));
        expect((await storage.quarantine.list()).length).toBe(quarantined.size);
      }),
      { numRuns: 200 },
    );
  });
});
