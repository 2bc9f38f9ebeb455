// The storage port's conformance suite: every adapter, memory and real, must pass it unchanged.
import { customerStoreConformance, customerStoreReader, type CustomerStoreBackdoor } from './customer-store-conformance.js';
import { unitOfWorkConformance, type UnitBackdoor } from './unit-conformance.js';
import type { CustomerStore } from '../ports/customer-store-port.js';
import { expectObject } from '../errors/validation-error.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createFixedClock, createManualClock } from '../clock/clock.js';
import { addDuration, type Instant } from '../clock/instant.js';
import { isConcurrencyError } from '../errors/concurrency-error.js';
import { isStorageError } from '../errors/storage-error.js';
import { createOrder } from '../orders/create-order.js';
import type { HistoryEntry, Order } from '../orders/order.js';
import type { OutboxMessage } from '../ports/outbox-port.js';
import type { ReservationRequest } from '../ports/inventory-port.js';
import type { OrderWrite, StoragePort } from '../ports/storage-port.js';
import type { TaskInput } from '../ports/task-port.js';
import { rejectsWithCode, type ConformanceTestApi } from './conformance-api.js';

/**
 * Reads an adapter's database directly, not through the adapter's own reads, so the suite can
 * check that writes really landed (and that failed units left nothing), as Auth.js adapter
 * tests do. SQL adapters implement it with raw queries.
 */
export interface StorageBackdoor {
  /** The stored version of an order, or null when there is no such order. */
  readOrderVersion(id: string): Promise<number | null>;
  /** How many history entries are stored for an order. */
  countHistory(orderId: string): Promise<number>;
  /** How many outbox messages are stored, in any status. */
  countOutbox(): Promise<number>;
  /** True when an idempotency record with this key is stored. */
  hasIdempotencyKey(key: string): Promise<boolean>;
  /** Raw stock counters, or null when never set. */
  readStock(warehouseId: string, sku: string): Promise<{ readonly onHand: number; readonly reserved: number } | null>;
  /** A reservation's stored status, or null. @default `inventory.getReservation` */
  readReservationStatus?(reservationId: string): Promise<string | null>;
  /** A task's stored status and lease owner, or null. @default `tasks.get` */
  readTask?(id: string): Promise<{ readonly status: string; readonly leaseOwner: string | null } | null>;
  /** A quarantine record's stored status, or null. @default `quarantine.get` */
  readQuarantineStatus?(id: string): Promise<string | null>;
  /** A setting's stored version, or null. @default `settings.get` */
  readSettingVersion?(key: string): Promise<number | null>;
}

/** Options of {@link storageConformance}. */
export interface StorageConformanceOptions {
  /**
   * A direct reader of the database; a function receives each test's storage. Without it the
   * suite checks writes through the port's own reads, which proves less.
   * @default undefined
   */
  readonly backdoor?: StorageBackdoor | ((storage: StoragePort) => StorageBackdoor | Promise<StorageBackdoor>);
  /**
   * Name shown in the outer `describe`.
   * @default storage.capabilities.name is not known up front, so 'storage'
   */
  readonly name?: string;
  /**
   * Cleans up after every test (drop a schema, close a pool), also after tests that closed the
   * storage themselves.
   * @default closes the storage unless the test already did
   */
  readonly destroy?: (storage: StoragePort) => Promise<void>;
  /**
   * A direct reader of `storage.customers`' tables, for the customer store part of the suite.
   * @default the customer store's own reads
   */
  readonly customerBackdoor?: (storage: StoragePort) => CustomerStoreBackdoor | Promise<CustomerStoreBackdoor>;
}

/** Everything one test gets: its own fresh storage and fixture makers. */
interface Context {
  readonly storage: StoragePort;
  readonly inspect: StorageBackdoor;
  /** Call before closing the storage inside a test, so cleanup does not close it twice. */
  markClosed(): void;
}

const T0 = '2026-03-01T00:00:00.000Z' as Instant;

/** The instant `minutes` after the suite's reference time. */
function at(minutes: number): Instant {
  return addDuration(T0, { minutes });
}

function uid(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** A new order (version 1, one history entry) with random ids. */
function newOrder(
  fields: {
    readonly id?: string;
    readonly status?: string;
    readonly channel?: string;
    readonly channelOrderId?: string;
    readonly customerRef?: string;
    readonly createdAt?: Instant;
  } = {},
): Order<string> {
  return createOrder<string>(
    {
      id: fields.id ?? uid('ord'),
      channel: fields.channel ?? 'tmall',
      channelOrderId: fields.channelOrderId ?? uid('T'),
      customerRef: fields.customerRef ?? 'buyer-1',
      currency: 'CNY',
      lines: [{ sku: 'TEA-1', quantity: 2, unitPrice: { amount: 1990, currency: 'CNY' } }],
    },
    { clock: createFixedClock(fields.createdAt ?? T0), initialStatus: fields.status ?? 'pending_payment' },
  );
}

/** The write that creates `order`. */
function create(order: Order<string>): OrderWrite {
  return { order, expectedVersion: null, newHistory: order.history };
}

/** The order after one more event, and the write that stores it. */
function advance(order: Order<string>, to: string, when: Instant): { readonly order: Order<string>; readonly write: OrderWrite } {
  const entry: HistoryEntry<string> = {
    eventId: uid('evt'),
    type: `to_${to}`,
    from: order.status,
    to,
    actor: 'conformance',
    at: when,
    version: order.version + 1,
  };
  const next: Order<string> = {
    ...order,
    status: to,
    version: order.version + 1,
    updatedAt: when,
    statusEnteredAt: { ...order.statusEnteredAt, [to]: when },
    history: [...order.history, entry],
  };
  return { order: next, write: { order: next, expectedVersion: order.version, newHistory: [entry] } };
}

function message(key: string, fields: { readonly createdAt?: Instant; readonly topic?: string } = {}): OutboxMessage {
  return {
    id: uid('msg'),
    topic: fields.topic ?? 'order.status_changed',
    key,
    payload: { orderId: key, note: '订单 ✓', nested: { list: [1, 2, 3], flag: true, none: null } },
    headers: { 'x-trace': uid('trace') },
    createdAt: fields.createdAt ?? T0,
  };
}

function reservation(fields: { readonly warehouseId: string; readonly sku: string; readonly quantity: number; readonly orderId?: string; readonly expiresAt?: Instant }): ReservationRequest {
  return {
    reservationId: uid('res'),
    orderId: fields.orderId ?? uid('ord'),
    lineId: 'L1',
    warehouseId: fields.warehouseId,
    sku: fields.sku,
    quantity: fields.quantity,
    ...(fields.expiresAt === undefined ? {} : { expiresAt: fields.expiresAt }),
  };
}

function task(queue: string, fields: Partial<Pick<TaskInput, 'key' | 'dueAt' | 'firstFailedAt' | 'history'>> = {}): TaskInput {
  return { payload: { attempt: 'first', n: 1 }, ...fields, queue, key: fields.key ?? uid('key'), dueAt: fields.dueAt ?? T0 };
}

/** Reads through the port when the adapter gives no backdoor. */
function portReader(storage: StoragePort): StorageBackdoor {
  return {
    readOrderVersion: async (id) => (await storage.orders.get(id))?.version ?? null,
    countHistory: async (orderId) => (await storage.orders.history(orderId)).length,
    countOutbox: async () => (await storage.outbox.list()).length,
    hasIdempotencyKey: async (key) => (await storage.idempotency.get(key)) !== null,
    readStock: async (warehouseId, sku) => {
      const level = await storage.inventory.getStock(warehouseId, sku);
      return level === null ? null : { onHand: level.onHand, reserved: level.reserved };
    },
    ...portUnitReader(storage),
  };
}

/** The unit tests' readers through the port, for a backdoor that lacks them. */
function portUnitReader(storage: StoragePort): Required<Pick<StorageBackdoor, 'readReservationStatus' | 'readTask' | 'readQuarantineStatus' | 'readSettingVersion'>> {
  return {
    readReservationStatus: async (id) => (await storage.inventory.getReservation(id))?.status ?? null,
    readTask: async (id) => {
      const task = await storage.tasks.get(id);
      return task === null ? null : { status: task.status, leaseOwner: task.leaseOwner ?? null };
    },
    readQuarantineStatus: async (id) => (await storage.quarantine.get(id))?.status ?? null,
    readSettingVersion: async (key) => (await storage.settings.get(key))?.version ?? null,
  };
}

/**
 * Runs the storage port's conformance suite: one test per rule of the contract, each on a fresh,
 * empty storage from `makeStorage` (after `migrate()`), with random ids, independent of order.
 * Uses node:assert, so it runs under any test runner.
 *
 * @example
 * // test/adapters/my-storage.test.ts
 * import { describe, it } from 'vitest';
 * import { storageConformance } from 'ordo/testing';
 * storageConformance({ describe, it }, () => createMyStorage(url), { name: 'my-db', backdoor: (s) => myBackdoor(s) });
 */
export function storageConformance(
  api: ConformanceTestApi,
  makeStorage: () => Promise<StoragePort> | StoragePort,
  options: StorageConformanceOptions = {},
): void {
  if (typeof api?.describe !== 'function' || typeof api.it !== 'function') expectObject('storageConformance api', undefined, 'your runner\'s { describe, it }');
  const { describe, it } = api;

  const test = (name: string, body: (context: Context) => Promise<void>): void => {
    it(name, async () => {
      const storage = await makeStorage();
      let closed = false;
      try {
        await storage.migrate();
        const backdoor = options.backdoor;
        const inspect = backdoor === undefined ? portReader(storage) : typeof backdoor === 'function' ? await backdoor(storage) : backdoor;
        await body({ storage, inspect, markClosed: () => (closed = true) });
      } finally {
        if (options.destroy !== undefined) await options.destroy(storage);
        else if (!closed) await storage.close();
      }
    });
  };

  describe(`${options.name ?? 'storage'} conformance`, () => {
    // storage.customers is part of the port: the customer store contract runs on it too, one
    // fresh, migrated storage per test, cleaned up as the rest of the suite is.
    const owners = new WeakMap<CustomerStore, StoragePort>();
    const ownerOf = (store: CustomerStore): StoragePort => owners.get(store) as StoragePort;
    customerStoreConformance(
      api,
      async () => {
        const storage = await makeStorage();
        await storage.migrate();
        owners.set(storage.customers, storage);
        return storage.customers;
      },
      {
        name: 'storage.customers',
        destroy: async (store) => {
          const storage = ownerOf(store);
          if (options.destroy !== undefined) await options.destroy(storage);
          else await storage.close();
        },
        ...(options.customerBackdoor === undefined ? {} : { backdoor: (store: CustomerStore) => (options.customerBackdoor as NonNullable<typeof options.customerBackdoor>)(ownerOf(store)) }),
      },
    );

    unitOfWorkConformance(describe, (name, body) =>
      test(name, async ({ storage, inspect }) => {
        const customers = options.customerBackdoor === undefined ? customerStoreReader(storage.customers) : await options.customerBackdoor(storage);
        await body({ storage, inspect: { ...portUnitReader(storage), ...inspect } as UnitBackdoor, customers });
      }),
    );

    describe('lifecycle', () => {
      test('capabilities name the adapter', async ({ storage }) => {
        assert.equal(typeof storage.capabilities.name, 'string');
        assert.ok(storage.capabilities.name.length > 0);
      });

      test('migrate is idempotent and keeps data', async ({ storage, inspect }) => {
        const order = newOrder();
        await storage.commit({ orders: [create(order)] });
        await storage.migrate();
        await storage.migrate();
        assert.equal(await inspect.readOrderVersion(order.id), 1);
      });

      test('after close, every call fails with StorageError STORAGE_UNAVAILABLE', async ({ storage, markClosed }) => {
        markClosed();
        await storage.close();
        const calls: [string, () => Promise<unknown>][] = [
          ['orders.get', () => storage.orders.get('x')],
          ['orders.listByCustomer', () => storage.orders.listByCustomer('x')],
          ['commit', () => storage.commit({ orders: [create(newOrder())] })],
          ['outbox.list', () => storage.outbox.list()],
          ['idempotency.get', () => storage.idempotency.get('x')],
          ['inventory.getStock', () => storage.inventory.getStock('w', 's')],
          ['tasks.get', () => storage.tasks.get('x')],
          ['quarantine.get', () => storage.quarantine.get('x')],
          ['settings.get', () => storage.settings.get('x')],
          ['settings.put', () => storage.settings.put('x', 1, { expectedVersion: null, by: 'ops', at: T0 })],
          ['customers.getProfile', () => storage.customers.getProfile('x')],
        ];
        for (const [what, call] of calls) {
          const error = await rejectsWithCode(call(), 'STORAGE_UNAVAILABLE', what);
          assert.ok(isStorageError(error), `${what} should fail with a StorageError`);
        }
      });
    });

    describe('orders', () => {
      test('orders.get returns null for a missing id', async ({ storage }) => {
        assert.equal(await storage.orders.get(uid('missing')), null);
      });

      test('orders.findByChannelRef returns null for an unknown channel order id', async ({ storage }) => {
        assert.equal(await storage.orders.findByChannelRef('tmall', uid('T')), null);
      });

      test('orders.history returns an empty list for an unknown order', async ({ storage }) => {
        assert.deepEqual(await storage.orders.history(uid('missing')), []);
      });

      test('commit stores a new order, readable by id and by channel ref, with its history', async ({ storage, inspect }) => {
        const order = newOrder({ channel: 'jd' });
        await storage.commit({ orders: [create(order)] });
        assert.equal(await inspect.readOrderVersion(order.id), 1);
        assert.equal(await inspect.countHistory(order.id), 1);
        assert.deepEqual(await storage.orders.get(order.id), order);
        assert.deepEqual(await storage.orders.findByChannelRef('jd', order.channelOrderId), order);
        assert.equal(await storage.orders.findByChannelRef('tmall', order.channelOrderId), null, 'the channel is part of the ref');
        assert.deepEqual(await storage.orders.history(order.id), order.history);
      });

      test('commit with expectedVersion null rejects an existing id with CONCURRENCY_CONFLICT', async ({ storage, inspect }) => {
        const order = newOrder();
        await storage.commit({ orders: [create(order)] });
        const again = { ...order, channelOrderId: uid('T') };
        const error = await rejectsWithCode(storage.commit({ orders: [create(again)] }), 'CONCURRENCY_CONFLICT', 'second create');
        assert.ok(isConcurrencyError(error));
        assert.equal(await inspect.countHistory(order.id), 1);
        assert.equal(await storage.orders.findByChannelRef(again.channel, again.channelOrderId), null);
      });

      test('commit with expectedVersion null rejects a (channel, channelOrderId) stored under another id', async ({ storage, inspect }) => {
        const first = newOrder();
        await storage.commit({ orders: [create(first)] });
        const duplicate = newOrder({ channel: first.channel, channelOrderId: first.channelOrderId });
        await rejectsWithCode(storage.commit({ orders: [create(duplicate)] }), 'CONCURRENCY_CONFLICT', 'duplicate channel ref');
        assert.equal(await inspect.readOrderVersion(duplicate.id), null);
        assert.equal((await storage.orders.findByChannelRef(first.channel, first.channelOrderId))?.id, first.id);
      });

      test('the same channelOrderId in two channels is two orders', async ({ storage, inspect }) => {
        const a = newOrder({ channel: 'tmall', channelOrderId: 'SAME-1' });
        const b = newOrder({ channel: 'jd', channelOrderId: 'SAME-1' });
        await storage.commit({ orders: [create(a), create(b)] });
        assert.equal(await inspect.readOrderVersion(a.id), 1);
        assert.equal(await inspect.readOrderVersion(b.id), 1);
        assert.equal((await storage.orders.findByChannelRef('jd', 'SAME-1'))?.id, b.id);
      });

      test('commit records an event once per order: a write repeating a recorded event id is DUPLICATE_KEY naming the event, nothing written', async ({ storage, inspect }) => {
        const order = newOrder();
        await storage.commit({ orders: [create(order)] });
        const paid = advance(order, 'paid', at(1));
        await storage.commit({ orders: [paid.write] });
        // A writer holding the order without its history sends the same event again as a new step.
        const again = advance(paid.order, 'approved', at(2));
        const repeated = { ...again.write, newHistory: [{ ...(again.write.newHistory[0] as HistoryEntry<string>), eventId: (paid.write.newHistory[0] as HistoryEntry<string>).eventId }] };
        const message = { id: uid('msg'), topic: 'order.status_changed', key: order.id, payload: {}, createdAt: at(2) };
        const error = await rejectsWithCode(storage.commit({ orders: [repeated], outbox: [message] }), 'DUPLICATE_KEY', 'repeated event');
        const details = (error as { details: Record<string, unknown> }).details;
        assert.deepEqual(details['part'], { store: 'orders', index: 0, type: 'write' });
        assert.equal(details['eventId'], (paid.write.newHistory[0] as HistoryEntry<string>).eventId);
        assert.equal(details['orderId'], order.id);
        assert.equal(await inspect.readOrderVersion(order.id), 2);
        assert.equal(await inspect.countHistory(order.id), 2);
        // The same event id on another order is another event.
        const other = newOrder();
        await storage.commit({ orders: [create(other)] });
        const otherPaid = advance(other, 'paid', at(1));
        await storage.commit({ orders: [{ ...otherPaid.write, newHistory: [{ ...(otherPaid.write.newHistory[0] as HistoryEntry<string>), eventId: (paid.write.newHistory[0] as HistoryEntry<string>).eventId }] }] });
        assert.equal(await inspect.readOrderVersion(other.id), 2);
      });

      test('commit updates an order whose expectedVersion matches and appends its history', async ({ storage, inspect }) => {
        const order = newOrder();
        await storage.commit({ orders: [create(order)] });
        const paid = advance(order, 'paid', at(1));
        await storage.commit({ orders: [paid.write] });
        const approved = advance(paid.order, 'approved', at(2));
        await storage.commit({ orders: [approved.write] });
        assert.equal(await inspect.readOrderVersion(order.id), 3);
        assert.equal(await inspect.countHistory(order.id), 3);
        const stored = await storage.orders.get(order.id);
        assert.deepEqual(stored, approved.order);
        assert.deepEqual(
          (await storage.orders.history(order.id)).map((entry) => entry.to),
          ['pending_payment', 'paid', 'approved'],
        );
      });

      test('commit rejects a stale expectedVersion with CONCURRENCY_CONFLICT and writes nothing', async ({ storage, inspect }) => {
        const order = newOrder();
        await storage.commit({ orders: [create(order)] });
        await storage.commit({ orders: [advance(order, 'paid', at(1)).write] });
        const stale = advance(order, 'cancelled', at(2));
        const error = await rejectsWithCode(storage.commit({ orders: [stale.write], outbox: [message(order.id)] }), 'CONCURRENCY_CONFLICT', 'stale write');
        assert.ok(isConcurrencyError(error));
        assert.equal(error.expectedVersion, 1);
        assert.equal(await inspect.readOrderVersion(order.id), 2);
        assert.equal(await inspect.countHistory(order.id), 2);
        assert.equal(await inspect.countOutbox(), 0);
        assert.equal((await storage.orders.get(order.id))?.status, 'paid');
      });

      test('commit rejects a numeric expectedVersion for a missing order with CONCURRENCY_CONFLICT', async ({ storage, inspect }) => {
        const ghost = advance(newOrder(), 'paid', at(1));
        await rejectsWithCode(storage.commit({ orders: [ghost.write] }), 'CONCURRENCY_CONFLICT', 'update of a missing order');
        assert.equal(await inspect.readOrderVersion(ghost.order.id), null);
        assert.equal(await inspect.countHistory(ghost.order.id), 0);
      });

      test('a unit with one stale order among two writes writes nothing: no order, history, outbox or idempotency record', async ({ storage, inspect }) => {
        const fresh = newOrder();
        const existing = newOrder();
        await storage.commit({ orders: [create(existing)] });
        await storage.commit({ orders: [advance(existing, 'paid', at(1)).write] });
        const stale = advance(existing, 'cancelled', at(2));
        const key = uid('idem');
        await rejectsWithCode(
          storage.commit({
            orders: [create(fresh), stale.write],
            outbox: [message(fresh.id), message(existing.id)],
            idempotency: [{ key, fingerprint: 'f', result: { ok: true }, createdAt: at(2) }],
          }),
          'CONCURRENCY_CONFLICT',
          'unit with a stale write',
        );
        assert.equal(await inspect.readOrderVersion(fresh.id), null);
        assert.equal(await inspect.countHistory(fresh.id), 0);
        assert.equal(await inspect.readOrderVersion(existing.id), 2);
        assert.equal(await inspect.countHistory(existing.id), 2);
        assert.equal(await inspect.countOutbox(), 0);
        assert.equal(await inspect.hasIdempotencyKey(key), false);
        assert.equal(await storage.orders.findByChannelRef(fresh.channel, fresh.channelOrderId), null);
      });

      test('history is append-only: an update whose order.history omits old entries keeps them', async ({ storage, inspect }) => {
        const order = newOrder();
        await storage.commit({ orders: [create(order)] });
        const paid = advance(order, 'paid', at(1));
        await storage.commit({ orders: [{ ...paid.write, order: { ...paid.order, history: [] } }] });
        assert.equal(await inspect.countHistory(order.id), 2);
        const stored = await storage.orders.get(order.id);
        assert.deepEqual(stored?.history, paid.order.history, 'get returns the stored history, oldest first');
      });

      test('orders.listByStatus returns orders in that status, oldest updatedAt first, up to limit', async ({ storage }) => {
        const status = uid('status');
        const late = newOrder({ status, createdAt: at(30) });
        const early = newOrder({ status, createdAt: at(10) });
        const middle = newOrder({ status, createdAt: at(20) });
        const other = newOrder({ createdAt: at(5) });
        await storage.commit({ orders: [create(late), create(early), create(middle), create(other)] });
        assert.deepEqual((await storage.orders.listByStatus(status)).map((o) => o.id), [early.id, middle.id, late.id]);
        assert.deepEqual((await storage.orders.listByStatus(status, { limit: 2 })).map((o) => o.id), [early.id, middle.id]);
        assert.deepEqual(await storage.orders.listByStatus(uid('status')), []);
        const moved = advance(early, uid('elsewhere'), at(40));
        await storage.commit({ orders: [moved.write] });
        assert.deepEqual((await storage.orders.listByStatus(status)).map((o) => o.id), [middle.id, late.id]);
      });

      test('orders.countByStatus counts the orders in each status, reading none of them', async ({ storage }) => {
        const [a, b] = [uid('status'), uid('status')];
        const orders = [newOrder({ status: a }), newOrder({ status: a }), newOrder({ status: b }), newOrder({ status: a })];
        await storage.commit({ orders: orders.map(create) });
        const moved = advance(orders[0] as Order<string>, b, at(5));
        await storage.commit({ orders: [moved.write] });
        const counts = await storage.orders.countByStatus();
        assert.equal(counts[a], 2);
        assert.equal(counts[b], 2);
        assert.equal(counts[uid('status')], undefined);
      });

      test('orders.measure pages through orders by updatedAt then id, with status and updatedAfter filters, each once', async ({ storage }) => {
        const status = uid('status');
        const orders = Array.from({ length: 7 }, (_, i) => newOrder({ id: `m-${String(i).padStart(3, '0')}-${uid('o')}`, status, createdAt: at(i % 3) }));
        const outsider = newOrder({ createdAt: at(1) });
        await storage.commit({ orders: [...orders, outsider].map(create) });
        const moved = advance(orders[1] as Order<string>, 'elsewhere', at(50));
        await storage.commit({ orders: [moved.write] });
        const byKey = (o: { updatedAt: string; id: string }): string => `${o.updatedAt} ${o.id}`;
        const expected = orders.filter((o) => o.id !== moved.order.id).sort((x, y) => (byKey(x) < byKey(y) ? -1 : 1)).map((o) => o.id);
        const seen: string[] = [];
        let after: string | null = null;
        let pages = 0;
        do {
          const page = await storage.orders.measure({ status, limit: 2, after });
          seen.push(...page.items.map((item) => item.id));
          for (const item of page.items) {
            assert.equal(item.status, status);
            assert.deepEqual(item.statusEnteredAt, { [status]: item.updatedAt });
          }
          after = page.next;
          pages += 1;
        } while (after !== null && pages < 10);
        assert.deepEqual([...seen].sort(), [...expected].sort(), 'every order in the status once');
        assert.equal(pages, 3);
        const updatedAts = seen.map((id) => orders.find((o) => o.id === id)?.updatedAt as string);
        assert.deepEqual(updatedAts, [...updatedAts].sort(), 'by updatedAt');
        const recent = await storage.orders.measure({ updatedAfter: at(30) });
        assert.deepEqual(recent.items.map((item) => [item.id, item.status, item.statusEnteredAt['elsewhere']]), [[moved.order.id, 'elsewhere', at(50)]]);
        assert.equal(recent.next, null);
        const all = await storage.orders.measure({ limit: 100 });
        assert.ok(all.items.some((item) => item.id === outsider.id));
      });

      test('orders.historyBetween pages through the entries of a window (from exclusive, to inclusive) by time', async ({ storage }) => {
        const first = newOrder({ createdAt: at(0) });
        const second = newOrder({ createdAt: at(10) });
        await storage.commit({ orders: [create(first), create(second)] });
        const paid = advance(first, 'paid', at(20));
        const shipped = advance(paid.order, 'shipped', at(30));
        const paid2 = advance(second, 'paid', at(20));
        for (const step of [paid, shipped, paid2]) await storage.commit({ orders: [step.write] });
        const seen: string[] = [];
        let after: string | null = null;
        do {
          const page = await storage.orders.historyBetween({ from: at(0), to: at(30), limit: 1, after });
          seen.push(...page.items.map((item) => `${item.entry.at} ${item.orderId === first.id ? 'first' : 'second'} ${item.entry.to}`));
          after = page.next;
        } while (after !== null && seen.length < 10);
        const [lo, hi] = first.id < second.id ? ['first', 'second'] : ['second', 'first'];
        assert.deepEqual(seen.slice(0, 1), [`${at(10)} second pending_payment`]);
        assert.deepEqual(new Set(seen.slice(1, 3)), new Set([`${at(20)} ${lo} paid`, `${at(20)} ${hi} paid`]));
        assert.deepEqual(seen.slice(3), [`${at(30)} first shipped`]);
        assert.equal(seen.length, 4, 'the entry at `from` itself is outside the window');
        const entry = (await storage.orders.historyBetween({ from: at(25), to: at(30) })).items[0];
        assert.deepEqual(entry, { orderId: first.id, entry: shipped.order.history.at(-1) });
      });

      test('orders.countTransitions counts entries per interval (b[k-1], b[k]] and status entered', async ({ storage }) => {
        const first = newOrder({ createdAt: at(0) });
        const second = newOrder({ createdAt: at(10) });
        await storage.commit({ orders: [create(first), create(second)] });
        const paid = advance(first, 'paid', at(20));
        const shipped = advance(paid.order, 'shipped', at(30));
        const paid2 = advance(second, 'paid', at(21));
        for (const step of [paid, shipped, paid2]) await storage.commit({ orders: [step.write] });
        const counts = await storage.orders.countTransitions({ boundaries: [at(0), at(10), at(20), at(30)] });
        assert.deepEqual(counts, [
          { bucket: 1, status: 'pending_payment', count: 1 },
          { bucket: 2, status: 'paid', count: 1 },
          { bucket: 3, status: 'paid', count: 1 },
          { bucket: 3, status: 'shipped', count: 1 },
        ]);
        await rejectsWithCode(storage.orders.countTransitions({ boundaries: [at(2), at(1)] }), 'VALIDATION_FAILED', 'descending boundaries');
        await rejectsWithCode(storage.orders.countTransitions(undefined as never), 'VALIDATION_FAILED', 'no boundaries');
      });

      test('orders.measure and orders.historyBetween refuse a malformed cursor or window with a ValidationError', async ({ storage }) => {
        await rejectsWithCode(storage.orders.measure({ after: 'not a cursor' }), 'VALIDATION_FAILED', 'measure with a bad cursor');
        await rejectsWithCode(storage.orders.measure({ updatedAfter: '2026-01-01' as Instant, limit: 0 }), 'VALIDATION_FAILED', 'measure with bad options');
        await rejectsWithCode(storage.orders.historyBetween({ from: 'yesterday' as Instant, to: at(1) }), 'VALIDATION_FAILED', 'historyBetween with a bad window');
        await rejectsWithCode(storage.orders.historyBetween(undefined as never), 'VALIDATION_FAILED', 'historyBetween without options');
      });

      test('orders.listByCustomer returns that customer\'s orders only, newest createdAt first, each as orders.get returns it', async ({ storage }) => {
        const customer = uid('cus');
        const early = newOrder({ customerRef: customer, createdAt: at(10) });
        const late = newOrder({ customerRef: customer, createdAt: at(30) });
        const middle = newOrder({ customerRef: customer, createdAt: at(20) });
        const stranger = newOrder({ customerRef: uid('cus'), createdAt: at(25) });
        // Several orders in one unit, and one alone: SQL adapters may write the two differently.
        await storage.commit({ orders: [create(late), create(stranger), create(early)] });
        await storage.commit({ orders: [create(middle)] });
        const shipped = advance(early, 'shipped', at(40));
        await storage.commit({ orders: [shipped.write] });
        const listed = await storage.orders.listByCustomer(customer);
        assert.deepEqual(listed.map((o) => o.id), [late.id, middle.id, early.id], 'newest createdAt first; an update does not reorder');
        assert.deepEqual(listed, [late, middle, shipped.order], 'the stored orders with their full history, as orders.get returns them');
        assert.deepEqual(await storage.orders.get(early.id), listed[2]);
        assert.deepEqual(await storage.orders.listByCustomer(uid('cus')), [], 'an unknown customer has no orders');
      });

      test('orders.listByCustomer: since is inclusive on createdAt, limit keeps the newest, ties on createdAt go to the greater id', async ({ storage }) => {
        const customer = uid('cus');
        const base = uid('ord');
        const orders = [
          newOrder({ id: `${base}-a`, customerRef: customer, createdAt: at(20) }),
          newOrder({ id: `${base}-b`, customerRef: customer, createdAt: at(20) }),
          newOrder({ id: `${base}-c`, customerRef: customer, createdAt: at(10) }),
          newOrder({ id: `${base}-d`, customerRef: customer, createdAt: at(30) }),
          newOrder({ id: `${base}-e`, customerRef: customer, createdAt: at(19) }),
        ];
        await storage.commit({ orders: orders.map(create) });
        const ids = async (options: { readonly since?: Instant; readonly limit?: number }): Promise<string[]> =>
          (await storage.orders.listByCustomer(customer, options)).map((o) => o.id.slice(base.length + 1));
        assert.deepEqual(await ids({}), ['d', 'b', 'a', 'e', 'c']);
        assert.deepEqual(await ids({ since: at(20) }), ['d', 'b', 'a'], 'an order created exactly at `since` is included');
        assert.deepEqual(await ids({ since: at(31) }), []);
        assert.deepEqual(await ids({ limit: 2 }), ['d', 'b']);
        assert.deepEqual(await ids({ since: at(19), limit: 10 }), ['d', 'b', 'a', 'e']);
        assert.deepEqual(await ids({ limit: 0 }), []);
      });

      test('orders.listByCustomer follows a change of customerRef, and returns 100 orders by default and 1,000 at most', async ({ storage }) => {
        const customer = uid('cus');
        const orders = Array.from({ length: 1_001 }, (_, i) => newOrder({ customerRef: customer, createdAt: at(i) }));
        await storage.commit({ orders: orders.map(create) });
        const newestFirst = orders.map((o) => o.id).reverse();
        assert.deepEqual((await storage.orders.listByCustomer(customer)).map((o) => o.id), newestFirst.slice(0, 100), 'default limit 100');
        assert.deepEqual((await storage.orders.listByCustomer(customer, { limit: 5_000 })).map((o) => o.id), newestFirst.slice(0, 1_000), 'at most 1,000');
        // A merge of customer profiles may move an order to another customer: the listing follows.
        const other = uid('cus');
        const newest = orders[1_000] as Order<string>;
        const moved = advance({ ...newest, customerRef: other }, 'paid', at(2_000));
        const fresh = newOrder({ customerRef: other, createdAt: at(1_500) });
        await storage.commit({ orders: [moved.write, create(fresh)] });
        assert.deepEqual((await storage.orders.listByCustomer(other)).map((o) => o.id), [fresh.id, newest.id]);
        assert.deepEqual((await storage.orders.listByCustomer(customer, { limit: 1 })).map((o) => o.id), [newestFirst[1]]);
      });

      test('mutating an order returned by orders.get does not change the stored order', async ({ storage }) => {
        const order = newOrder();
        await storage.commit({ orders: [create(order)] });
        const read = await storage.orders.get(order.id);
        assert.ok(read);
        read.status = 'shipped';
        read.lines[0]!.quantity = 99;
        read.history.push({ ...read.history[0]!, eventId: 'intruder' });
        assert.deepEqual(await storage.orders.get(order.id), order);
      });

      test('mutating an order after committing it does not change the stored order', async ({ storage }) => {
        const order = newOrder();
        const copy = structuredClone(order);
        await storage.commit({ orders: [create(order)] });
        order.status = 'shipped';
        order.lines[0]!.quantity = 99;
        order.history.push({ ...order.history[0]!, eventId: 'intruder' });
        assert.deepEqual(await storage.orders.get(copy.id), copy);
      });

      test('concurrent commits with the same expectedVersion: exactly one wins', async ({ storage, inspect }) => {
        const order = newOrder();
        await storage.commit({ orders: [create(order)] });
        const attempts = Array.from({ length: 10 }, (_, i) => advance(order, `state_${i}`, at(i + 1)));
        const results = await Promise.allSettled(attempts.map((a) => storage.commit({ orders: [a.write], outbox: [message(order.id)] })));
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1, 'exactly one commit wins');
        for (const r of results) {
          if (r.status === 'rejected') assert.ok(isConcurrencyError(r.reason), `losers fail with CONCURRENCY_CONFLICT, got ${String(r.reason)}`);
        }
        assert.equal(await inspect.readOrderVersion(order.id), 2);
        assert.equal(await inspect.countHistory(order.id), 2);
        assert.equal(await inspect.countOutbox(), 1);
      });

      test('concurrent creates of one channel order: exactly one wins', async ({ storage }) => {
        const channelOrderId = uid('T');
        const orders = Array.from({ length: 8 }, () => newOrder({ channelOrderId }));
        const results = await Promise.allSettled(orders.map((o) => storage.commit({ orders: [create(o)] })));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(isConcurrencyError(r.reason));
        assert.ok(await storage.orders.findByChannelRef('tmall', channelOrderId));
      });
    });

    describe('outbox', () => {
      test('commit stores outbox messages pending, with strictly increasing sequences in commit order', async ({ storage, inspect }) => {
        const order = newOrder();
        const first = message(order.id, { createdAt: at(1) });
        const second = message(order.id, { createdAt: at(1) });
        await storage.commit({ orders: [create(order)], outbox: [first, second] });
        const third = message(uid('key'), { createdAt: at(2) });
        await storage.commit({ outbox: [third] });
        assert.equal(await inspect.countOutbox(), 3);
        const listed = await storage.outbox.list();
        assert.deepEqual(listed.map((m) => m.id), [first.id, second.id, third.id]);
        const [a, b, c] = listed;
        assert.ok(a && b && c);
        assert.ok(a.sequence < b.sequence && b.sequence < c.sequence, 'sequences rise in commit order');
        assert.equal(a.status, 'pending');
        assert.equal(a.attempts, 0);
        assert.equal(a.availableAt, first.createdAt, 'available from its creation');
        assert.deepEqual({ id: a.id, topic: a.topic, key: a.key, payload: a.payload, headers: a.headers, createdAt: a.createdAt }, first);
      });

      test('commit rejects an existing outbox id with DUPLICATE_KEY and writes nothing', async ({ storage, inspect }) => {
        const taken = message(uid('key'));
        await storage.commit({ outbox: [taken] });
        const order = newOrder();
        const error = await rejectsWithCode(
          storage.commit({ orders: [create(order)], outbox: [message(order.id), { ...taken, key: order.id }] }),
          'DUPLICATE_KEY',
          'duplicate outbox id',
        );
        assert.ok(isStorageError(error));
        assert.equal(await inspect.readOrderVersion(order.id), null);
        assert.equal(await inspect.countHistory(order.id), 0);
        assert.equal(await inspect.countOutbox(), 1);
      });

      test('commit rejects a unit that repeats an outbox id with DUPLICATE_KEY', async ({ storage, inspect }) => {
        const twice = message(uid('key'));
        await rejectsWithCode(storage.commit({ outbox: [twice, twice] }), 'DUPLICATE_KEY', 'outbox id twice in a unit');
        assert.equal(await inspect.countOutbox(), 0);
      });

      test('outbox.list filters by status, oldest first, up to limit', async ({ storage }) => {
        const messages = [message('k1'), message('k2'), message('k3')];
        await storage.commit({ outbox: messages });
        const [claimed] = await storage.outbox.claim({ owner: 'relay', now: at(0), leaseUntil: at(5), limit: 1 });
        assert.ok(claimed);
        await storage.outbox.markDelivered([claimed.id], 'relay', at(1));
        assert.deepEqual((await storage.outbox.list({ status: 'pending' })).map((m) => m.id), [messages[1]!.id, messages[2]!.id]);
        assert.deepEqual((await storage.outbox.list({ status: 'delivered' })).map((m) => m.id), [messages[0]!.id]);
        assert.deepEqual(await storage.outbox.list({ status: 'dead' }), []);
        assert.deepEqual((await storage.outbox.list({ limit: 2 })).map((m) => m.id), [messages[0]!.id, messages[1]!.id]);
      });

      test('outbox.claim leases available messages oldest first, up to limit, and counts an attempt', async ({ storage }) => {
        const messages = [message('k1'), message('k2'), message('k3')];
        await storage.commit({ outbox: messages });
        const claimed = await storage.outbox.claim({ owner: 'relay-a', now: at(0), leaseUntil: at(5), limit: 2 });
        assert.deepEqual(claimed.map((m) => m.id), [messages[0]!.id, messages[1]!.id]);
        assert.deepEqual(claimed.map((m) => m.attempts), [1, 1]);
        assert.deepEqual(claimed.map((m) => m.status), ['pending', 'pending']);
        const rest = await storage.outbox.claim({ owner: 'relay-b', now: at(0), leaseUntil: at(5), limit: 10 });
        assert.deepEqual(rest.map((m) => m.id), [messages[2]!.id], 'leased messages are not handed to another relay');
      });

      test('outbox.claim hands a message to another owner only after its lease expired', async ({ storage }) => {
        const m = message('k1');
        await storage.commit({ outbox: [m] });
        await storage.outbox.claim({ owner: 'relay-a', now: at(0), leaseUntil: at(5), limit: 10 });
        assert.deepEqual(await storage.outbox.claim({ owner: 'relay-b', now: at(4), leaseUntil: at(9), limit: 10 }), []);
        const reclaimed = await storage.outbox.claim({ owner: 'relay-b', now: at(6), leaseUntil: at(11), limit: 10 });
        assert.deepEqual(reclaimed.map((x) => [x.id, x.attempts]), [[m.id, 2]]);
        assert.equal(await storage.outbox.markDelivered([m.id], 'relay-a', at(7)), 0, 'the first owner lost its lease');
        assert.equal(await storage.outbox.release(m.id, 'relay-a', { error: 'late', retryAt: at(8) }), false);
        assert.equal(await storage.outbox.markDelivered([m.id], 'relay-b', at(7)), 1);
      });

      test('outbox.claim does not return a message again to the owner that holds its live lease', async ({ storage }) => {
        const m = message('k1');
        await storage.commit({ outbox: [m] });
        await storage.outbox.claim({ owner: 'relay', now: at(0), leaseUntil: at(5), limit: 10 });
        assert.deepEqual(await storage.outbox.claim({ owner: 'relay', now: at(1), leaseUntil: at(6), limit: 10 }), []);
        const after = await storage.outbox.claim({ owner: 'relay', now: at(5), leaseUntil: at(10), limit: 10 });
        assert.deepEqual(after.map((x) => x.id), [m.id], 'at leaseUntil the lease has ended');
      });

      test('outbox.claim never returns a message while an earlier one with the same key is leased by another owner', async ({ storage }) => {
        const key = uid('order');
        const first = message(key);
        const second = message(key);
        const unrelated = message(uid('other'));
        await storage.commit({ outbox: [first, second, unrelated] });
        const a = await storage.outbox.claim({ owner: 'relay-a', now: at(0), leaseUntil: at(5), limit: 1 });
        assert.deepEqual(a.map((m) => m.id), [first.id]);
        const b = await storage.outbox.claim({ owner: 'relay-b', now: at(1), leaseUntil: at(6), limit: 10 });
        assert.deepEqual(b.map((m) => m.id), [unrelated.id], 'the second message of the key waits for the first');
        await storage.outbox.markDelivered([first.id], 'relay-a', at(2));
        const c = await storage.outbox.claim({ owner: 'relay-b', now: at(2), leaseUntil: at(7), limit: 10 });
        assert.deepEqual(c.map((m) => m.id), [second.id]);
      });

      test('outbox.claim returns consecutive messages of one key together, in sequence order', async ({ storage }) => {
        const key = uid('order');
        const messages = [message(key), message(key), message(key)];
        await storage.commit({ outbox: messages });
        const claimed = await storage.outbox.claim({ owner: 'relay', now: at(0), leaseUntil: at(5), limit: 10 });
        assert.deepEqual(claimed.map((m) => m.id), messages.map((m) => m.id));
        assert.ok(claimed[0]!.sequence < claimed[1]!.sequence && claimed[1]!.sequence < claimed[2]!.sequence);
      });

      test('outbox.release makes a message pending again from retryAt, holding back later messages of its key', async ({ storage }) => {
        const key = uid('order');
        const first = message(key);
        const second = message(key);
        await storage.commit({ outbox: [first, second] });
        await storage.outbox.claim({ owner: 'relay', now: at(0), leaseUntil: at(5), limit: 1 });
        assert.equal(await storage.outbox.release(first.id, 'relay', { error: 'HTTP 503', retryAt: at(10) }), true);
        const [released] = await storage.outbox.list({ limit: 1 });
        assert.equal(released?.status, 'pending');
        assert.equal(released?.lastError, 'HTTP 503');
        assert.equal(released?.availableAt, at(10));
        assert.deepEqual(await storage.outbox.claim({ owner: 'other', now: at(9), leaseUntil: at(15), limit: 10 }), [], 'nothing before retryAt');
        const retried = await storage.outbox.claim({ owner: 'other', now: at(10), leaseUntil: at(15), limit: 10 });
        assert.deepEqual(retried.map((m) => [m.id, m.attempts]), [[first.id, 2], [second.id, 1]]);
      });

      test('outbox.release with dead marks the message dead; it is never claimed and no longer holds back its key', async ({ storage }) => {
        const key = uid('order');
        const poison = message(key);
        const next = message(key);
        await storage.commit({ outbox: [poison, next] });
        await storage.outbox.claim({ owner: 'relay', now: at(0), leaseUntil: at(5), limit: 1 });
        assert.equal(await storage.outbox.release(poison.id, 'relay', { error: 'schema rejected', retryAt: at(1), dead: true }), true);
        assert.deepEqual((await storage.outbox.list({ status: 'dead' })).map((m) => [m.id, m.lastError]), [[poison.id, 'schema rejected']]);
        const claimed = await storage.outbox.claim({ owner: 'relay', now: at(100), leaseUntil: at(105), limit: 10 });
        assert.deepEqual(claimed.map((m) => m.id), [next.id]);
      });

      test('outbox.markDelivered counts only messages leased by the owner; delivered messages are not claimed again', async ({ storage }) => {
        const mine = message('k1');
        const theirs = message('k2');
        const unclaimed = message('k3');
        await storage.commit({ outbox: [mine, theirs, unclaimed] });
        await storage.outbox.claim({ owner: 'relay-a', now: at(0), leaseUntil: at(5), limit: 1 });
        await storage.outbox.claim({ owner: 'relay-b', now: at(0), leaseUntil: at(5), limit: 1 });
        const count = await storage.outbox.markDelivered([mine.id, theirs.id, unclaimed.id, uid('missing')], 'relay-a', at(1));
        assert.equal(count, 1);
        assert.equal(await storage.outbox.markDelivered([mine.id], 'relay-a', at(2)), 0, 'already delivered');
        const [delivered] = await storage.outbox.list({ status: 'delivered' });
        assert.equal(delivered?.id, mine.id);
        assert.equal(delivered?.deliveredAt, at(1));
        const later = await storage.outbox.claim({ owner: 'relay-c', now: at(10), leaseUntil: at(15), limit: 10 });
        assert.deepEqual(later.map((m) => m.id).sort(), [theirs.id, unclaimed.id].sort(), 'delivered never comes back; expired lease does');
      });

      test('outbox.release returns false for an unknown or unleased message', async ({ storage }) => {
        const m = message('k1');
        await storage.commit({ outbox: [m] });
        assert.equal(await storage.outbox.release(m.id, 'relay', { error: 'x', retryAt: at(1) }), false);
        assert.equal(await storage.outbox.release(uid('missing'), 'relay', { error: 'x', retryAt: at(1) }), false);
        const [stored] = await storage.outbox.list();
        assert.equal(stored?.lastError, undefined);
      });
    });

    describe('idempotency', () => {
      test('idempotency.get returns null for a missing key', async ({ storage }) => {
        assert.equal(await storage.idempotency.get(uid('idem')), null);
      });

      test('idempotency.putIfAbsent stores a new record and returns it', async ({ storage, inspect }) => {
        const record = { key: uid('idem'), fingerprint: 'sha256:a', result: { orderId: 'o-1', list: [1] }, createdAt: at(0) };
        assert.deepEqual(await storage.idempotency.putIfAbsent(record), record);
        assert.equal(await inspect.hasIdempotencyKey(record.key), true);
        assert.deepEqual(await storage.idempotency.get(record.key), record);
      });

      test('idempotency.putIfAbsent returns the existing record for a taken key and keeps it', async ({ storage }) => {
        const key = uid('idem');
        const first = { key, fingerprint: 'sha256:a', result: 'first', createdAt: at(0) };
        await storage.idempotency.putIfAbsent(first);
        const answer = await storage.idempotency.putIfAbsent({ key, fingerprint: 'sha256:b', result: 'second', createdAt: at(1) });
        assert.deepEqual(answer, first);
        assert.deepEqual(await storage.idempotency.get(key), first);
      });

      test('concurrent idempotency.putIfAbsent calls with one key all return the single stored record', async ({ storage }) => {
        const key = uid('idem');
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) => storage.idempotency.putIfAbsent({ key, fingerprint: `f${i}`, result: i, createdAt: at(i) })),
        );
        const stored = await storage.idempotency.get(key);
        assert.ok(stored);
        for (const answer of answers) assert.deepEqual(answer, stored);
      });

      test('commit stores idempotency records with the change', async ({ storage, inspect }) => {
        const order = newOrder();
        const record = { key: uid('idem'), fingerprint: 'f', result: { orderId: order.id }, createdAt: at(0) };
        await storage.commit({ orders: [create(order)], idempotency: [record] });
        assert.equal(await inspect.hasIdempotencyKey(record.key), true);
        assert.deepEqual(await storage.idempotency.get(record.key), record);
      });

      test('commit rejects an existing idempotency key with DUPLICATE_KEY and writes nothing', async ({ storage, inspect }) => {
        const key = uid('idem');
        await storage.idempotency.putIfAbsent({ key, fingerprint: 'f', result: null, createdAt: at(0) });
        const order = newOrder();
        await rejectsWithCode(
          storage.commit({ orders: [create(order)], outbox: [message(order.id)], idempotency: [{ key, fingerprint: 'g', result: 1, createdAt: at(1) }] }),
          'DUPLICATE_KEY',
          'existing idempotency key',
        );
        assert.equal(await inspect.readOrderVersion(order.id), null);
        assert.equal(await inspect.countOutbox(), 0);
        assert.equal((await storage.idempotency.get(key))?.fingerprint, 'f');
      });
    });

    describe('inventory', () => {
      test('inventory.getStockLevels reads several SKUs across warehouses in one call, sorted, never-set levels absent', async ({ storage }) => {
        const [w1, w2, w3] = [uid('wh-a'), uid('wh-b'), uid('wh-c')].sort();
        const [a, b, c] = [uid('sku-a'), uid('sku-b'), uid('sku-c')].sort();
        await storage.inventory.setStock(w2 as string, a as string, 5, at(0));
        await storage.inventory.setStock(w1 as string, a as string, 3, at(0));
        await storage.inventory.setStock(w3 as string, b as string, 7, at(0));
        await storage.inventory.setStock(w1 as string, c as string, 9, at(0));
        await storage.inventory.reserve([reservation({ warehouseId: w1 as string, sku: a as string, quantity: 2 })], at(1));
        const levels = await storage.inventory.getStockLevels({ skus: [b as string, a as string, a as string, uid('never')] });
        assert.deepEqual(
          levels.map((l) => [l.sku, l.warehouseId, l.onHand, l.reserved, l.available]),
          [
            [a, w1, 3, 2, 1],
            [a, w2, 5, 0, 5],
            [b, w3, 7, 0, 7],
          ],
        );
        assert.deepEqual((await storage.inventory.getStockLevels({ skus: [a as string, b as string], warehouseIds: [w2 as string, w3 as string] })).map((l) => [l.sku, l.warehouseId]), [
          [a, w2],
          [b, w3],
        ]);
        assert.deepEqual(await storage.inventory.getStockLevels({ skus: [] }), []);
        const many = await storage.inventory.getStockLevels({ skus: [...Array.from({ length: 2_000 }, (_, i) => `${c}-${i}`), c as string] });
        assert.deepEqual(many.map((l) => l.sku), [c], 'a long SKU list is one read, whatever the driver\'s parameter limit');
        await rejectsWithCode(storage.inventory.getStockLevels({ skus: 'SKU-1' } as never), 'VALIDATION_FAILED', 'skus not an array');
      });

      test('useCapacity counts orders and units per warehouse and day, refuses a day over its limit with CAPACITY_EXCEEDED, and releaseCapacity gives back', async ({ storage }) => {
        const [w1, w2] = [uid('cap-a'), uid('cap-b')].sort() as [string, string];
        const use = (warehouseId: string, date: string, orders: number, units: number, limit?: { orders?: number; units?: number }) =>
          storage.commit({ inventory: [{ type: 'useCapacity', warehouseId, date, orders, units, ...(limit === undefined ? {} : { limit }) }], at: at(0) });
        await use(w1, '2026-11-30', 1, 3, { orders: 2, units: 5 });
        await use(w1, '2026-11-30', 1, 2, { orders: 2, units: 5 });
        await use(w2, '2026-11-30', 1, 1);
        await use(w1, '2026-12-01', 1, 1);
        assert.deepEqual(await storage.inventory.getCapacityUsage({ dates: ['2026-11-30'], warehouseIds: [w1, w2] }), [
          { warehouseId: w1, date: '2026-11-30', orders: 2, units: 5 },
          { warehouseId: w2, date: '2026-11-30', orders: 1, units: 1 },
        ]);
        const over = await storage.commit({ inventory: [{ type: 'useCapacity', warehouseId: w1, date: '2026-11-30', orders: 1, units: 1, limit: { orders: 2 } }], at: at(1) }).then(
          () => null,
          (error: unknown) => error,
        );
        assert.equal((over as { code?: string }).code, 'CAPACITY_EXCEEDED');
        assert.deepEqual((over as { details?: Record<string, unknown> }).details?.['unit'], 'orders');
        assert.deepEqual((over as { details?: Record<string, unknown> }).details?.['part'], { store: 'inventory', index: 0, type: 'useCapacity' });
        await storage.commit({ inventory: [{ type: 'releaseCapacity', warehouseId: w1, date: '2026-11-30', orders: 1, units: 9 }], at: at(2) });
        assert.deepEqual(await storage.inventory.getCapacityUsage({ dates: ['2026-11-30', '2026-12-01'], warehouseIds: [w1] }), [
          { warehouseId: w1, date: '2026-11-30', orders: 1, units: 0 },
          { warehouseId: w1, date: '2026-12-01', orders: 1, units: 1 },
        ]);
        await rejectsWithCode(storage.inventory.getCapacityUsage({ dates: ['30/11/2026'] }), 'VALIDATION_FAILED', 'a date that is not YYYY-MM-DD');
        await rejectsWithCode(storage.commit({ inventory: [{ type: 'useCapacity', warehouseId: w1, date: 'today', orders: -1, units: 0 }], at: at(3) } as never), 'VALIDATION_FAILED', 'bad capacity change');
      });

      test('concurrent useCapacity never goes over the limit: 30 units of 1 order against a limit of 10, exactly 10 succeed', async ({ storage }) => {
        const wh = uid('cap');
        const results = await Promise.allSettled(
          Array.from({ length: 30 }, () => storage.commit({ inventory: [{ type: 'useCapacity', warehouseId: wh, date: '2026-11-30', orders: 1, units: 1, limit: { orders: 10 } }], at: at(0) })),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
        for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'CAPACITY_EXCEEDED');
        assert.deepEqual(await storage.inventory.getCapacityUsage({ dates: ['2026-11-30'], warehouseIds: [wh] }), [{ warehouseId: wh, date: '2026-11-30', orders: 10, units: 10 }]);
      });

      test('inventory.getStock returns null for stock never set', async ({ storage }) => {
        assert.equal(await storage.inventory.getStock(uid('wh'), 'SKU-1'), null);
      });

      test('inventory.setStock sets on-hand units and keeps reserved units reserved', async ({ storage, inspect }) => {
        const wh = uid('wh');
        const level = await storage.inventory.setStock(wh, 'SKU-1', 10, at(0));
        assert.deepEqual(level, { warehouseId: wh, sku: 'SKU-1', onHand: 10, reserved: 0, available: 10, updatedAt: at(0) });
        await storage.inventory.reserve([reservation({ warehouseId: wh, sku: 'SKU-1', quantity: 4 })], at(1));
        const recount = await storage.inventory.setStock(wh, 'SKU-1', 7, at(2));
        assert.deepEqual(recount, { warehouseId: wh, sku: 'SKU-1', onHand: 7, reserved: 4, available: 3, updatedAt: at(2) });
        assert.deepEqual(await inspect.readStock(wh, 'SKU-1'), { onHand: 7, reserved: 4 });
        assert.deepEqual(await storage.inventory.getStock(wh, 'SKU-1'), recount);
      });

      test('available never goes below zero when a recount drops under the reserved units', async ({ storage }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'SKU-1', 5, at(0));
        await storage.inventory.reserve([reservation({ warehouseId: wh, sku: 'SKU-1', quantity: 5 })], at(1));
        const level = await storage.inventory.setStock(wh, 'SKU-1', 2, at(2));
        assert.equal(level.available, 0);
        const more = await storage.inventory.reserve([reservation({ warehouseId: wh, sku: 'SKU-1', quantity: 1 })], at(3));
        assert.equal(more.ok, false);
      });

      test('inventory.reserve holds units for every request and returns active reservations', async ({ storage, inspect }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'A', 5, at(0));
        await storage.inventory.setStock(wh, 'B', 5, at(0));
        const requests = [reservation({ warehouseId: wh, sku: 'A', quantity: 2 }), reservation({ warehouseId: wh, sku: 'B', quantity: 5 })];
        const result = await storage.inventory.reserve(requests, at(1));
        assert.ok(result.ok);
        assert.deepEqual(
          result.value.map((r) => [r.reservationId, r.status, r.quantity, r.createdAt]),
          requests.map((r) => [r.reservationId, 'active', r.quantity, at(1)]),
        );
        assert.deepEqual(await inspect.readStock(wh, 'A'), { onHand: 5, reserved: 2 });
        assert.deepEqual(await inspect.readStock(wh, 'B'), { onHand: 5, reserved: 5 });
        assert.equal((await storage.inventory.getStock(wh, 'B'))?.available, 0);
      });

      test('inventory.reserve is all-or-nothing and names the first request it cannot meet', async ({ storage, inspect }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'A', 5, at(0));
        await storage.inventory.setStock(wh, 'B', 1, at(0));
        const a = reservation({ warehouseId: wh, sku: 'A', quantity: 3 });
        const result = await storage.inventory.reserve([a, reservation({ warehouseId: wh, sku: 'B', quantity: 2, orderId: a.orderId })], at(1));
        assert.ok(!result.ok);
        assert.equal(result.error.code, 'INSUFFICIENT_STOCK');
        const { part: _part, ...line } = result.error.details;
        assert.deepEqual(line, { reservationId: result.error.details['reservationId'], orderId: a.orderId, lineId: 'L1', warehouseId: wh, sku: 'B', requested: 2, available: 1 });
        assert.notEqual(result.error.details['reservationId'], a.reservationId, 'the line named is the one that could not be met');
        assert.deepEqual(await inspect.readStock(wh, 'A'), { onHand: 5, reserved: 0 });
        assert.deepEqual(await inspect.readStock(wh, 'B'), { onHand: 1, reserved: 0 });
        assert.deepEqual(await storage.inventory.listReservations(a.orderId), []);
      });

      test('inventory.reserve adds up requests for the same SKU within one call', async ({ storage, inspect }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'A', 5, at(0));
        const result = await storage.inventory.reserve(
          [reservation({ warehouseId: wh, sku: 'A', quantity: 3 }), reservation({ warehouseId: wh, sku: 'A', quantity: 3 })],
          at(1),
        );
        assert.equal(result.ok, false);
        assert.deepEqual(await inspect.readStock(wh, 'A'), { onHand: 5, reserved: 0 });
      });

      test('inventory.reserve against stock never set fails with INSUFFICIENT_STOCK and available 0', async ({ storage }) => {
        const wh = uid('wh');
        const result = await storage.inventory.reserve([reservation({ warehouseId: wh, sku: 'NONE', quantity: 1 })], at(0));
        assert.ok(!result.ok);
        assert.equal(result.error.code, 'INSUFFICIENT_STOCK');
        assert.deepEqual([result.error.details['warehouseId'], result.error.details['sku'], result.error.details['requested'], result.error.details['available']], [wh, 'NONE', 1, 0]);
      });

      test('inventory.reserve is idempotent by reservationId', async ({ storage, inspect }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'A', 5, at(0));
        const request = reservation({ warehouseId: wh, sku: 'A', quantity: 2 });
        const first = await storage.inventory.reserve([request], at(1));
        const again = await storage.inventory.reserve([request], at(2));
        assert.ok(first.ok && again.ok);
        assert.deepEqual(again.value, first.value, 'the existing reservation, unchanged');
        assert.deepEqual(await inspect.readStock(wh, 'A'), { onHand: 5, reserved: 2 });
        assert.equal((await storage.inventory.listReservations(request.orderId)).length, 1);
      });

      test('inventory.release frees an active reservation once; false for unknown or settled ones', async ({ storage, inspect }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'A', 5, at(0));
        const request = reservation({ warehouseId: wh, sku: 'A', quantity: 2 });
        await storage.inventory.reserve([request], at(1));
        assert.equal(await storage.inventory.release(request.reservationId, at(2)), true);
        assert.deepEqual(await inspect.readStock(wh, 'A'), { onHand: 5, reserved: 0 });
        assert.equal(await storage.inventory.release(request.reservationId, at(3)), false);
        assert.equal(await storage.inventory.release(uid('missing'), at(3)), false);
        const [stored] = await storage.inventory.listReservations(request.orderId);
        assert.equal(stored?.status, 'released');
        assert.equal(stored?.updatedAt, at(2));
        assert.equal(await storage.inventory.commitReservation(request.reservationId, at(4)), false, 'a released reservation cannot ship');
      });

      test('inventory.commitReservation takes shipped units off on-hand and reserved', async ({ storage, inspect }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'A', 5, at(0));
        const request = reservation({ warehouseId: wh, sku: 'A', quantity: 2 });
        await storage.inventory.reserve([request], at(1));
        assert.equal(await storage.inventory.commitReservation(request.reservationId, at(2)), true);
        assert.deepEqual(await inspect.readStock(wh, 'A'), { onHand: 3, reserved: 0 });
        assert.equal((await storage.inventory.getStock(wh, 'A'))?.available, 3);
        assert.equal(await storage.inventory.commitReservation(request.reservationId, at(3)), false);
        assert.equal(await storage.inventory.release(request.reservationId, at(3)), false, 'a committed reservation cannot be released');
        assert.equal((await storage.inventory.listReservations(request.orderId))[0]?.status, 'committed');
        assert.equal(await storage.inventory.commitReservation(uid('missing'), at(3)), false);
      });

      test('inventory.expireReservations releases active reservations whose expiresAt <= now, up to limit', async ({ storage, inspect }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'A', 10, at(0));
        const orderId = uid('ord');
        const early = reservation({ warehouseId: wh, sku: 'A', quantity: 1, orderId, expiresAt: at(10) });
        const exact = reservation({ warehouseId: wh, sku: 'A', quantity: 2, orderId, expiresAt: at(20) });
        const later = reservation({ warehouseId: wh, sku: 'A', quantity: 3, orderId, expiresAt: at(30) });
        const forever = reservation({ warehouseId: wh, sku: 'A', quantity: 4, orderId });
        await storage.inventory.reserve([early, exact, later, forever], at(1));
        assert.equal(await storage.inventory.expireReservations(at(20), 1), 1, 'limit respected');
        assert.equal(await storage.inventory.expireReservations(at(20)), 1, 'expiresAt equal to now is due');
        assert.equal(await storage.inventory.expireReservations(at(20)), 0);
        assert.deepEqual(await inspect.readStock(wh, 'A'), { onHand: 10, reserved: 7 });
        assert.deepEqual(
          (await storage.inventory.listReservations(orderId)).map((r) => r.status),
          ['expired', 'expired', 'active', 'active'],
        );
      });

      test('inventory.listReservations returns one order\'s reservations in creation order', async ({ storage }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'A', 10, at(0));
        const orderId = uid('ord');
        const first = reservation({ warehouseId: wh, sku: 'A', quantity: 1, orderId });
        const second = reservation({ warehouseId: wh, sku: 'A', quantity: 1, orderId });
        await storage.inventory.reserve([first], at(1));
        await storage.inventory.reserve([reservation({ warehouseId: wh, sku: 'A', quantity: 1 })], at(2));
        await storage.inventory.reserve([second], at(3));
        assert.deepEqual((await storage.inventory.listReservations(orderId)).map((r) => r.reservationId), [first.reservationId, second.reservationId]);
        assert.deepEqual(await storage.inventory.listReservations(uid('ord')), []);
      });

      test('concurrent reserves never oversell: 50 reserves of 1 unit against 20 units, exactly 20 succeed', async ({ storage, inspect }) => {
        const wh = uid('wh');
        await storage.inventory.setStock(wh, 'HOT', 20, at(0));
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => storage.inventory.reserve([reservation({ warehouseId: wh, sku: 'HOT', quantity: 1 })], at(i))),
        );
        assert.equal(results.filter((r) => r.ok).length, 20);
        assert.deepEqual(await inspect.readStock(wh, 'HOT'), { onHand: 20, reserved: 20 });
        assert.equal((await storage.inventory.getStock(wh, 'HOT'))?.available, 0);
      });
    });

    describe('tasks', () => {
      test('tasks.get returns null for a missing id', async ({ storage }) => {
        assert.equal(await storage.tasks.get(uid('task')), null);
      });

      test('tasks.enqueue adds a pending task with no attempts', async ({ storage }) => {
        const input = task(uid('queue'), { dueAt: at(5) });
        const id = uid('task');
        const { task: stored, created } = await storage.tasks.enqueue(input, id, at(0));
        assert.equal(created, true);
        assert.deepEqual(stored, { ...input, id, status: 'pending', attempts: 0, history: [], createdAt: at(0), updatedAt: at(0) });
        assert.deepEqual(await storage.tasks.get(id), stored);
      });

      test('tasks.enqueue returns the unfinished task with the same (queue, key) instead of adding one', async ({ storage }) => {
        const queue = uid('queue');
        const first = await storage.tasks.enqueue(task(queue, { key: 'order-1' }), uid('task'), at(0));
        const again = await storage.tasks.enqueue({ ...task(queue, { key: 'order-1' }), payload: 'other' }, uid('task'), at(1));
        assert.equal(again.created, false);
        assert.deepEqual(again.task, first.task);
        await storage.tasks.claim({ queue, owner: 'w', now: at(2), leaseUntil: at(5), limit: 1 });
        const whileLeased = await storage.tasks.enqueue(task(queue, { key: 'order-1' }), uid('task'), at(3));
        assert.equal(whileLeased.created, false, 'a leased task is unfinished too');
        assert.equal((await storage.tasks.list({ queue })).length, 1);
      });

      test('tasks.enqueue adds a new task once the previous one with the key finished', async ({ storage }) => {
        const queue = uid('queue');
        const first = await storage.tasks.enqueue(task(queue, { key: 'order-1' }), uid('task'), at(0));
        await storage.tasks.claim({ queue, owner: 'w', now: at(1), leaseUntil: at(5), limit: 1 });
        await storage.tasks.complete(first.task.id, 'w', at(2));
        const second = await storage.tasks.enqueue(task(queue, { key: 'order-1' }), uid('task'), at(3));
        assert.equal(second.created, true);
        assert.notEqual(second.task.id, first.task.id);
      });

      test('the same key in two queues makes two tasks', async ({ storage }) => {
        const a = await storage.tasks.enqueue(task(uid('queue'), { key: 'k' }), uid('task'), at(0));
        const b = await storage.tasks.enqueue(task(uid('queue'), { key: 'k' }), uid('task'), at(0));
        assert.equal(a.created && b.created, true);
      });

      test('tasks.claim never returns a task before it is due (by the caller\'s instant)', async ({ storage }) => {
        const queue = uid('queue');
        const clock = createManualClock(at(0));
        const { task: t } = await storage.tasks.enqueue(task(queue, { dueAt: at(15) }), uid('task'), clock.now());
        clock.advance({ minutes: 14, seconds: 59, milliseconds: 999 });
        assert.deepEqual(await storage.tasks.claim({ queue, owner: 'w', now: clock.now(), leaseUntil: at(20), limit: 10 }), []);
        clock.advance(1);
        const claimed = await storage.tasks.claim({ queue, owner: 'w', now: clock.now(), leaseUntil: at(20), limit: 10 });
        assert.deepEqual(claimed.map((x) => x.id), [t.id], 'due at exactly dueAt');
      });

      test('tasks.claim leases due tasks of its queue only, earliest due first, up to limit', async ({ storage }) => {
        const queue = uid('queue');
        const late = await storage.tasks.enqueue(task(queue, { dueAt: at(3) }), uid('task'), at(0));
        const early = await storage.tasks.enqueue(task(queue, { dueAt: at(1) }), uid('task'), at(0));
        const middle = await storage.tasks.enqueue(task(queue, { dueAt: at(2) }), uid('task'), at(0));
        await storage.tasks.enqueue(task(uid('queue'), { dueAt: at(0) }), uid('task'), at(0));
        const claimed = await storage.tasks.claim({ queue, owner: 'w', now: at(10), leaseUntil: at(15), limit: 2 });
        assert.deepEqual(claimed.map((t) => t.id), [early.task.id, middle.task.id]);
        for (const t of claimed) {
          assert.equal(t.status, 'leased');
          assert.equal(t.leaseOwner, 'w');
          assert.equal(t.leaseUntil, at(15));
          assert.equal(t.attempts, 1);
        }
        const rest = await storage.tasks.claim({ queue, owner: 'v', now: at(10), leaseUntil: at(15), limit: 10 });
        assert.deepEqual(rest.map((t) => t.id), [late.task.id]);
      });

      test('tasks.claim takes over a task only after its lease expired; the old owner then cannot settle it', async ({ storage }) => {
        const queue = uid('queue');
        const { task: t } = await storage.tasks.enqueue(task(queue), uid('task'), at(0));
        await storage.tasks.claim({ queue, owner: 'worker-a', now: at(0), leaseUntil: at(5), limit: 1 });
        assert.deepEqual(await storage.tasks.claim({ queue, owner: 'worker-b', now: at(4), leaseUntil: at(9), limit: 1 }), []);
        const taken = await storage.tasks.claim({ queue, owner: 'worker-b', now: at(6), leaseUntil: at(11), limit: 1 });
        assert.deepEqual(taken.map((x) => [x.id, x.leaseOwner, x.attempts]), [[t.id, 'worker-b', 2]]);
        assert.equal(await storage.tasks.complete(t.id, 'worker-a', at(7)), false);
        assert.equal(await storage.tasks.fail(t.id, 'worker-a', { error: 'x', nextDueAt: at(8), at: at(7) }), false);
        assert.equal(await storage.tasks.deadLetter(t.id, 'worker-a', { error: 'x', at: at(7) }), false);
        assert.equal((await storage.tasks.get(t.id))?.leaseOwner, 'worker-b');
      });

      test('tasks.complete finishes a task leased by the owner; it is never claimed again', async ({ storage }) => {
        const queue = uid('queue');
        const { task: t } = await storage.tasks.enqueue(task(queue), uid('task'), at(0));
        assert.equal(await storage.tasks.complete(t.id, 'w', at(1)), false, 'not leased yet');
        await storage.tasks.claim({ queue, owner: 'w', now: at(1), leaseUntil: at(5), limit: 1 });
        assert.equal(await storage.tasks.complete(t.id, 'w', at(2)), true);
        assert.equal(await storage.tasks.complete(t.id, 'w', at(3)), false, 'twice');
        const done = await storage.tasks.get(t.id);
        assert.equal(done?.status, 'completed');
        assert.equal(done?.updatedAt, at(2));
        assert.deepEqual(await storage.tasks.claim({ queue, owner: 'w', now: at(100), leaseUntil: at(105), limit: 10 }), []);
        assert.equal(await storage.tasks.complete(uid('missing'), 'w', at(3)), false);
      });

      test('tasks.fail reschedules at nextDueAt, keeps the first failure time and records the error', async ({ storage }) => {
        const queue = uid('queue');
        const { task: t } = await storage.tasks.enqueue(task(queue), uid('task'), at(0));
        await storage.tasks.claim({ queue, owner: 'w', now: at(0), leaseUntil: at(5), limit: 1 });
        assert.equal(await storage.tasks.fail(t.id, 'w', { error: 'WMS timeout', nextDueAt: at(15), at: at(1) }), true);
        let stored = await storage.tasks.get(t.id);
        assert.equal(stored?.status, 'pending');
        assert.equal(stored?.dueAt, at(15));
        assert.equal(stored?.lastError, 'WMS timeout');
        assert.equal(stored?.firstFailedAt, at(1));
        assert.equal(stored?.leaseOwner, undefined);
        assert.deepEqual(await storage.tasks.claim({ queue, owner: 'w', now: at(14), leaseUntil: at(20), limit: 1 }), []);
        await storage.tasks.claim({ queue, owner: 'w', now: at(15), leaseUntil: at(20), limit: 1 });
        await storage.tasks.fail(t.id, 'w', { error: 'WMS 500', nextDueAt: at(30), at: at(16) });
        stored = await storage.tasks.get(t.id);
        assert.equal(stored?.firstFailedAt, at(1), 'retry windows count from the first failure');
        assert.equal(stored?.lastError, 'WMS 500');
        assert.equal(stored?.attempts, 2);
        assert.deepEqual(stored?.history, [{ at: at(1), error: 'WMS timeout' }, { at: at(16), error: 'WMS 500' }]);
      });

      test('a task queued after a failure keeps that failure; fail and deadLetter append with their codes', async ({ storage }) => {
        const queue = uid('queue');
        const first = { at: at(0), error: 'push timed out', code: 'TIMEOUT' };
        const { task: t } = await storage.tasks.enqueue(task(queue, { dueAt: at(15), firstFailedAt: at(0), history: [first] }), uid('task'), at(0));
        assert.equal(t.firstFailedAt, at(0));
        assert.deepEqual(t.history, [first]);
        await storage.tasks.claim({ queue, owner: 'w', now: at(15), leaseUntil: at(20), limit: 1 });
        assert.equal(await storage.tasks.fail(t.id, 'w', { error: 'HTTP 503', code: 'TRANSPORT_FAILURE', nextDueAt: at(30), at: at(15) }), true);
        await storage.tasks.claim({ queue, owner: 'w', now: at(30), leaseUntil: at(35), limit: 1 });
        assert.equal(await storage.tasks.deadLetter(t.id, 'w', { error: 'schema rejected', at: at(30) }), true);
        const stored = await storage.tasks.get(t.id);
        assert.equal(stored?.firstFailedAt, at(0), 'the window counts from the failure before queueing');
        assert.deepEqual(stored?.history, [first, { at: at(15), error: 'HTTP 503', code: 'TRANSPORT_FAILURE' }, { at: at(30), error: 'schema rejected' }]);
        assert.deepEqual((await storage.tasks.list({ queue, status: 'dead' }))[0]?.history, stored?.history);
      });

      test('tasks.deadLetter gives up on a task leased by the owner', async ({ storage }) => {
        const queue = uid('queue');
        const { task: t } = await storage.tasks.enqueue(task(queue), uid('task'), at(0));
        await storage.tasks.claim({ queue, owner: 'w', now: at(0), leaseUntil: at(5), limit: 1 });
        assert.equal(await storage.tasks.deadLetter(t.id, 'other', { error: 'x', at: at(1) }), false);
        assert.equal(await storage.tasks.deadLetter(t.id, 'w', { error: 'gave up after 72 h', at: at(1) }), true);
        const stored = await storage.tasks.get(t.id);
        assert.equal(stored?.status, 'dead');
        assert.equal(stored?.lastError, 'gave up after 72 h');
        assert.deepEqual(await storage.tasks.claim({ queue, owner: 'w', now: at(100), leaseUntil: at(105), limit: 10 }), []);
        const replacement = await storage.tasks.enqueue(task(queue, { key: t.key }), uid('task'), at(2));
        assert.equal(replacement.created, true, 'a dead task is finished');
      });

      test('tasks.list filters by queue and status, earliest due first, up to limit', async ({ storage }) => {
        const queue = uid('queue');
        const b = await storage.tasks.enqueue(task(queue, { dueAt: at(2) }), uid('task'), at(0));
        const a = await storage.tasks.enqueue(task(queue, { dueAt: at(1) }), uid('task'), at(0));
        const c = await storage.tasks.enqueue(task(queue, { dueAt: at(3) }), uid('task'), at(0));
        const elsewhere = await storage.tasks.enqueue(task(uid('queue'), { dueAt: at(0) }), uid('task'), at(0));
        await storage.tasks.claim({ queue, owner: 'w', now: at(1), leaseUntil: at(5), limit: 1 });
        assert.deepEqual((await storage.tasks.list({ queue })).map((t) => t.id), [a.task.id, b.task.id, c.task.id]);
        assert.deepEqual((await storage.tasks.list({ queue, status: 'pending' })).map((t) => t.id), [b.task.id, c.task.id]);
        assert.deepEqual((await storage.tasks.list({ queue, status: 'leased' })).map((t) => t.id), [a.task.id]);
        assert.deepEqual((await storage.tasks.list({ queue, limit: 1 })).map((t) => t.id), [a.task.id]);
        assert.ok((await storage.tasks.list({})).some((t) => t.id === elsewhere.task.id));
      });

      test('concurrent claims never lease one task to two owners', async ({ storage }) => {
        const queue = uid('queue');
        for (let i = 0; i < 10; i += 1) await storage.tasks.enqueue(task(queue), uid('task'), at(0));
        const batches = await Promise.all(
          Array.from({ length: 5 }, (_, i) => storage.tasks.claim({ queue, owner: `w${i}`, now: at(1), leaseUntil: at(5), limit: 3 })),
        );
        const ids = batches.flat().map((t) => t.id);
        assert.equal(ids.length, 10);
        assert.equal(new Set(ids).size, 10);
      });
    });

    describe('quarantine', () => {
      const issues = [{ code: 'invalid_type', path: ['lines', 0, 'quantity'], message: 'Expected number' }];

      test('quarantine.get returns null for a missing id', async ({ storage }) => {
        assert.equal(await storage.quarantine.get(uid('q')), null);
      });

      test('quarantine.put keeps the payload exactly as received, open, with its issues', async ({ storage }) => {
        const input = { id: uid('q'), source: uid('intake'), payload: { raw: '{"qty":"two"}', n: [1, null] }, issues, receivedAt: at(0) };
        const record = await storage.quarantine.put(input);
        assert.deepEqual(record, { ...input, status: 'open', updatedAt: at(0), revisions: 0 });
        assert.deepEqual(await storage.quarantine.get(input.id), record);
      });

      test('quarantine.put with an existing id keeps the first record', async ({ storage }) => {
        const id = uid('q');
        const first = await storage.quarantine.put({ id, source: 's', payload: 'first', issues, receivedAt: at(0) });
        const again = await storage.quarantine.put({ id, source: 's', payload: 'second', issues: [], receivedAt: at(1) });
        assert.deepEqual(again, first);
        assert.equal((await storage.quarantine.get(id))?.payload, 'first');
      });

      test('quarantine.list filters by source and status, oldest first, up to limit', async ({ storage }) => {
        const source = uid('intake');
        const b = await storage.quarantine.put({ id: uid('q'), source, payload: 2, issues, receivedAt: at(2) });
        const a = await storage.quarantine.put({ id: uid('q'), source, payload: 1, issues, receivedAt: at(1) });
        const c = await storage.quarantine.put({ id: uid('q'), source, payload: 3, issues, receivedAt: at(3) });
        await storage.quarantine.put({ id: uid('q'), source: uid('intake'), payload: 0, issues, receivedAt: at(0) });
        await storage.quarantine.discard(b.id, at(4));
        assert.deepEqual((await storage.quarantine.list({ source })).map((r) => r.id), [a.id, b.id, c.id]);
        assert.deepEqual((await storage.quarantine.list({ source, status: 'open' })).map((r) => r.id), [a.id, c.id]);
        assert.deepEqual((await storage.quarantine.list({ source, status: 'discarded' })).map((r) => r.id), [b.id]);
        assert.deepEqual((await storage.quarantine.list({ source, limit: 1 })).map((r) => r.id), [a.id]);
        assert.ok((await storage.quarantine.list()).length >= 4);
      });

      test('quarantine.fix replaces payload and issues and counts a revision; null for a missing id', async ({ storage }) => {
        const id = uid('q');
        await storage.quarantine.put({ id, source: 's', payload: { qty: 'two' }, issues, receivedAt: at(0) });
        const fixed = await storage.quarantine.fix(id, { qty: 2 }, [], at(1));
        assert.deepEqual(fixed, { id, source: 's', payload: { qty: 2 }, issues: [], receivedAt: at(0), status: 'open', updatedAt: at(1), revisions: 1 });
        assert.deepEqual(await storage.quarantine.get(id), fixed);
        assert.equal((await storage.quarantine.fix(id, { qty: 3 }, issues, at(2)))?.revisions, 2);
        assert.equal(await storage.quarantine.fix(uid('q'), 1, [], at(1)), null);
      });

      test('quarantine.markReplayed closes an open record once', async ({ storage }) => {
        const id = uid('q');
        await storage.quarantine.put({ id, source: 's', payload: 1, issues, receivedAt: at(0) });
        assert.equal(await storage.quarantine.markReplayed(id, at(1)), true);
        assert.equal(await storage.quarantine.markReplayed(id, at(2)), false);
        assert.equal(await storage.quarantine.markReplayed(uid('q'), at(2)), false);
        const stored = await storage.quarantine.get(id);
        assert.equal(stored?.status, 'replayed');
        assert.equal(stored?.updatedAt, at(1));
        assert.equal(await storage.quarantine.fix(id, 2, [], at(3)), null, 'a replayed record is closed');
      });

      test('quarantine.discard keeps the record for audit and closes it', async ({ storage }) => {
        const id = uid('q');
        await storage.quarantine.put({ id, source: 's', payload: 1, issues, receivedAt: at(0) });
        assert.equal(await storage.quarantine.discard(id, at(1)), true);
        assert.equal(await storage.quarantine.discard(id, at(2)), false);
        assert.equal(await storage.quarantine.discard(uid('q'), at(2)), false);
        assert.equal(await storage.quarantine.markReplayed(id, at(2)), false);
        const stored = await storage.quarantine.get(id);
        assert.equal(stored?.status, 'discarded');
        assert.equal(stored?.payload, 1);
      });
    });

    describe('settings', () => {
      test('settings.get returns null for a missing key', async ({ storage }) => {
        assert.equal(await storage.settings.get(uid('setting')), null);
      });

      test('settings.put creates a setting at version 1 and each write adds one, keeping the JSON value as given', async ({ storage, inspect }) => {
        const key = uid('ops:kill-switch');
        const first = await storage.settings.put(key, { engaged: true, reason: 'peak', by: ['ops'] }, { expectedVersion: null, by: 'alice', at: at(1) });
        assert.deepEqual(first, { key, value: { engaged: true, reason: 'peak', by: ['ops'] }, version: 1, updatedAt: at(1), updatedBy: 'alice' });
        assert.deepEqual(await storage.settings.get(key), first);
        const second = await storage.settings.put(key, null, { expectedVersion: 1, by: 'bob', at: at(2) });
        assert.deepEqual(second, { key, value: null, version: 2, updatedAt: at(2), updatedBy: 'bob' });
        assert.equal(await inspect.readSettingVersion?.(key) ?? (await storage.settings.get(key))?.version, 2);
      });

      test('settings.put with a stale or missing expected version fails with CONCURRENCY_CONFLICT and both versions, writing nothing', async ({ storage }) => {
        const key = uid('setting');
        await storage.settings.put(key, 'a', { expectedVersion: null, by: 'ops', at: at(1) });
        const stale = await rejectsWithCode(storage.settings.put(key, 'b', { expectedVersion: null, by: 'ops', at: at(2) }), 'CONCURRENCY_CONFLICT', 'put over an existing key');
        assert.equal((stale as { details: Record<string, unknown> }).details['actualVersion'], 1);
        await rejectsWithCode(storage.settings.put(key, 'b', { expectedVersion: 3, by: 'ops', at: at(2) }), 'CONCURRENCY_CONFLICT', 'put with a wrong version');
        const missing = await rejectsWithCode(storage.settings.put(uid('setting'), 'b', { expectedVersion: 1, by: 'ops', at: at(2) }), 'CONCURRENCY_CONFLICT', 'put to a missing key');
        assert.equal((missing as { details: Record<string, unknown> }).details['actualVersion'], null);
        assert.equal((await storage.settings.get(key))?.value, 'a');
      });

      test('two writers holding the same version: exactly one wins', async ({ storage }) => {
        const key = uid('setting');
        await storage.settings.put(key, 0, { expectedVersion: null, by: 'ops', at: at(1) });
        const results = await Promise.allSettled([1, 2, 3].map((n) => storage.settings.put(key, n, { expectedVersion: 1, by: `w${n}`, at: at(2) })));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        assert.equal((await storage.settings.get(key))?.version, 2);
      });

      test('settings.list gives the settings under a prefix in key order', async ({ storage }) => {
        const prefix = `${uid('job')}:`;
        for (const name of ['b', 'a', 'c']) await storage.settings.put(`${prefix}${name}`, name, { expectedVersion: null, by: 'ops', at: at(1) });
        await storage.settings.put(`${prefix.slice(0, -1)}x`, 'outside', { expectedVersion: null, by: 'ops', at: at(1) });
        assert.deepEqual((await storage.settings.list({ prefix })).map((setting) => setting.value), ['a', 'b', 'c']);
        assert.ok((await storage.settings.list()).length >= 4);
      });

      test('a malformed put is a ValidationError with the path of what was wrong', async ({ storage }) => {
        const error = await rejectsWithCode(storage.settings.put('', undefined as never, { expectedVersion: 0, by: '', at: 'now' as Instant }), 'VALIDATION_FAILED', 'malformed put');
        const paths = (error as { issues: { path: unknown[] }[] }).issues.map((issue) => issue.path.join('.')).sort();
        assert.deepEqual(paths, ['at', 'by', 'expectedVersion', 'key', 'value']);
        await rejectsWithCode(storage.settings.put('k', 1, undefined as never), 'VALIDATION_FAILED', 'put without options');
      });
    });
  });
}
