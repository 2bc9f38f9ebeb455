// The reference incident as a scenario: a presale promotion ends at 2026-01-01T00:00 New York time;
// buyers in 11 countries pay their balance until then. Its auto-cancel job runs every 30 minutes
// next to a misconfigured copy that reads the same wall time in the server's zone (Singapore).
// Everything runs on a manual clock; the process time zone is whatever the caller set.
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { applyOrderEvent, createJobRunner, type JobRunReport } from '../../src/app/index.js';
import { addDuration, createFixedClock, createManualClock, instant, type Instant } from '../../src/clock/index.js';
import { promotionExpiryJob } from '../../src/ops/index.js';
import { createOrder, createOrderMachine, type Order } from '../../src/orders/index.js';

export const PROMOTION = 'NY-NEWYEAR-2026';
export const ORDER_COUNT = 1842;
export const NEVER_PAID = 37;
const COUNTRIES = ['US', 'CA', 'MX', 'BR', 'GB', 'DE', 'FR', 'SG', 'MY', 'AU', 'JP'];

/** What the scenario observed. */
export interface IncidentResult {
  readonly zone: string | undefined;
  /** Every cancellation: when, by whom. */
  readonly cancellations: readonly { readonly orderId: string; readonly at: string; readonly actor: string }[];
  /** The misconfigured job's runs: when and how each ended. */
  readonly misconfiguredRuns: readonly { readonly at: string; readonly outcome: JobRunReport['outcome']; readonly actions: number; readonly examined: number }[];
  readonly correctRuns: readonly { readonly at: string; readonly outcome: JobRunReport['outcome']; readonly acted: number }[];
  readonly alerts: readonly string[];
  readonly paid: number;
}

export async function runIncidentScenario(): Promise<IncidentResult> {
  const start = instant('2025-12-31T05:00:00.000Z');
  const clock = createManualClock(start);
  const storage = createMemoryStorage();
  const machine = createOrderMachine();
  const endsAt = { local: '2026-01-01T00:00', zone: 'America/New_York' };
  const limits = { maxShare: 0.1 };
  const correct = promotionExpiryJob({ id: 'promotion-expiry', promotion: PROMOTION, endsAt, limits });
  // The incident's mistake: the same wall time, read in the server's zone.
  const misconfigured = promotionExpiryJob({ id: 'promotion-expiry-server-zone', promotion: PROMOTION, endsAt: { ...endsAt, zone: 'Asia/Singapore' }, limits });
  const runner = createJobRunner({ storage, clock, machine, owner: 'worker-sg-1', jobs: [correct, misconfigured] });

  // Orders placed through the promotion (deposit paid, balance due), 11 countries.
  const orders: Order<string>[] = [];
  for (let i = 0; i < ORDER_COUNT; i += 1) {
    const placedAt = addDuration(start, { seconds: i * 23 });
    orders.push(
      createOrder<string>(
        {
          id: `presale-${String(i).padStart(4, '0')}`,
          channel: 'shop',
          channelOrderId: `NY26-${i}`,
          customerRef: `buyer-${i}`,
          currency: 'USD',
          lines: [{ sku: 'GIFT-BOX', quantity: 1, unitPrice: { amount: 12_900, currency: 'USD' } }],
          attributes: { promotion: PROMOTION, country: COUNTRIES[i % COUNTRIES.length] as string },
        },
        { clock: createFixedClock(placedAt), initialStatus: 'pending_payment' },
      ),
    );
  }
  for (let i = 0; i < orders.length; i += 200) {
    await storage.commit({ orders: orders.slice(i, i + 200).map((order) => ({ order, expectedVersion: null, newHistory: order.history })) });
  }

  // Balances paid from 16:10Z (just after Singapore midnight) to 05:00Z; 37 orders never pay.
  const payers = orders.slice(NEVER_PAID);
  const firstPayment = instant('2025-12-31T16:10:00.000Z');
  const paymentSpanMs = 12 * 3600_000 + 40 * 60_000;
  const payAt = (index: number): Instant => addDuration(firstPayment, { milliseconds: Math.floor((index * paymentSpanMs) / payers.length) });
  let paid = 0;

  const correctRuns: IncidentResult['correctRuns'][number][] = [];
  const misconfiguredRuns: IncidentResult['misconfiguredRuns'][number][] = [];
  const steps: Instant[] = [];
  for (let at = instant('2025-12-31T15:00:00.000Z'); at <= instant('2026-01-01T06:00:00.000Z'); at = addDuration(at, { minutes: 30 })) {
    steps.push(at);
    if (at === instant('2026-01-01T05:00:00.000Z')) steps.splice(steps.length - 1, 0, instant('2026-01-01T04:59:59.999Z'));
  }
  for (const at of steps) {
    clock.set(at);
    while (paid < payers.length && payAt(paid) <= at) {
      const order = payers[paid] as Order<string>;
      const result = await applyOrderEvent({ storage, machine, clock }, order.id, { id: `pay-${order.id}`, type: 'pay', actor: 'psp' });
      if (result === null || !result.ok) throw new Error(`payment of ${order.id} failed`);
      paid += 1;
    }
    const right = await runner.run(correct.id);
    correctRuns.push({ at, outcome: right.outcome, acted: right.acted.length });
    const wrong = await runner.run(misconfigured.id);
    misconfiguredRuns.push({ at, outcome: wrong.outcome, actions: wrong.planned.length, examined: wrong.examined });
  }

  const cancellations: { orderId: string; at: string; actor: string }[] = [];
  for (const order of orders) {
    for (const entry of await storage.orders.history(order.id)) {
      if (entry.to === 'cancelled') cancellations.push({ orderId: order.id, at: entry.at, actor: entry.actor });
    }
  }
  const alerts = (await storage.outbox.list()).filter((message) => message.topic.startsWith('ops.')).map((message) => `${message.topic} ${message.key}`);
  return { zone: process.env['TZ'], cancellations, misconfiguredRuns, correctRuns, alerts, paid };
}
