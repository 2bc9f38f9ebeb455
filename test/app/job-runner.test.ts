// The job runner on memory, SQLite and PostgreSQL: dry runs write nothing, the kill switch persists
// across a restart, the blast radius stops a run whole, the canary acts on a stable 1% first, runs
// are leased, an order paid meanwhile is left alone, and every action is in the order's history.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { applyOrderEvent, createCompensationScheduler, createJobRunner, createOpsSnapshotSource, KILL_SWITCH_KEY, readPromotion, savePromotion } from '../../src/app/index.js';
import { addDuration, createFixedClock, createManualClock, instant, type ManualClock } from '../../src/clock/index.js';
import { isOrdoError } from '../../src/errors/index.js';
import { autoCancelUnpaidJob, canaryBucket, defineJob, definePromotion, inCanary, promotionExpiryJob } from '../../src/ops/index.js';
import { createOrder, createOrderMachine, type Order } from '../../src/orders/index.js';
import type { StoragePort } from '../../src/ports/index.js';
import { BACKENDS } from '../support/backends.js';

const T0 = instant('2026-11-11T00:00:00.000Z');
/** For tests of what the runner does past its guards: the opt-out a user would write, recorded. */
const OPT_OUT = { by: 'test-suite', reason: 'exercises the runner past its dry-run gate' };
const machine = createOrderMachine();


/** `count` orders waiting for payment since T0 plus `minutes * i`. */
async function seedUnpaid(storage: StoragePort, count: number, prefix = 'o'): Promise<Order<string>[]> {
  const orders = Array.from({ length: count }, (_, i) => {
    const placedAt = addDuration(T0, { minutes: i });
    return createOrder<string>(
      {
        id: `${prefix}-${String(i).padStart(5, '0')}`,
        channel: 'shop',
        channelOrderId: `${prefix}-${i}`,
        customerRef: `c-${i}`,
        currency: 'CNY',
        lines: [{ sku: 'TEA', quantity: 1, unitPrice: { amount: 1000, currency: 'CNY' } }],
      },
      { clock: createFixedClock(placedAt), initialStatus: 'pending_payment' },
    );
  });
  for (let i = 0; i < orders.length; i += 250) await storage.commit({ orders: orders.slice(i, i + 250).map((order) => ({ order, expectedVersion: null, newHistory: order.history })) });
  return orders;
}

async function statusOf(storage: StoragePort, id: string): Promise<string | undefined> {
  return (await storage.orders.get(id))?.status;
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== undefined)(`job runner on ${backend.name}`, () => {
    if (backend.skipReason !== undefined) console.warn(`job runner on ${backend.name} skipped: ${backend.skipReason}`);
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    const open = async (): Promise<{ storage: StoragePort; reopen(): Promise<StoragePort>; clock: ManualClock }> => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      return { storage: opened.storage, reopen: opened.reopen, clock: createManualClock(T0) };
    };

    it('a dry run reports what it would cancel and writes nothing; a real run cancels with the job as actor and its reason', async () => {
      const { storage, clock } = await open();
      await seedUnpaid(storage, 30);
      const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, after: { minutes: 30 }, limits: { maxShare: 1 } });
      const runner = createJobRunner({ storage, clock, machine, owner: 'w1', jobs: [job] });
      clock.set(addDuration(T0, { minutes: 40 }));
      const outboxBefore = (await storage.outbox.list()).length;
      const dry = await runner.run(job.id, { dryRun: true });
      expect(dry.outcome).toBe('dry_run');
      expect(dry.examined).toBe(30);
      // Entered at T0 + i minutes, due 30 minutes later: orders 0..10 are due at T0 + 40 min.
      expect(dry.planned.map((action) => action.orderId)).toEqual(Array.from({ length: 11 }, (_, i) => `o-${String(i).padStart(5, '0')}`));
      expect(await statusOf(storage, 'o-00000')).toBe('pending_payment');
      expect((await storage.outbox.list()).length).toBe(outboxBefore);
      expect(await storage.settings.list({ prefix: 'ops:' })).toEqual([]);

      const real = await runner.run(job.id);
      expect(real.outcome).toBe('acted');
      expect(real.acted).toHaveLength(11);
      const cancelled = await storage.orders.get('o-00000');
      expect(cancelled?.status).toBe('cancelled');
      const entry = cancelled?.history.at(-1);
      expect(entry).toMatchObject({ to: 'cancelled', actor: 'job:auto-cancel-unpaid', at: clock.now() });
      expect(entry?.reason).toContain('unpaid 30 min after 2026-11-11T00:00:00.000Z');
      expect(await statusOf(storage, 'o-00011')).toBe('pending_payment');
      // A second run at the same instant finds nothing more to do.
      expect((await runner.run(job.id)).outcome).toBe('nothing_to_do');
    });

    it('an operator who engages the kill switch during a run stops the very next action', async () => {
      const { storage, clock } = await open();
      await seedUnpaid(storage, 8);
      const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, after: { minutes: 10 }, limits: { maxShare: 1 } });
      clock.set(addDuration(T0, { hours: 1 }));
      let engaging = false;
      // The operator's click lands right after the job's first cancellation commits.
      const watched: StoragePort = {
        ...storage,
        async commit(unit) {
          const result = await storage.commit(unit);
          if (!engaging && (unit.orders ?? []).some((write) => write.order.status === 'cancelled')) {
            engaging = true;
            await runner.engageKillSwitch({ by: 'ops-lead', reason: 'wrong job' });
          }
          return result;
        },
      };
      const runner = createJobRunner({ storage: watched, clock, machine, owner: 'w1', jobs: [job] });
      const report = await runner.run(job.id);
      expect(report.outcome).toBe('killed_during_run');
      expect(report.acted).toHaveLength(1);
      const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => statusOf(storage, `o-${String(i).padStart(5, '0')}`)));
      expect(statuses.filter((status) => status === 'cancelled')).toHaveLength(1);
    });

    it('the kill switch stops every run, persists across a restart, and is released with an event each way', async () => {
      const opened = await open();
      let storage = opened.storage;
      const { clock } = opened;
      await seedUnpaid(storage, 5);
      const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, after: { minutes: 10 }, limits: { maxShare: 1 } });
      clock.set(addDuration(T0, { hours: 1 }));
      const first = createJobRunner({ storage, clock, machine, owner: 'w1', jobs: [job] });
      const engaged = await first.engageKillSwitch({ by: 'ops-lead', reason: 'peak: stop all automation (caller 13912345678)' });
      expect(engaged).toMatchObject({ engaged: true, by: 'ops-lead', at: clock.now() });
      expect(engaged.reason).not.toContain('13912345678');
      expect((await first.run(job.id)).outcome).toBe('killed');

      storage = await opened.reopen();
      const second = createJobRunner({ storage, clock, machine, owner: 'w2', jobs: [job] });
      expect((await second.killSwitch()).engaged).toBe(true);
      expect((await second.run(job.id)).outcome).toBe('killed');
      expect((await second.run(job.id, { dryRun: true })).planned).toHaveLength(5);
      expect(await statusOf(storage, 'o-00000')).toBe('pending_payment');

      await second.releaseKillSwitch({ by: 'ops-lead', reason: 'peak over' });
      expect((await second.run(job.id)).acted).toHaveLength(5);
      const topics = (await storage.outbox.list()).map((message) => message.topic).filter((topic) => topic.startsWith('ops.'));
      // The opt-out from the guards is recorded too, once, when the job first acted.
      expect(topics).toEqual(['ops.kill_switch.engaged', 'ops.kill_switch.released', 'ops.job.unguarded']);
      expect((await storage.settings.get(KILL_SWITCH_KEY))?.version).toBe(2);
    });

    it('a run over its blast radius acts on none, raises one alert, and stays stopped until reset', async () => {
      const { storage, clock } = await open();
      await seedUnpaid(storage, 40);
      const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, after: { minutes: 1 }, limits: { maxOrders: 25, maxShare: 1 } });
      const runner = createJobRunner({ storage, clock, machine, owner: 'w1', jobs: [job] });
      clock.set(addDuration(T0, { hours: 2 }));
      const blocked = await runner.run(job.id);
      expect(blocked.outcome).toBe('blocked');
      expect(blocked.blastRadius).toEqual({ limit: 'maxOrders', actions: 40, examined: 40, allowed: 25 });
      expect(blocked.acted).toEqual([]);
      expect((await storage.orders.listByStatus('cancelled')).length).toBe(0);
      const again = await runner.run(job.id);
      expect(again.outcome).toBe('blocked');
      const alerts = (await storage.outbox.list()).filter((message) => message.topic === 'ops.job.blocked');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.payload).toMatchObject({ jobId: job.id, limit: 'maxOrders', actions: 40, allowed: 25 });
      expect((await runner.breaker(job.id))?.tripped).toBe(true);

      // A share limit: 40 of 40 examined is over 50%.
      const shared = autoCancelUnpaidJob({ unguarded: OPT_OUT, id: 'share-limited', after: { minutes: 1 }, limits: { maxShare: 0.5 } });
      const other = createJobRunner({ storage, clock, machine, owner: 'w1', jobs: [shared] });
      expect((await other.run(shared.id)).blastRadius).toEqual({ limit: 'maxShare', actions: 40, examined: 40, allowed: 0.5 });

      await runner.resetBreaker(job.id, { by: 'ops-lead', reason: 'checked: backlog after an outage' });
      expect((await runner.run(job.id)).outcome).toBe('blocked');
    });

    it('the canary acts on the stable-hash 1% first, waits, and the rest follow once confirmed', async () => {
      const { storage, clock } = await open();
      const orders = await seedUnpaid(storage, 400, 'c');
      const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, id: 'canaried', after: { minutes: 1 }, limits: { maxShare: 1, maxOrders: 1000 }, canary: { share: 0.01 } });
      const runner = createJobRunner({ storage, clock, machine, owner: 'w1', jobs: [job] });
      clock.set(addDuration(T0, { days: 1 }));
      const expectedCanary = orders.filter((order) => canaryBucket('canaried', order.id) < 100).map((order) => order.id);
      expect(expectedCanary.length).toBeGreaterThan(0);
      expect(expectedCanary.length).toBeLessThan(15);
      const first = await runner.run(job.id);
      expect(first.outcome).toBe('canary');
      expect([...first.acted].sort()).toEqual(expectedCanary);
      expect(first.skipped.filter((skip) => skip.reason === 'outside the canary')).toHaveLength(400 - expectedCanary.length);
      expect(first.canary).toMatchObject({ stage: 'waiting', actedOn: expectedCanary.length, failures: 0, startedAt: clock.now() });

      clock.advance({ hours: 6 });
      const waiting = await runner.run(job.id);
      expect(waiting.outcome).toBe('canary');
      expect(waiting.acted).toEqual([]);

      const promoted = await runner.confirmCanary(job.id, { by: 'ops-lead' });
      expect(promoted).toMatchObject({ stage: 'promoted', promotedBy: 'ops-lead' });
      const rest = await runner.run(job.id);
      expect(rest.outcome).toBe('acted');
      expect(rest.acted).toHaveLength(400 - expectedCanary.length);
      expect(orders.every((order) => inCanary(job, order.id) === expectedCanary.includes(order.id))).toBe(true);
    });

    it('a canary is promoted by a clean interval, but not when the kill switch was engaged after it acted', async () => {
      const { storage, clock } = await open();
      await seedUnpaid(storage, 300, 'k');
      const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, id: 'clean', after: { minutes: 1 }, limits: { maxShare: 1 }, canary: { share: 0.02, promoteAfter: { minutes: 30 } } });
      const runner = createJobRunner({ storage, clock, machine, owner: 'w1', jobs: [job] });
      clock.set(addDuration(T0, { days: 1 }));
      expect((await runner.run(job.id)).outcome).toBe('canary');
      clock.advance({ minutes: 29 });
      expect((await runner.run(job.id)).outcome).toBe('canary');
      clock.advance({ minutes: 1 });
      const promoted = await runner.run(job.id);
      expect(promoted.outcome).toBe('acted');
      expect(promoted.canary).toMatchObject({ stage: 'promoted', promotedBy: 'clean interval' });

      // A new revision starts a new canary; the kill switch engaged after it acted keeps it waiting.
      await seedUnpaid(storage, 300, 'k2');
      const revised = autoCancelUnpaidJob({ unguarded: OPT_OUT, id: 'clean', revision: '2', after: { minutes: 1 }, limits: { maxShare: 1 }, canary: { share: 0.02, promoteAfter: { minutes: 30 } } });
      const next = createJobRunner({ storage, clock, machine, owner: 'w1', jobs: [revised] });
      clock.advance({ hours: 1 });
      expect((await next.run(revised.id)).outcome).toBe('canary');
      clock.advance({ minutes: 5 });
      await next.engageKillSwitch({ by: 'ops', reason: 'looks wrong' });
      await next.releaseKillSwitch({ by: 'ops', reason: 'false alarm' });
      clock.advance({ hours: 2 });
      expect((await next.run(revised.id)).outcome).toBe('canary');
    });

    it('an order paid between the plan and its action is left alone: each action is decided again on a fresh read', async () => {
      const { storage, clock } = await open();
      await seedUnpaid(storage, 3);
      let paidOne = false;
      const job = defineJob({
      unguarded: OPT_OUT,
        id: 'racing',
        statuses: ['pending_payment'],
        limits: { maxShare: 1 },
        decide: (order) => {
          return { event: { type: 'cancel' }, reason: `test cancels ${order.id}` };
        },
      });
      // The order is paid while the run is between its plan and its first action.
      const racing = {
        ...storage,
        orders: {
          ...storage.orders,
          get: async (id: string) => {
            if (!paidOne && id === 'o-00000') {
              paidOne = true;
              await applyOrderEvent({ storage, machine, clock }, id, { id: 'pay-1', type: 'pay' });
            }
            return storage.orders.get(id);
          },
        },
      } as StoragePort;
      const runner = createJobRunner({ storage: racing, clock, machine, owner: 'w1', jobs: [job] });
      const report = await runner.run(job.id);
      expect(report.acted).toEqual(['o-00001', 'o-00002']);
      expect(report.skipped).toEqual([{ orderId: 'o-00000', reason: 'no longer due (now paid)' }]);
      expect(await statusOf(storage, 'o-00000')).toBe('paid');
    });

    it('several workers: one run holds the job, the other is busy; a crashed worker\'s lease ends', async () => {
      const { storage, clock } = await open();
      await seedUnpaid(storage, 20);
      const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, after: { minutes: 1 }, limits: { maxShare: 1 } });
      clock.set(addDuration(T0, { hours: 1 }));
      const a = createJobRunner({ storage, clock, machine, owner: 'a', jobs: [job], leaseMs: 60_000 });
      const b = createJobRunner({ storage, clock, machine, owner: 'b', jobs: [job], leaseMs: 60_000 });
      const [ra, rb] = await Promise.all([a.run(job.id), b.run(job.id)]);
      const outcomes = [ra.outcome, rb.outcome].sort();
      expect(outcomes).toEqual(['acted', 'busy']);
      expect((await storage.orders.listByStatus('cancelled')).length).toBe(20);

      // A worker that died holding the lease: the job is busy until the lease ends.
      const current = await storage.settings.get(`ops:job:${job.id}:lease`);
      await storage.settings.put(`ops:job:${job.id}:lease`, { owner: 'dead', until: addDuration(clock.now(), { seconds: 60 }), runId: 'x' }, { expectedVersion: current?.version ?? null, by: 'dead', at: clock.now() });
      expect((await a.run(job.id)).outcome).toBe('busy');
      clock.advance({ seconds: 61 });
      expect((await a.run(job.id)).outcome).toBe('nothing_to_do');
    });

    it('runs on a recurring schedule through the compensation scheduler, once per occurrence', async () => {
      const { storage, clock } = await open();
      await seedUnpaid(storage, 10);
      const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, after: { hours: 2 }, limits: { maxShare: 1 } });
      const runner = createJobRunner({ storage, clock, machine, owner: 'w1', jobs: [job] });
      const schedulers = ['w1', 'w2'].map((owner) => createCompensationScheduler({ storage, clock, owner, queue: 'ops.jobs', handlers: { 'ops.job': runner.handler } }));
      for (const scheduler of schedulers) await scheduler.recurring({ name: 'hourly-auto-cancel', schedule: { zone: 'Asia/Shanghai', time: '09:00' }, kind: 'ops.job', payload: { job: job.id } });
      // 09:00 Shanghai is 01:00Z: orders entered at 00:00..00:09Z are not yet 2 hours old.
      clock.set('2026-11-11T01:00:00.000Z');
      for (const scheduler of schedulers) await scheduler.runOnce();
      expect((await storage.orders.listByStatus('cancelled')).length).toBe(0);
      clock.set('2026-11-12T01:00:00.000Z');
      const rounds = await Promise.all(schedulers.map((scheduler) => scheduler.runOnce()));
      expect(rounds.reduce((sum, round) => sum + round.succeeded, 0)).toBe(1);
      expect((await storage.orders.listByStatus('cancelled')).length).toBe(10);
    });
  });
}

describe('job declarations', () => {
  it('every problem of a declaration at once, with its path, as INVALID_OPTIONS', () => {
    let caught: unknown;
    try {
      defineJob({ id: 'bad id!', statuses: [], decide: 'no' as never, limits: { maxShare: 2, maxOrders: -1 }, canary: { share: 0, promoteAfter: { minutes: -5 } } });
    } catch (error) {
      caught = error;
    }
    expect(isOrdoError(caught) && caught.code).toBe('INVALID_OPTIONS');
    const paths = (caught as { issues: { path: unknown[] }[] }).issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['canary.promoteAfter', 'canary.share', 'decide', 'id', 'limits.maxOrders', 'limits.maxShare', 'statuses']);
    expect(() => defineJob(undefined as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => autoCancelUnpaidJob({ after: 'soon' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });

  it('a runner refuses unknown job ids and duplicate jobs with typed errors', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    const job = autoCancelUnpaidJob({ unguarded: OPT_OUT, after: { minutes: 5 } });
    expect(() => createJobRunner({ storage, clock, machine, owner: 'w', jobs: [job, job] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => createJobRunner({ storage, clock, machine, owner: 'w', jobs: [{ id: 'x' } as never] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    const runner = createJobRunner({ storage, clock, machine, owner: 'w', jobs: [job] });
    await expect(runner.run('nope')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(runner.engageKillSwitch({ by: '', reason: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(runner.confirmCanary(job.id, { by: 'x' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    // A status the machine does not have (a typo) is refused with its path, not waited on forever.
    const typo = defineJob({ id: 'typo', statuses: ['pending_payment', 'pendng_payment'], decide: () => null });
    expect(() => createJobRunner({ storage, clock, machine, owner: 'w', jobs: [typo] })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ code: 'unknown_status', path: ['jobs', 0, 'statuses', 1] })] }),
    );
  });

  it('a decide that throws fails that order only; the run goes on', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    await seedUnpaid(storage, 3);
    const job = defineJob({
      unguarded: OPT_OUT,
      id: 'partly-broken',
      statuses: ['pending_payment'],
      limits: { maxShare: 1 },
      decide: (order) => {
        if (order.id === 'o-00001') throw new Error('bad data');
        return { event: { type: 'cancel' }, reason: 'test' };
      },
    });
    const report = await createJobRunner({ storage, clock, machine, owner: 'w', jobs: [job] }).run(job.id);
    expect(report.acted).toEqual(['o-00000', 'o-00002']);
    expect(report.failed).toEqual([{ orderId: 'o-00001', error: 'decide threw' }]);
  });

  it('a promotion-expiry job counts every order of the promotion, whatever its status: a correct run with 17% unpaid acts', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    // 80 orders of the promotion: 14 unpaid, the rest paid and moved on (approved most of all, as on a real day).
    const flow: [string, { type: string; [key: string]: unknown }[]][] = [
      ['paid', [{ type: 'pay' }]],
      ['approved', [{ type: 'pay' }, { type: 'approve' }]],
      ['allocated', [{ type: 'pay' }, { type: 'approve' }, { type: 'allocate', allocations: [{ lineId: 'L1', warehouseId: 'WH', quantity: 1 }] }]],
      ['on_hold', [{ type: 'pay' }, { type: 'hold', reason: 'check' }]],
    ];
    const plan = [...Array(14).fill(-1), ...Array(40).fill(1), ...Array(6).fill(0), ...Array(4).fill(2), ...Array(16).fill(3)] as number[];
    for (const [i, step] of plan.entries()) {
      let order = createOrder<string>(
        { id: `p-${String(i).padStart(3, '0')}`, channel: 'shop', channelOrderId: `p-${i}`, customerRef: `c-${i}`, currency: 'CNY', lines: [{ sku: 'TEA', quantity: 1, unitPrice: { amount: 1000, currency: 'CNY' } }], attributes: { promotion: 'd11' } },
        { clock, initialStatus: 'pending_payment' },
      );
      const history = [...order.history];
      for (const [k, event] of (step < 0 ? [] : (flow[step] as [string, { type: string }[]])[1]).entries()) {
        const result = machine.transition(order as Order, { id: `${order.id}-${k}`, ...event } as never, { clock });
        if (!result.ok || result.value.entry === null) throw new Error(`seed: ${event.type} refused`);
        order = result.value.order as Order<string>;
        history.push(result.value.entry);
      }
      await storage.commit({ orders: [{ order, expectedVersion: null, newHistory: history }] });
    }
    await savePromotion({ storage, clock }, definePromotion({ id: 'd11', endsAt: { local: '2026-11-12T00:00', zone: 'Asia/Shanghai' } }), { by: 'merchandising' });
    const job = promotionExpiryJob({ promotion: 'd11', unguarded: OPT_OUT });
    const runner = createJobRunner({ storage, clock, machine, owner: 'w', jobs: [job] });
    clock.set(instant('2026-11-11T16:00:00.000Z'));
    const report = await runner.run(job.id);
    expect(report.examined).toBe(80);
    expect(report.blastRadius).toBeUndefined();
    expect(report.outcome).toBe('acted');
    expect(report.acted).toHaveLength(14);
  });

  it('guarded by default: a cancelling job runs dry first, acts only once its plan is confirmed, on a 1% canary, then on the rest', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    await seedUnpaid(storage, 1000);
    const job = autoCancelUnpaidJob({ after: { minutes: 5 }, limits: { maxShare: 1 } });
    expect(job).toMatchObject({ destructive: true, guarded: true, canary: { share: 0.01 } });
    const runner = createJobRunner({ storage, clock, machine, owner: 'w', jobs: [job] });
    clock.set(addDuration(T0, { hours: 20 }));
    await expect(runner.confirmPlan(job.id, { by: 'ops-lead' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringContaining('no recorded dry run') });
    // The first live run of the revision is a dry run: its plan is recorded, nothing is cancelled.
    const first = await runner.run(job.id);
    expect(first).toMatchObject({ outcome: 'awaiting_confirmation', dryRun: true, acted: [] });
    expect(first.planned).toHaveLength(1000);
    expect(await runner.plan(job.id)).toMatchObject({ stage: 'awaiting_confirmation', planned: 1000, examined: 1000 });
    expect((await runner.run(job.id)).outcome).toBe('awaiting_confirmation');
    expect((await storage.orders.listByStatus('cancelled', { limit: 1000 })).length).toBe(0);
    // Confirmed: the canary (1% by a stable hash) first, then the rest once the canary is confirmed.
    expect(await runner.confirmPlan(job.id, { by: 'ops-lead' })).toMatchObject({ stage: 'confirmed', confirmedBy: 'ops-lead' });
    const canary = await runner.run(job.id);
    expect(canary.outcome).toBe('canary');
    expect(canary.acted.length).toBeGreaterThan(0);
    expect(canary.acted.length).toBeLessThan(40);
    expect(canary.acted.every((id) => inCanary(job, id))).toBe(true);
    await runner.confirmCanary(job.id, { by: 'ops-lead' });
    expect((await runner.run(job.id)).acted).toHaveLength(1000 - canary.acted.length);
    const topics = (await storage.outbox.list()).map((message) => message.topic).filter((topic) => topic.startsWith('ops.'));
    expect(topics).toEqual(expect.arrayContaining(['ops.job.plan_recorded', 'ops.job.plan_confirmed', 'ops.job.canary_promoted']));
    // A new revision starts at the gate again.
    const revised = autoCancelUnpaidJob({ after: { minutes: 5 }, revision: '2' });
    await seedUnpaid(storage, 3, 'r');
    const again = createJobRunner({ storage, clock, machine, owner: 'w', jobs: [revised] });
    expect((await again.run(revised.id)).outcome).toBe('awaiting_confirmation');
  });

  it('a promotion is stored once with its end in its own zone; another end needs replace; a job may only agree with it', async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    const ny = definePromotion({ id: 'NY', endsAt: { local: '2026-01-01T00:00', zone: 'America/New_York' } });
    expect(ny.endsAt.instant).toBe('2026-01-01T05:00:00.000Z');
    expect(() => definePromotion({ id: 'NY', endsAt: '2026-01-01T05:00:00.000Z' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['endsAt'] })] }));
    expect(() => definePromotion({ id: 'DST', endsAt: { local: '2026-03-08T02:30', zone: 'America/New_York' } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    await savePromotion({ storage, clock }, ny, { by: 'merchandising' });
    await savePromotion({ storage, clock }, ny, { by: 'merchandising' });
    expect((await storage.outbox.list()).filter((m) => m.topic === 'ops.promotion.saved')).toHaveLength(1);
    const later = definePromotion({ id: 'NY', endsAt: { local: '2026-01-01T06:00', zone: 'America/New_York' } });
    await expect(savePromotion({ storage, clock }, later, { by: 'merchandising' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringContaining('replace: true') });
    await savePromotion({ storage, clock }, later, { by: 'merchandising', replace: true });
    expect((await readPromotion(storage, 'NY'))?.endsAt.instant).toBe('2026-01-01T11:00:00.000Z');
    // A job that agrees with the record passes verify(); one that names the wrong zone, or a promotion never stored, does not.
    const agreeing = promotionExpiryJob({ id: 'a', promotion: 'NY', endsAt: { local: '2026-01-01T06:00', zone: 'America/New_York' }, unguarded: OPT_OUT });
    await createJobRunner({ storage, clock, machine, owner: 'w', jobs: [agreeing] }).verify();
    const wrongZone = promotionExpiryJob({ id: 'b', promotion: 'NY', endsAt: { local: '2026-01-01T06:00', zone: 'Asia/Singapore' } });
    const missing = promotionExpiryJob({ id: 'c', promotion: 'NEVER-SAVED' });
    const runner = createJobRunner({ storage, clock, machine, owner: 'w', jobs: [wrongZone, missing] });
    await expect(runner.verify()).rejects.toMatchObject({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ code: 'deadline_mismatch', path: ['b', 'deadline', 'endsAt'] }), expect.objectContaining({ code: 'no_deadline', path: ['c', 'deadline'] })] });
    clock.set(instant('2026-02-01T00:00:00.000Z'));
    await expect(runner.run('b')).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    expect((await runner.run('c')).outcome).toBe('no_deadline');

    // A guarded job's confirmed plan is for the end it was confirmed against: a moved end needs it confirmed again.
    const guarded = createJobRunner({ storage, clock, machine, owner: 'w', jobs: [promotionExpiryJob({ id: 'g', promotion: 'NY' })] });
    expect((await guarded.run('g')).outcome).toBe('awaiting_confirmation');
    await guarded.confirmPlan('g', { by: 'ops-lead' });
    expect((await guarded.plan('g'))?.stage).toBe('confirmed');
    await savePromotion({ storage, clock }, definePromotion({ id: 'NY', endsAt: { local: '2026-01-02T00:00', zone: 'America/New_York' } }), { by: 'merchandising', replace: true });
    expect(await guarded.plan('g')).toBeNull();
    expect((await guarded.run('g')).outcome).toBe('awaiting_confirmation');

    // The board shows a misconfigured job as such, and stays up.
    const board = createOpsSnapshotSource({ storage, clock, slas: [], runner: createJobRunner({ storage, clock, machine, owner: 'w', jobs: [wrongZone, agreeing] }) });
    const { jobs } = await board.snapshot();
    expect(jobs.map((job) => [job.id, job.plan])).toEqual([
      ['b', 'misconfigured'],
      ['a', undefined],
    ]);
  });

  it('opting a cancelling job out of its guards is explicit, checked and recorded once per revision', async () => {
    expect(() => autoCancelUnpaidJob({ after: { minutes: 5 }, unguarded: { by: '', reason: 'x' } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', issues: [expect.objectContaining({ path: ['unguarded'] })] }));
    expect(defineJob({ id: 'notify', statuses: ['paid'], destructive: false, decide: () => null })).toMatchObject({ guarded: false, canary: undefined });
    const storage = createMemoryStorage();
    const clock = createManualClock(T0);
    await seedUnpaid(storage, 4);
    const job = autoCancelUnpaidJob({ after: { minutes: 5 }, limits: { maxShare: 1 }, unguarded: { by: 'ops-lead', reason: 'backlog of test orders (call 13912345678)' } });
    const runner = createJobRunner({ storage, clock, machine, owner: 'w', jobs: [job] });
    clock.set(addDuration(T0, { hours: 1 }));
    expect((await runner.run(job.id)).acted).toHaveLength(4);
    await runner.run(job.id);
    const recorded = (await storage.outbox.list()).filter((message) => message.topic === 'ops.job.unguarded');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.payload).toMatchObject({ jobId: job.id, by: 'ops-lead', revision: '1' });
    expect(JSON.stringify(recorded[0]?.payload)).not.toContain('13912345678');
  });
});
