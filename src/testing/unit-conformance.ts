// The unit-of-work part of the storage conformance suite: a unit spanning every store commits
// whole, and a unit whose any part fails leaves every other part unwritten, checked in the database.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createFixedClock } from '../clock/clock.js';
import type { Instant } from '../clock/instant.js';
import { isOrdoError } from '../errors/ordo-error.js';
import type { UnitStore } from '../errors/unit-error.js';
import { createOrder } from '../orders/create-order.js';
import type { Order } from '../orders/order.js';
import type { CustomerChange, GoldenProfile, MergeAuditRecord } from '../ports/customer-store-port.js';
import type { Customer } from '../model/customer.js';
import type { StoragePort, UnitOfWork } from '../ports/storage-port.js';
import type { CustomerStoreBackdoor } from './customer-store-conformance.js';

/** What the unit tests read behind the adapter's back, beyond the orders, outbox and stock readers. */
export interface UnitBackdoor {
  readOrderVersion(id: string): Promise<number | null>;
  countOutbox(): Promise<number>;
  hasIdempotencyKey(key: string): Promise<boolean>;
  readStock(warehouseId: string, sku: string): Promise<{ readonly onHand: number; readonly reserved: number } | null>;
  /** A reservation's status, or null when there is none. */
  readReservationStatus(reservationId: string): Promise<string | null>;
  /** A task's status and lease owner, or null when there is none. */
  readTask(id: string): Promise<{ readonly status: string; readonly leaseOwner: string | null } | null>;
  /** A quarantine record's status, or null when there is none. */
  readQuarantineStatus(id: string): Promise<string | null>;
  /** A setting's version, or null when there is none. */
  readSettingVersion(key: string): Promise<number | null>;
}

const T0 = '2026-03-01T00:00:00.000Z' as Instant;
const T1 = '2026-03-01T00:01:00.000Z' as Instant;
const uid = (prefix: string): string => `${prefix}-${randomUUID()}`;

function order(): Order<string> {
  return createOrder<string>(
    {
      id: uid('ord'),
      channel: 'tmall',
      channelOrderId: uid('T'),
      customerRef: 'buyer-1',
      currency: 'CNY',
      lines: [{ sku: 'TEA-1', quantity: 1, unitPrice: { amount: 100, currency: 'CNY' } }],
    },
    { clock: createFixedClock(T0), initialStatus: 'pending_payment' },
  );
}

function profile(id: string): Customer {
  return { id, names: ['王五'], phones: ['+8613900000000'], emails: [], addresses: [], paymentAccounts: [], deviceIds: [], attributes: {} };
}

function golden(id: string, version: number): GoldenProfile {
  return { id, profile: profile(id), sourceIds: [uid('c'), uid('c')], lineage: {}, version, createdAt: T0, updatedAt: T0 };
}

function audit(goldenId: string): MergeAuditRecord {
  return { id: uid('audit'), action: 'merge', goldenId, actor: 'conformance', at: T0, reason: 'unit', evidence: [], before: { profiles: [], goldens: [] }, after: { profiles: [], goldens: [] } };
}

/** Stored state the units build on: an order, a message, a key, stock, a leased task, a golden profile, quarantine records. */
interface Seed {
  readonly order: Order<string>;
  readonly messageId: string;
  readonly key: string;
  readonly warehouseId: string;
  readonly sku: string;
  readonly taskId: string;
  readonly goldenId: string;
  readonly openId: string;
  readonly replayedId: string;
  readonly settingKey: string;
}

async function seed(storage: StoragePort): Promise<Seed> {
  const seeded = order();
  const messageId = uid('msg');
  const key = uid('key');
  await storage.commit({
    orders: [{ order: seeded, expectedVersion: null, newHistory: seeded.history }],
    outbox: [{ id: messageId, topic: 'order.created', key: seeded.id, payload: {}, createdAt: T0 }],
    idempotency: [{ key, fingerprint: 'f', result: null, createdAt: T0 }],
  });
  const warehouseId = uid('wh');
  const sku = uid('sku');
  await storage.inventory.setStock(warehouseId, sku, 5, T0);
  const queue = uid('queue');
  const taskId = uid('task');
  await storage.tasks.enqueue({ queue, key: uid('k'), payload: null, dueAt: T0 }, taskId, T0);
  const claimed = await storage.tasks.claim({ queue, owner: 'worker-1', now: T0, leaseUntil: T1, limit: 1 });
  assert.equal(claimed.length, 1, 'the seeded task is leased');
  const goldenId = uid('golden');
  await storage.customers.putGolden(golden(goldenId, 1));
  const openId = uid('q');
  const replayedId = uid('q');
  for (const id of [openId, replayedId]) await storage.quarantine.put({ id, source: 'intake:test', payload: { n: 1 }, issues: [], receivedAt: T0 });
  assert.equal(await storage.quarantine.markReplayed(replayedId, T0), true);
  const settingKey = uid('setting');
  await storage.settings.put(settingKey, { engaged: false }, { expectedVersion: null, by: 'conformance', at: T0 });
  return { order: seeded, messageId, key, warehouseId, sku, taskId, goldenId, openId, replayedId, settingKey };
}

/** A unit with writable changes in every store; `failIn` appends a failing change to that store's list. */
function unitOf(s: Seed, failIn: UnitStore | undefined): { readonly unit: UnitOfWork; readonly ids: Record<string, string>; readonly expected: string | undefined; readonly index: number } {
  const fresh = order();
  const ids: Record<string, string> = { order: fresh.id, message: uid('msg'), key: uid('key'), reservation: uid('res'), task: uid('task'), profile: uid('c'), quarantine: uid('q'), setting: uid('setting') };
  const goldenAudit = audit(s.goldenId);
  const customers: CustomerChange[] = [
    { type: 'putProfile', profile: profile(ids['profile'] as string) },
    { type: 'putGolden', golden: golden(s.goldenId, 2), expectedVersion: 1 },
    { type: 'appendAudit', record: goldenAudit },
  ];
  ids['audit'] = goldenAudit.id;
  const unit = {
    at: T1,
    orders: [{ order: fresh, expectedVersion: null, newHistory: fresh.history }],
    outbox: [{ id: ids['message'] as string, topic: 'order.created', key: fresh.id, payload: { n: 1 }, createdAt: T1 }],
    idempotency: [{ key: ids['key'] as string, fingerprint: 'f', result: { ok: true }, createdAt: T1 }],
    inventory: [{ type: 'reserve' as const, requests: [{ reservationId: ids['reservation'] as string, orderId: fresh.id, lineId: 'L1', warehouseId: s.warehouseId, sku: s.sku, quantity: 2 }] }],
    tasks: [
      { type: 'enqueue' as const, id: ids['task'] as string, task: { queue: uid('queue'), key: uid('k'), payload: { n: 1 }, dueAt: T1 } },
      { type: 'complete' as const, id: s.taskId, owner: 'worker-1' },
    ],
    customers,
    quarantine: [
      { type: 'put' as const, record: { id: ids['quarantine'] as string, source: 'intake:test', payload: 1, issues: [], receivedAt: T1 } },
      { type: 'markReplayed' as const, id: s.openId },
    ],
    settings: [
      { type: 'put' as const, key: ids['setting'] as string, value: 1, expectedVersion: null, by: 'conformance' },
      { type: 'put' as const, key: s.settingKey, value: { engaged: true }, expectedVersion: 1, by: 'conformance' },
    ],
  };
  const failing: Record<UnitStore, () => { list: unknown[]; change: unknown; code: string }> = {
    orders: () => ({ list: unit.orders, change: { order: { ...s.order, version: 8 }, expectedVersion: 7, newHistory: [] }, code: 'CONCURRENCY_CONFLICT' }),
    outbox: () => ({ list: unit.outbox, change: { id: s.messageId, topic: 't', key: 'k', payload: null, createdAt: T1 }, code: 'DUPLICATE_KEY' }),
    idempotency: () => ({ list: unit.idempotency, change: { key: s.key, fingerprint: 'f', result: null, createdAt: T1 }, code: 'DUPLICATE_KEY' }),
    inventory: () => ({
      list: unit.inventory,
      change: { type: 'reserve', requests: [{ reservationId: uid('res'), orderId: fresh.id, lineId: 'L2', warehouseId: s.warehouseId, sku: s.sku, quantity: 4 }] },
      code: 'INSUFFICIENT_STOCK',
    }),
    tasks: () => ({ list: unit.tasks, change: { type: 'fail', id: s.taskId, owner: 'worker-2', error: 'x', nextDueAt: T1 }, code: 'LEASE_LOST' }),
    customers: () => ({ list: unit.customers, change: { type: 'putGolden', golden: golden(s.goldenId, 9), expectedVersion: 8 }, code: 'CONCURRENCY_CONFLICT' }),
    quarantine: () => ({ list: unit.quarantine, change: { type: 'discard', id: s.replayedId }, code: 'CONCURRENCY_CONFLICT' }),
    settings: () => ({ list: unit.settings, change: { type: 'put', key: s.settingKey, value: 0, expectedVersion: 5, by: 'conformance' }, code: 'CONCURRENCY_CONFLICT' }),
  };
  let expected: string | undefined;
  let index = -1;
  if (failIn !== undefined) {
    const { list, change, code } = failing[failIn]();
    index = list.length;
    list.push(change);
    expected = code;
  }
  return { unit: unit as UnitOfWork, ids, expected, index };
}

/** Asserts that none of the unit's writable changes landed. */
async function assertNothingWritten(s: Seed, ids: Record<string, string>, inspect: UnitBackdoor, customers: CustomerStoreBackdoor, outboxBefore: number, label: string): Promise<void> {
  assert.equal(await inspect.readOrderVersion(ids['order'] as string), null, `${label}: the new order`);
  assert.equal(await inspect.countOutbox(), outboxBefore, `${label}: the outbox message`);
  assert.equal(await inspect.hasIdempotencyKey(ids['key'] as string), false, `${label}: the idempotency key`);
  assert.deepEqual(await inspect.readStock(s.warehouseId, s.sku), { onHand: 5, reserved: 0 }, `${label}: the stock`);
  assert.equal(await inspect.readReservationStatus(ids['reservation'] as string), null, `${label}: the reservation`);
  assert.equal(await inspect.readTask(ids['task'] as string), null, `${label}: the enqueued task`);
  assert.deepEqual(await inspect.readTask(s.taskId), { status: 'leased', leaseOwner: 'worker-1' }, `${label}: the completed task`);
  assert.equal(await customers.hasProfile(ids['profile'] as string), false, `${label}: the profile`);
  assert.equal(await customers.readGoldenVersion(s.goldenId), 1, `${label}: the golden profile`);
  assert.equal(await customers.countAudit(s.goldenId), 0, `${label}: the audit record`);
  assert.equal(await inspect.readQuarantineStatus(ids['quarantine'] as string), null, `${label}: the quarantine record`);
  assert.equal(await inspect.readQuarantineStatus(s.openId), 'open', `${label}: the replayed record`);
  assert.equal(await inspect.readSettingVersion(ids['setting'] as string), null, `${label}: the new setting`);
  assert.equal(await inspect.readSettingVersion(s.settingKey), 1, `${label}: the updated setting`);
}

/** The stores, in the order a unit applies them. */
const STORES: readonly UnitStore[] = ['orders', 'outbox', 'idempotency', 'inventory', 'tasks', 'customers', 'quarantine', 'settings'];

/**
 * Registers the cross-store unit tests. `test` gives each a fresh, migrated storage and its
 * backdoors.
 */
export function unitOfWorkConformance(
  describe: (name: string, body: () => void) => void,
  test: (name: string, body: (context: { readonly storage: StoragePort; readonly inspect: UnitBackdoor; readonly customers: CustomerStoreBackdoor }) => Promise<void>) => void,
): void {
  describe('unit of work across stores', () => {
    test('a unit with a change in every store commits all of them', async ({ storage, inspect, customers }) => {
      const s = await seed(storage);
      const before = await inspect.countOutbox();
      const { unit, ids } = unitOf(s, undefined);
      await storage.commit(unit);
      assert.equal(await inspect.readOrderVersion(ids['order'] as string), 1);
      assert.equal(await inspect.countOutbox(), before + 1);
      assert.equal(await inspect.hasIdempotencyKey(ids['key'] as string), true);
      assert.deepEqual(await inspect.readStock(s.warehouseId, s.sku), { onHand: 5, reserved: 2 });
      assert.equal(await inspect.readReservationStatus(ids['reservation'] as string), 'active');
      assert.deepEqual(await inspect.readTask(ids['task'] as string), { status: 'pending', leaseOwner: null });
      assert.deepEqual(await inspect.readTask(s.taskId), { status: 'completed', leaseOwner: null });
      assert.equal(await customers.hasProfile(ids['profile'] as string), true);
      assert.equal(await customers.readGoldenVersion(s.goldenId), 2);
      assert.equal(await customers.countAudit(s.goldenId), 1);
      assert.equal(await inspect.readQuarantineStatus(ids['quarantine'] as string), 'open');
      assert.equal(await inspect.readQuarantineStatus(s.openId), 'replayed');
      assert.equal(await inspect.readSettingVersion(ids['setting'] as string), 1);
      assert.equal(await inspect.readSettingVersion(s.settingKey), 2);
    });

    // One unit per failing store holds a writable change in every store (and one before the
    // failing change in the failing store's own list), so every pair (written part, failing part)
    // is covered, whichever order the adapter applies the stores in.
    for (const store of STORES) {
      test(`a unit whose ${store} part fails writes none of its parts and names the part`, async ({ storage, inspect, customers }) => {
        const s = await seed(storage);
        const before = await inspect.countOutbox();
        const { unit, ids, expected, index } = unitOf(s, store);
        let caught: unknown;
        await assert.rejects(storage.commit(unit), (error: unknown) => {
          caught = error;
          return true;
        });
        assert.ok(isOrdoError(caught), `expected an Ordo error, got ${String(caught)}`);
        assert.equal(caught.code, expected, caught.message);
        assert.deepEqual(caught.details['part'], { store, index, type: (caught.details['part'] as { type: string } | undefined)?.type }, caught.message);
        assert.ok(caught.message.includes(`${store}[${index}]`), `the message names the part: ${caught.message}`);
        await assertNothingWritten(s, ids, inspect, customers, before, `${store} failed`);
        // The same unit without the failing change still commits: nothing was left locked or half-done.
        const retry = unitOf(s, undefined);
        await storage.commit(retry.unit);
        assert.equal(await inspect.readOrderVersion(retry.ids['order'] as string), 1);
      });
    }

    test('a malformed unit fails with VALIDATION_FAILED and the path of each problem, writing nothing', async ({ storage, inspect }) => {
      const s = await seed(storage);
      const { unit, ids } = unitOf(s, undefined);
      const broken = {
        ...unit,
        at: 'yesterday',
        inventory: [{ type: 'reserve', requests: [{ reservationId: 'r', orderId: 'o', lineId: 'l', warehouseId: 'w', sku: 's', quantity: 1.5 }] }],
        tasks: [{ type: 'explode', id: 't' }],
      } as unknown as UnitOfWork;
      let caught: unknown;
      await assert.rejects(storage.commit(broken), (error: unknown) => {
        caught = error;
        return true;
      });
      assert.ok(isOrdoError(caught) && caught.code === 'VALIDATION_FAILED', String(caught));
      const paths = (caught as unknown as { issues: { path: unknown[] }[] }).issues.map((issue) => issue.path.join('.'));
      assert.deepEqual(paths.sort(), ['at', 'inventory.0.requests.0.quantity', 'tasks.0.type']);
      assert.equal(await inspect.readOrderVersion(ids['order'] as string), null);
    });

    test('changes in one unit see the ones before them: reserve, then commit the same reservation', async ({ storage, inspect }) => {
      const s = await seed(storage);
      const id = uid('res');
      await storage.commit({
        at: T1,
        inventory: [
          { type: 'reserve', requests: [{ reservationId: id, orderId: 'o', lineId: 'l', warehouseId: s.warehouseId, sku: s.sku, quantity: 3 }] },
          { type: 'commitReservation', reservationId: id },
          { type: 'setStock', warehouseId: s.warehouseId, sku: s.sku, onHand: 10 },
        ],
      });
      assert.equal(await inspect.readReservationStatus(id), 'committed');
      assert.deepEqual(await inspect.readStock(s.warehouseId, s.sku), { onHand: 10, reserved: 0 });
    });
  });
}
