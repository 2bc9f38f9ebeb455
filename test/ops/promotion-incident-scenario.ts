// The reference incident as a scenario: a presale promotion ends at 2026-01-01T00:00 New York time;
// buyers in 11 countries paid a deposit and pay their balance until then, about 17% never do. The
// promotion is stored with its end resolved in its own zone; its expiry job reads it from there.
// A copy of the job configured with Singapore time (the incident's mistake) runs beside it.
// Everything runs on a manual clock; the process time zone is whatever the caller set.
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { applyOrderEvent, createJobRunner, savePromotion, type JobRunReport } from '../../src/app/index.js';
import { addDuration, createFixedClock, createManualClock, instant, type Instant } from '../../src/clock/index.js';
import { isValidationError } from '../../src/errors/index.js';
import { definePromotion, promotionExpiryJob } from '../../src/ops/index.js';
import { createOrder, createOrderMachine, type Order } from '../../src/orders/index.js';

export const PROMOTION = 'NY-NEWYEAR-2026';
export const ORDER_COUNT = 1842;
/** About 17% of the promotion's buyers never pay their balance. */
export const NEVER_PAID = 313;
const COUNTRIES = ['US', 'CA', 'MX', 'BR', 'GB', 'DE', 'FR', 'SG', 'MY', 'AU', 'JP'];

/** What the scenario observed. */
export interface IncidentResult {
  readonly zone: string | undefined;
  /** Every cancellation: when, by whom. */
  readonly cancellations: readonly { readonly orderId: string; readonly at: string; readonly actor: string }[];
  /** The misconfigured copy's runs: when, and the refusal's issue code (or its outcome had it run). */
  readonly misconfiguredRuns: readonly { readonly at: string; readonly refused: string | null; readonly outcome: JobRunReport['outcome'] | null }[];
  /** What `verify()` said of the misconfigured copy when its worker started. */
  readonly verifyRefusal: string | null;
  readonly correctRuns: readonly { readonly at: string; readonly outcome: JobRunReport['outcome']; readonly acted: number; readonly planned: number }[];
  readonly events: readonly string[];
  readonly paid: number;
}

export async function runIncidentScenario(): Promise<IncidentResult> {
  const start = instant('2025-12-31T05:00:00.000Z');
  const clock = createManualClock(start);
  const storage = createMemoryStorage();
  const machine = createOrderMachine();
  const endsAt = { local: '2026-01-01T00:00', zone: 'America/New_York' };
  // Merchandising defines the promotion once: its end is resolved in New York's zone and stored.
  await savePromotion({ storage, clock }, definePromotion({ id: PROMOTION, endsAt }), { by: 'merchandising' });
  // The job reads the end from the record; it has no zone of its own to get wrong.
  const correct = promotionExpiryJob({ id: 'promotion-expiry', promotion: PROMOTION });
  const runner = createJobRunner({ storage, clock, machine, owner: 'worker-ny-1', jobs: [correct] });
  // The incident's mistake: a copy configured with the same wall time in the server's zone.
  const misconfigured = promotionExpiryJob({ id: 'promotion-expiry-server-zone', promotion: PROMOTION, endsAt: { ...endsAt, zone: 'Asia/Singapore' } });
  const wrongRunner = createJobRunner({ storage, clock, machine, owner: 'worker-sg-1', jobs: [misconfigured] });
  const verifyRefusal = await wrongRunner.verify().then(
    () => null,
    (error: unknown) => (isValidationError(error) ? (error.issues[0]?.code ?? 'refused') : 'threw'),
  );

  // Presale orders from 11 countries, each with a 20% deposit paid when placed; the balance is due by the promotion's end.
  const orders: Order<string>[] = [];
  for (let i = 0; i < ORDER_COUNT; i += 1) {
    const placedAt = addDuration(start, { seconds: i * 23 });
    const placed = createOrder<string>(
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
    );
    const deposit = machine.transition(placed as Order, { id: `deposit-${placed.id}`, type: 'pay', deposit: true, amount: { amount: 2_580, currency: 'USD' }, balanceDueAt: instant('2026-01-01T05:00:00.000Z') }, { clock: createFixedClock(placedAt) });
    if (!deposit.ok || deposit.value.entry === null) throw new Error(`deposit of ${placed.id} refused`);
    orders.push(deposit.value.order as Order<string>);
  }
  for (let i = 0; i < orders.length; i += 200) {
    await storage.commit({ orders: orders.slice(i, i + 200).map((order) => ({ order, expectedVersion: null, newHistory: order.history })) });
  }

  // Balances paid from 16:10Z (just after Singapore midnight) to 05:00Z; the last NEVER_PAID never pay.
  const payers = orders.slice(0, ORDER_COUNT - NEVER_PAID);
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
  const record = (at: Instant, report: JobRunReport): void => void correctRuns.push({ at, outcome: report.outcome, acted: report.acted.length, planned: report.planned.length });
  for (const at of steps) {
    clock.set(at);
    while (paid < payers.length && payAt(paid) <= at) {
      const order = payers[paid] as Order<string>;
      const result = await applyOrderEvent({ storage, machine, clock }, order.id, { id: `balance-${order.id}`, type: 'pay', actor: 'psp' });
      if (result === null || !result.ok || result.value.order.status !== 'paid') throw new Error(`balance of ${order.id} failed`);
      paid += 1;
    }
    const first = await runner.run(correct.id);
    record(at, first);
    if (first.outcome === 'awaiting_confirmation') {
      // The operator reads the dry run's plan (the unpaid orders, a sample of ids) and confirms it;
      // the canary acts, is checked and confirmed; then the rest.
      await runner.confirmPlan(correct.id, { by: 'ops-lead' });
      record(at, await runner.run(correct.id));
      await runner.confirmCanary(correct.id, { by: 'ops-lead' });
      record(at, await runner.run(correct.id));
    }
    const wrong = await wrongRunner.run(misconfigured.id).then(
      (report) => ({ at, refused: null, outcome: report.outcome }),
      (error: unknown) => {
        if (!isValidationError(error)) throw error;
        return { at, refused: error.issues[0]?.code ?? 'refused', outcome: null };
      },
    );
    misconfiguredRuns.push(wrong);
  }

  const cancellations: { orderId: string; at: string; actor: string }[] = [];
  for (const order of orders) {
    for (const entry of await storage.orders.history(order.id)) {
      if (entry.to === 'cancelled') cancellations.push({ orderId: order.id, at: entry.at, actor: entry.actor });
    }
  }
  const events = (await storage.outbox.list()).filter((message) => message.topic.startsWith('ops.')).map((message) => `${message.topic} ${message.key}`);
  return { zone: process.env['TZ'], cancellations, misconfiguredRuns, verifyRefusal, correctRuns, events, paid };
}
