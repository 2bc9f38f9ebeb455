// Payloads that once escaped ingest: throwing getters, proxies, deep nesting, NUL characters, huge
// sizes. On every adapter: ingest never throws, and each one not accepted is quarantined whole.
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { createPostgresStorage } from '../../src/adapters/postgres.js';
import { createSqliteStorage } from '../../src/adapters/sqlite.js';
import { createManualClock } from '../../src/clock/index.js';
import { BUILT_IN_CHANNELS } from '../../src/intake/index.js';
import { ingest, replayQuarantined, type IngestPayload } from '../../src/app/index.js';
import type { StoragePort } from '../../src/ports/index.js';
import { postgresTarget, randomName, testSchema } from '../support/postgres.js';
import { fixture } from './load-fixtures.js';

const target = await postgresTarget();
const clock = createManualClock('2026-06-18T03:00:00Z');

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 'x' };
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}

function hostile(): { readonly name: string; readonly item: IngestPayload; readonly code: string }[] {
  const paid = fixture('tmall');
  const getter = Object.defineProperty({ ...paid }, 'receiver_mobile', { enumerable: true, get: () => { throw new Error('getter'); } });
  const proxy = new Proxy({ ...paid }, { get: () => { throw new Error('trap'); } });
  return [
    { name: 'a throwing getter', item: { channel: 'tmall', payload: getter }, code: 'unreadable' },
    { name: 'a throwing proxy', item: { channel: 'tmall', payload: proxy }, code: 'unreadable' },
    { name: 'nesting 5,000 levels deep', item: { channel: 'tmall', payload: { ...paid, extra: nested(5_000) } }, code: 'too_deep' },
    { name: 'a NUL character', item: { channel: 'tmall', payload: { ...paid, receiver_address: '文三路\u0000478 号' } }, code: 'invalid_string' },
    { name: 'a 2 MB address', item: { channel: 'tmall', payload: { ...paid, receiver_address: '路'.repeat(700_000) } }, code: 'too_big' },
  ];
}

const adapters: { readonly name: string; readonly skip?: string; open(): Promise<StoragePort> }[] = [
  { name: 'memory', open: async () => createMemoryStorage() },
  {
    name: 'sqlite',
    open: async () => {
      const storage = createSqliteStorage({ file: ':memory:' });
      await storage.migrate();
      return storage;
    },
  },
];
const schema = target.url === undefined ? undefined : testSchema(target.url);
afterAll(() => schema?.drop());
if (schema !== undefined) {
  adapters.push({
    name: 'postgres',
    open: async () => {
      const storage = createPostgresStorage({ connectionString: target.url as string, schema: schema.name, tablePrefix: randomName('h_'), maxConnections: 2 });
      await storage.migrate();
      return storage;
    },
  });
} else {
  console.warn(target.skipReason);
}

describe.each(adapters)('hostile payloads on $name', ({ open }) => {
  it.each(hostile())('$name: quarantined with its issue, never thrown, never failed', async ({ item, code }) => {
    const storage = await open();
    const report = await ingest([item, { channel: 'tmall', payload: fixture('tmall') }], { storage, clock, channels: BUILT_IN_CHANNELS });
    expect(report.items[0]?.outcome).toBe('quarantined');
    expect(report.items[0]?.issues?.map((issue) => issue.code)).toContain(code);
    // One bad payload never takes the batch down.
    expect(report.items[1]?.outcome).toBe('accepted');
    const records = await storage.quarantine.list();
    expect(records.map((r) => r.id)).toEqual([report.items[0]?.quarantineId]);
    await storage.close();
  }, 60_000);

  it('a payload with a NUL character comes back whole on replay, fixed or not', async () => {
    const storage = await open();
    const payload = { ...fixture('tmall'), receiver_address: '文三路\u0000478 号' };
    const report = await ingest([{ channel: 'tmall', payload }], { storage, clock, channels: BUILT_IN_CHANNELS });
    const id = report.items[0]?.quarantineId as string;
    const again = await replayQuarantined(id, { storage, clock, channels: BUILT_IN_CHANNELS });
    // Still invalid: stays open with its issue, the stored text read back as the original payload.
    expect(again?.outcome).toBe('quarantined');
    expect(again?.issues?.[0]?.code).toBe('invalid_string');
    const fixed = await replayQuarantined(id, { storage, clock, channels: BUILT_IN_CHANNELS }, { payload: { ...payload, receiver_address: '文三路 478 号' } });
    expect(fixed?.outcome).toBe('accepted');
    await storage.close();
  }, 60_000);
});
