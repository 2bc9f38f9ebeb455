// Decide orders with the seed approval policy on facts read from storage, print the explanation, then fail closed for a buyer with no history.
import { addDuration, collectFacts, compilePolicy, createCustomerFactProvider, createFixedClock, createOrderMachine, createStorageFactProviders, evaluate, instant, SEED_POLICY } from 'ordo';
import { createMemoryStorage } from 'ordo/adapters/memory';

const now = instant('2026-06-18T10:00:00+08:00');
const clock = createFixedClock(now);
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const machine = createOrderMachine();
const storage = createMemoryStorage();
const policy = compilePolicy(SEED_POLICY);
for (const warning of policy.warnings) console.log(`policy warning: ${warning.message}`);

// Stores an order as intake would; `delivered` runs it through to delivery first.
async function place(id: string, buyer: string, daysAgo: number, amount: number, geo: { lat: number; lng: number }, delivered: boolean) {
  const at = { clock: createFixedClock(addDuration(now, { days: -daysAgo })) };
  const created = machine.createOrder(
    { id, channel: 'jd', channelOrderId: id, customerRef: buyer, currency: 'CNY', paymentMethod: 'alipay', lines: [{ sku: 'PHONE-X', quantity: 1, unitPrice: cny(amount) }], shippingAddress: { country: 'CN', street: '某路 1 号', geo } },
    at,
  );
  const journey = [
    { id: `${id}:pay`, type: 'pay' as const },
    ...(delivered
      ? ([
          { id: `${id}:approve`, type: 'approve' },
          { id: `${id}:allocate`, type: 'allocate', allocations: [{ lineId: 'L1', warehouseId: 'WH-HZ', quantity: 1 }] },
          { id: `${id}:ship`, type: 'ship', shipmentId: `${id}-1`, lines: [{ lineId: 'L1', quantity: 1 }] },
          { id: `${id}:deliver`, type: 'deliver' },
        ] as const)
      : []),
  ];
  const result = machine.apply(created, journey, at);
  if (!result.ok) throw result.error;
  await storage.commit({ orders: [{ order: result.value.order, expectedVersion: null, newHistory: result.value.order.history }] });
  return result.value.order;
}

const hangzhou = { lat: 30.27, lng: 120.15 };
const urumqi = { lat: 43.83, lng: 87.62 };
// jd-user-1 has bought for four months, always delivered in Hangzhou.
for (const [i, days] of [120, 60, 20].entries()) await place(`ord-${i}`, 'jd-user-1', days, 29_900, hangzhou, true);

const providers = [
  ...createStorageFactProviders(storage, { window: { days: 90 } }),
  // What storage cannot know comes from your CRM.
  createCustomerFactProvider({ load: async () => ({ creditScore: 710, tier: 'standard', isBlocked: false, tags: [] }) }),
];

for (const [id, geo] of [['ord-home', hangzhou], ['ord-far', urumqi]] as const) {
  const order = await place(id, 'jd-user-1', 0, 39_900, geo, false);
  const facts = await collectFacts(order, providers, { clock });
  const decision = evaluate(policy, facts);
  console.log(`${id}: ${decision.outcome} ${JSON.stringify(decision.reasons)} (policy ${decision.policyId} v${decision.policyVersion}), ${Math.round(Number(facts['derived.distanceFromUsualKm']))} km from usual, account ${String(facts['derived.accountAgeDays'])} days`);
  for (const trace of decision.explanation?.rules ?? []) console.log(`  ${trace.ruleId}: ${trace.status}`);
}

// A buyer with no earlier order: no usual address, no account age. The policy must not approve silently.
const stranger = await place('ord-stranger', 'jd-user-2', 0, 3_900, hangzhou, false);
const blind = evaluate(policy, await collectFacts(stranger, providers, { clock }));
console.log(`no history: ${blind.outcome} ${JSON.stringify(blind.reasons)} (missing ${blind.missingFact ?? 'nothing'})`);
