// The consumer inbox: each message's effect and its dedupe record commit in one unit, once per group,
// whatever the transport redelivers, also when two consumers race (memory, SQLite, PostgreSQL).
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, createMemoryTransport } from '../../src/adapters/memory.js';
import { createInboxHandler } from '../../src/app/index.js';
import { createFixedClock } from '../../src/clock/index.js';
import type { Delivery, StoragePort, TransportMessage } from '../../src/ports/index.js';
import { BACKENDS } from '../support/backends.js';

const clock = createFixedClock('2026-11-11T00:00:00Z');


const delivery = (message: TransportMessage, attempt = 1): Delivery => ({ message, attempt, ack: async () => undefined, nack: async () => undefined });
const message = (id: string): TransportMessage => ({ id, topic: 'order.shipped', key: 'o-1', payload: { orderId: 'o-1' } });

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== undefined)(`createInboxHandler on ${backend.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    async function fresh(): Promise<StoragePort> {
      const opened = await backend.open();
      cleanups.push(() => opened.cleanup());
      return opened.storage;
    }
    const pickTask = (m: TransportMessage) => ({ tasks: [{ type: 'enqueue' as const, id: `pick:${m.id}`, task: { queue: 'wms.pick', key: m.id, payload: m.payload, dueAt: clock.now() } }], at: clock.now() });

    it('a message delivered three times has its effect once; the redeliveries are counted as duplicates', async () => {
      const storage = await fresh();
      let duplicates = 0;
      let handled = 0;
      const handler = createInboxHandler({ storage, clock, group: 'wms', handle: async (m) => (handled++, pickTask(m)), onDuplicate: () => void duplicates++ });
      for (let attempt = 1; attempt <= 3; attempt += 1) await handler(delivery(message('m-1'), attempt));
      expect(handled).toBe(1);
      expect(duplicates).toBe(2);
      expect((await storage.tasks.list({ queue: 'wms.pick' })).map((t) => t.key)).toEqual(['m-1']);
      expect(await storage.idempotency.get('inbox:wms:m-1')).toMatchObject({ key: 'inbox:wms:m-1' });
    });

    it('a handler that throws records nothing: the redelivery is handled', async () => {
      const storage = await fresh();
      let fail = true;
      const handler = createInboxHandler({ storage, clock, group: 'wms', handle: async (m) => {
        if (fail) throw new Error('WMS down');
        return pickTask(m);
      } });
      await expect(handler(delivery(message('m-2')))).rejects.toThrow('WMS down');
      expect(await storage.idempotency.get('inbox:wms:m-2')).toBeNull();
      fail = false;
      await handler(delivery(message('m-2'), 2));
      expect((await storage.tasks.list({ queue: 'wms.pick' })).map((t) => t.key)).toEqual(['m-2']);
    });

    for (const ids of ['unique', 'deterministic'] as const) {
      it(`two consumers racing on one message commit its effect once (effect ids ${ids})`, async () => {
        const storage = await fresh();
        let duplicates = 0;
        // Both read "not seen" before either commits: the unit decides, by the record or by the effect's own id.
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let waiting = 0;
        const handle = async (m: TransportMessage) => {
          const mine = (waiting += 1);
          if (mine === 2) release();
          await gate;
          return { outbox: [{ id: ids === 'unique' ? `picked:${m.id}:${mine}` : `picked:${m.id}`, topic: 'wms.picked', key: m.id, payload: null, createdAt: clock.now() }] };
        };
        const a = createInboxHandler({ storage, clock, group: 'wms', handle, onDuplicate: () => void duplicates++ });
        const b = createInboxHandler({ storage, clock, group: 'wms', handle, onDuplicate: () => void duplicates++ });
        await Promise.all([a(delivery(message('m-3'))), b(delivery(message('m-3')))]);
        expect(duplicates).toBe(1);
        expect((await storage.outbox.list({ limit: 100 })).filter((m) => m.topic === 'wms.picked')).toHaveLength(1);
      });
    }

    it('each group handles each message once', async () => {
      const storage = await fresh();
      const seen: string[] = [];
      for (const group of ['wms', 'finance']) {
        const handler = createInboxHandler({ storage, clock, group, handle: async () => void seen.push(group) });
        await handler(delivery(message('m-4')));
        await handler(delivery(message('m-4'), 2));
      }
      expect(seen).toEqual(['wms', 'finance']);
    });
  });
}

describe('createInboxHandler with the memory transport', () => {
  it('a message published twice (an outbox relay redelivering) is handled once', async () => {
    const storage = createMemoryStorage();
    const transport = createMemoryTransport();
    await transport.declareGroup({ group: 'wms', topics: ['order.*'] });
    await transport.publish(message('m-5'));
    await transport.publish(message('m-5'));
    let handled = 0;
    let duplicates = 0;
    await transport.subscribe({ topic: 'order.*', group: 'wms', handler: createInboxHandler({ storage, clock, group: 'wms', handle: async () => void handled++, onDuplicate: () => void duplicates++ }) });
    await transport.idle();
    expect({ handled, duplicates }).toEqual({ handled: 1, duplicates: 1 });
    await transport.close();
  });

  it('refuses wrong options with paths', () => {
    expect(() => createInboxHandler({ storage: createMemoryStorage(), clock, group: '', handle: 1 as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});
