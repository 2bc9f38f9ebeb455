// Keeping a WMS in step: its status dictionary, a verified push that fails and is compensated 15 minutes later, and a reconciliation report.
import { EXAMPLE_WMS_STATUSES, createManualClock, createSyncService, diffRecords, reconcile, type JsonValue, type SyncTarget } from 'ordo';
import { createMemoryStorage } from 'ordo/adapters/memory';

const clock = createManualClock('2026-11-11T10:00:00+08:00');
const storage = createMemoryStorage();

// Statuses through the WMS's own dictionary: its WAVED means Ordo's picking; an unknown code is an error, never a default.
const spec = {
  fields: {
    status: { compare: 'status', source: EXAMPLE_WMS_STATUSES, target: EXAMPLE_WMS_STATUSES, severity: 'critical' },
    total: { compare: 'money', currency: 'CNY', tolerance: 1 },
    receiver: { compare: 'text', personal: 'name' },
  },
} as const;
console.log(diffRecords({ status: 'PICKING', total: 12990, receiver: '李雷' }, { status: 'WAVED', total: '129.91', receiver: '韩梅梅' }, spec).differences);
// [ { path: [ 'receiver' ], field: 'receiver', kind: 'mismatch', severity: 'error', source: '李*', target: '韩**' } ]

// A WMS that is down for the first push.
const held = new Map<string, JsonValue>();
let up = false;
const wms: SyncTarget = {
  system: 'wms',
  async push(key, record) {
    if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    held.set(key, record);
  },
  async read(key) {
    return held.get(key);
  },
};
const toWms = (order: JsonValue): JsonValue => {
  const { status, total } = order as { status: 'picking'; total: { amount: number } };
  return { status: EXAMPLE_WMS_STATUSES.fromCanonical(status), total: total.amount };
};
const sync = createSyncService({ storage, clock, owner: 'sync-1', targets: [{ target: wms, toTarget: toWms, spec }] });

const order = { id: 'o-1', status: 'picking', total: { amount: 12990, currency: 'CNY' } };
console.log(await sync.sync(order.id, order)); // compensation_scheduled, ECONNREFUSED: a task due in 15 minutes
up = true;
clock.advance({ minutes: 15 });
console.log(await sync.compensation.runOnce()); // { succeeded: 1, retried: 0, deadLettered: 0, lost: 0 }

// The weekly full reconciliation: OMS against WMS, streamed, with the dead letters in the report.
const summary = await reconcile({
  sides: [
    { name: 'oms', records: [{ id: 'o-1', status: 'PICKING', total: 12990 }, { id: 'o-2', status: 'PACKED', total: 5000 }], sorted: true },
    { name: 'wms', records: [{ id: 'o-1', ...(held.get('o-1') as object) }, { id: 'o-3', status: 'NEW', total: 100 }], sorted: true },
  ],
  key: 'id',
  spec,
  jsonl: process.stdout,
  deadLetters: await sync.compensation.deadLetters(),
});
console.log(summary.byKind); // { missing: 2 }: o-2 never reached the WMS, o-3 is unknown to Ordo
