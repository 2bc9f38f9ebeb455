// Decide an order with the seed approval policy and print the explanation, then fail closed on a missing fact.
import { buildFacts, compilePolicy, createManualClock, createOrder, createSequentialIdSource, deriveFacts, evaluate, SEED_POLICY } from 'ordo';

const clock = createManualClock('2026-06-18T10:00:00+08:00');
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const policy = compilePolicy(SEED_POLICY);
for (const warning of policy.warnings) console.log(`policy warning: ${warning.message}`);

const order = createOrder(
  {
    channel: 'jd', channelOrderId: 'JD-1', customerRef: 'jd-user-1', currency: 'CNY', paymentMethod: 'alipay',
    lines: [{ sku: 'PHONE-X', quantity: 1, unitPrice: cny(899_900), category: 'electronics' }],
    shippingAddress: { country: 'CN', province: '新疆维吾尔自治区', city: '乌鲁木齐市', street: '某路 1 号', geo: { lat: 43.83, lng: 87.62 } },
  },
  { clock, ids: createSequentialIdSource('ord-') },
);

const derived = deriveFacts({
  order,
  clock,
  history: [],
  usualLocations: [{ lat: 30.27, lng: 120.15 }], // the buyer usually receives parcels in Hangzhou
  accountCreatedAt: clock.now(),
});
const decision = evaluate(policy, buildFacts(order, { id: 'jd-user-1', creditScore: 710, tier: 'standard', isNew: true, isBlocked: false, tags: [] }, derived));
console.log(`decision: ${decision.outcome} ${JSON.stringify(decision.reasons)} (policy ${decision.policyId} v${decision.policyVersion})`);
for (const trace of decision.explanation?.rules ?? []) {
  console.log(`  ${trace.ruleId}: ${trace.status}`);
}

// A small order but no customer facts at all: the policy must not approve it silently.
const small = createOrder(
  { id: 'ord-small', channel: 'jd', channelOrderId: 'JD-2', customerRef: 'jd-user-2', currency: 'CNY', lines: [{ sku: 'TEA', quantity: 1, unitPrice: cny(3_900) }] },
  { clock },
);
const blind = evaluate(policy, buildFacts(small, null, null));
console.log(`without customer facts: ${blind.outcome} ${JSON.stringify(blind.reasons)}`);
