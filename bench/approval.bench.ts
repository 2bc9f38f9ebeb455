// Approval benchmark: the seed policy compiled (fast and explained) vs json-rules-engine vs a hand-written function.
import { Engine } from 'json-rules-engine';
import { compilePolicy, decide, evaluate, SEED_POLICY, type Facts } from '../src/approval/index.js';
import { mulberry32 } from '../src/testing/index.js';

const ORDERS = 1_000;
/** Time per variant; 2 cores, so the whole run stays well under two minutes. */
const BUDGET_MS = Number(process.env.APPROVAL_BENCH_MS ?? 2_000);

/** A seeded PRNG so every run measures the same orders. */
const prng = mulberry32;

/** Orders with every fact present, so all three engines see exactly the same input. */
function generateFacts(count: number): Facts[] {
  const random = prng(20260618);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const out: Facts[] = [];
  for (let i = 0; i < count; i++) {
    const amount = Math.round(Math.exp(Math.log(1_000) + random() * (Math.log(900_000) - Math.log(1_000))));
    out.push({
      'order.id': `ord-${i}`,
      'order.total': { amount, currency: 'CNY' },
      'order.currency': 'CNY',
      'order.channel': random() < 0.05 ? 'unknown' : pick(['tmall', 'jd', 'douyin', 'pinduoduo', 'wechat-mini', 'pos']),
      'order.paymentMethod': pick(['alipay', 'wechat_pay', 'alipay', 'cod', 'card']),
      'order.lineCount': 1 + Math.floor(random() * 4),
      'order.itemCount': 1 + Math.floor(random() * 8),
      'order.categories': ['apparel'],
      'order.shippingCountry': 'CN',
      'order.shippingProvince': '浙江省',
      'customer.id': `cus-${i % 300}`,
      'customer.tier': pick(['standard', 'standard', 'silver', 'gold', 'platinum']),
      'customer.creditScore': 300 + Math.floor(random() * 551),
      'customer.isNew': random() < 0.1,
      'customer.isBlocked': random() < 0.02,
      'customer.tags': [],
      'derived.accountAgeDays': Math.floor(random() ** 2 * 2_000),
      'derived.orderCountInWindow': Math.floor(random() ** 2 * 40),
      'derived.returnRate': random() * random() * 0.8,
      'derived.distanceFromUsualKm': random() < 0.85 ? random() * 50 : random() * 3_000,
      'derived.averageOrderAmount': { amount: 30_000, currency: 'CNY' },
      'derived.amountVsAverage': random() * random() * 10,
    });
  }
  return out;
}

const DECISION_RANK = { approve: 0, hold: 1, reject: 2 } as const;
const SEVERITY_RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;
type Outcome = { decision: keyof typeof DECISION_RANK; severity: keyof typeof SEVERITY_RANK; riskScore: number; id: string };

/** The seed policy by hand: the ceiling a generic engine can approach. Same collect-all semantics. */
function handWritten(f: Facts): string {
  const total = f['order.total'] as { amount: number; currency: string };
  if (total.currency !== 'CNY') throw new Error('currency');
  const age = f['derived.accountAgeDays'] as number;
  const count = f['derived.orderCountInWindow'] as number;
  const credit = f['customer.creditScore'] as number;
  if (f['customer.isBlocked'] === true) return 'blocked-customer';
  if (credit < 350) return 'very-low-credit';
  if (total.amount >= 500_000) return 'large-amount';
  if (age < 30 && total.amount >= 100_000) return 'new-account-high-value';
  if ((f['derived.distanceFromUsualKm'] as number) > 500) return 'far-from-usual-address';
  if ((f['derived.returnRate'] as number) >= 0.3 && count >= 3) return 'frequent-returner';
  if ((f['derived.amountVsAverage'] as number) >= 5 && count >= 3) return 'amount-above-usual';
  if (count > 30) return 'high-order-frequency';
  if (f['order.paymentMethod'] === 'cod' && total.amount > 200_000) return 'cod-high-value';
  const tier = f['customer.tier'];
  const channel = f['order.channel'];
  if (
    credit >= 700 &&
    (tier === 'gold' || tier === 'platinum' || age >= 90) &&
    (channel === 'tmall' || channel === 'taobao' || channel === 'jd' || channel === 'douyin' || channel === 'pinduoduo' || channel === 'wechat' || channel === 'pos')
  ) {
    return 'good-credit-normal-pattern';
  }
  return 'default';
}
// Rules above are in severity order (reject > high holds > medium holds > approve), and the
// seed policy's ranks are strictly decreasing in that order, so the first hit is the winner.

/** The same policy for json-rules-engine: conditions translated 1:1, money via custom operators. */
function buildJsonRulesEngine(): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  type M = { amount: number; currency: string };
  const money = (name: string, cmp: (a: number, b: number) => boolean): void => {
    engine.addOperator<M, M>(name, (fact, value) => {
      if (fact.currency !== value.currency) throw new Error('CURRENCY_MISMATCH');
      return cmp(fact.amount, value.amount);
    });
  };
  money('moneyGte', (a, b) => a >= b);
  money('moneyGt', (a, b) => a > b);
  engine.addOperator<unknown, boolean>('exists', (fact, wanted) => (fact !== undefined && fact !== null) === wanted);
  const op = { eq: 'equal', lt: 'lessThan', lte: 'lessThanInclusive', gt: 'greaterThan', gte: 'greaterThanInclusive', in: 'in', exists: 'exists' } as const;
  type Cond = Record<string, unknown>;
  const translate = (c: Cond): Cond => {
    if ('all' in c) return { all: (c.all as Cond[]).map(translate) };
    if ('any' in c) return { any: (c.any as Cond[]).map(translate) };
    if ('not' in c) return { not: translate(c.not as Cond) };
    const value = c.value;
    const isMoney = typeof value === 'object' && value !== null && !Array.isArray(value);
    const operator = c.operator as keyof typeof op;
    return {
      fact: c.fact,
      operator: isMoney ? (operator === 'gte' ? 'moneyGte' : 'moneyGt') : op[operator],
      value,
    };
  };
  for (const rule of SEED_POLICY.rules) {
    const root = translate(rule.when as unknown as Cond);
    engine.addRule({
      name: rule.id,
      priority: rule.priority,
      // json-rules-engine wants a boolean operator at the root.
      conditions: ('fact' in root ? { all: [root] } : root) as never,
      event: { type: rule.id, params: { ...rule.then, id: rule.id } },
    });
  }
  return engine;
}

/** Collect-all resolution over json-rules-engine's events: the most severe outcome wins. */
function mostSevere(events: readonly { params?: Record<string, unknown> }[]): string {
  let best: Outcome | null = null;
  for (const event of events) {
    const o = event.params as unknown as Outcome;
    if (
      best === null ||
      DECISION_RANK[o.decision] > DECISION_RANK[best.decision] ||
      (DECISION_RANK[o.decision] === DECISION_RANK[best.decision] &&
        (SEVERITY_RANK[o.severity] > SEVERITY_RANK[best.severity] ||
          (SEVERITY_RANK[o.severity] === SEVERITY_RANK[best.severity] && o.riskScore > best.riskScore)))
    ) {
      best = o;
    }
  }
  return best === null ? 'default' : best.id;
}

/** Runs `once` over all orders until the budget is spent; returns evaluations per second. */
function measureSync(facts: readonly Facts[], once: (f: Facts) => unknown): number {
  let sink = 0;
  for (let w = 0; w < 20; w++) for (const f of facts) if (once(f) !== undefined) sink++;
  let evaluations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < BUDGET_MS) {
    for (const f of facts) if (once(f) !== undefined) sink++;
    evaluations += facts.length;
    elapsed = performance.now() - start;
  }
  if (sink === 0) throw new Error('optimised away');
  return (evaluations / elapsed) * 1000;
}

async function measureAsync(facts: readonly Facts[], once: (f: Facts) => Promise<unknown>): Promise<number> {
  for (const f of facts) await once(f);
  let evaluations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < BUDGET_MS) {
    for (const f of facts) await once(f);
    evaluations += facts.length;
    elapsed = performance.now() - start;
  }
  return (evaluations / elapsed) * 1000;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Runs the benchmark and prints evaluations per second and the ratios. */
export async function run(): Promise<void> {
  const facts = generateFacts(ORDERS);
  const policy = compilePolicy(SEED_POLICY);
  const engine = buildJsonRulesEngine();

  // The three implementations must agree on every order, or the comparison means nothing.
  let approvals = 0;
  for (const f of facts) {
    const ours = decide(policy, f);
    const theirs = mostSevere((await engine.run(f as Record<string, unknown>)).events);
    const hand = handWritten(f);
    const oursId = ours.ruleId ?? 'default';
    if (oursId !== theirs || oursId !== hand) {
      throw new Error(`Engines disagree on ${String(f['order.id'])}: ordo ${oursId}, json-rules-engine ${theirs}, hand ${hand}`);
    }
    if (ours.outcome === 'approve') approvals++;
  }

  const fast = measureSync(facts, (f) => decide(policy, f));
  const explained = measureSync(facts, (f) => evaluate(policy, f));
  const hand = measureSync(facts, handWritten);
  const jre = await measureAsync(facts, (f) => engine.run(f as Record<string, unknown>));

  console.log(`approval: seed policy (${policy.ruleIds.length} rules, collect-all), ${ORDERS} generated orders, ${approvals} approved`);
  console.log(`  ordo compiled, fast (decide)         ${fmt(fast).padStart(12)} evaluations/s`);
  console.log(`  ordo compiled, with explanation      ${fmt(explained).padStart(12)} evaluations/s`);
  console.log(`  json-rules-engine 7 (awaited run)    ${fmt(jre).padStart(12)} evaluations/s`);
  console.log(`  hand-written function (ceiling)      ${fmt(hand).padStart(12)} evaluations/s`);
  console.log(`  fast vs json-rules-engine            ${(fast / jre).toFixed(1)}x (goal >= 100x)`);
  console.log(`  explained vs json-rules-engine       ${(explained / jre).toFixed(1)}x (goal >= 20x)`);
  console.log(`  fast vs hand-written                 ${(fast / hand).toFixed(2)}x (${((fast / hand) * 100).toFixed(0)}% of the ceiling)`);
  console.log(`  explained vs hand-written            ${(explained / hand).toFixed(3)}x`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
