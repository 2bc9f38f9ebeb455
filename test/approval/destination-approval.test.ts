// Out of the box, through ingest and the storage fact providers: no channel sends coordinates, yet
// distances come from prefecture centroids, a returning customer's order to a usual city is
// approved, a far one is held, a first order (no usual place to be away from) is approved on what it has.
import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/adapters/memory.js';
import { collectFacts, compilePolicy, createCustomerFactProvider, evaluate, SEED_POLICY } from '../../src/approval/index.js';
import { createStorageFactProviders } from '../../src/app/index.js';
import { createManualClock } from '../../src/clock/index.js';
import { createOrderHub } from '../../src/hub/index.js';
import { BUILT_IN_CHANNELS } from '../../src/intake/index.js';
import { ingest } from '../../src/app/index.js';
import type { Order } from '../../src/orders/index.js';
import { fixture } from '../intake/load-fixtures.js';

const policy = compilePolicy(SEED_POLICY);

describe('the seed policy without coordinates, from ingested orders', () => {
  it('approves a returning customer shipping to a usual city and holds a new province with its reason', async () => {
    const clock = createManualClock('2026-03-01T02:00:00Z');
    const storage = createMemoryStorage();
    const hub = createOrderHub({ storage, clock });
    const channels = BUILT_IN_CHANNELS;
    const paid = fixture('tmall');
    const payload = (tid: string, buyer: string, created: string, address: Record<string, string> = {}) => ({
      ...paid,
      tid,
      buyer_open_uid: buyer,
      created,
      pay_time: created,
      ...address,
    });

    // Three earlier orders of one buyer, to Hangzhou, shipped and delivered.
    for (const [i, created] of ['2026-03-01 10:00:00', '2026-03-20 10:00:00', '2026-04-10 10:00:00'].entries()) {
      const report = await ingest([{ channel: 'tmall', payload: payload(`386210459881${i}000`, 'loyal', created) }], { storage, clock, channels });
      expect(report.items[0]?.outcome, JSON.stringify(report.items[0]?.issues)).toBe('accepted');
      const id = report.items[0]?.orderId as string;
      const order = (await hub.get(id)) as Order;
      const events = [
        { id: `${id}:approve`, type: 'approve' },
        { id: `${id}:allocate`, type: 'allocate', allocations: order.lines.map((line) => ({ lineId: line.lineId, warehouseId: 'WH-HZ', quantity: line.quantity })) },
        { id: `${id}:ship`, type: 'ship', shipmentId: `${id}-S1`, lines: order.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity })) },
        { id: `${id}:deliver`, type: 'deliver' },
      ] as const;
      for (const event of events) expect((await hub.apply(id, event))?.ok).toBe(true);
      clock.advance({ days: 20 });
    }

    const crm = createCustomerFactProvider({ load: async () => ({ creditScore: 760, tier: 'gold', isBlocked: false }) });
    const providers = [...createStorageFactProviders(storage), crm];
    const decideOn = async (tid: string, buyer: string, address: Record<string, string> = {}) => {
      const report = await ingest([{ channel: 'tmall', payload: payload(tid, buyer, '2026-05-01 10:00:00', address) }], { storage, clock, channels });
      const order = (await hub.get(report.items[0]?.orderId as string)) as Order;
      expect(order.shippingAddress?.geo).toBeUndefined();
      const facts = await collectFacts(order, providers, { clock });
      return { facts, decision: evaluate(policy, facts) };
    };

    // The loyal customer's fourth order, to the usual city: approved; the distance is measured
    // between prefecture centroids, since no payload carries coordinates.
    const usual = await decideOn('3862104598820000', 'loyal');
    expect(usual.facts['derived.distanceFromUsualKm']).toBe(0);
    expect(usual.facts['derived.shipsToNewProvince']).toBe(false);
    expect(usual.facts['derived.shipsToNewCity']).toBe(false);
    expect(usual.decision).toMatchObject({ outcome: 'approve', reasons: ['GOOD_CREDIT_NORMAL_PATTERN'] });

    // Across a province border but close by (Hangzhou to Suzhou): the distance decides, approved.
    const near = await decideOn('3862104598820002', 'loyal', { receiver_state: '江苏省', receiver_city: '苏州市', receiver_district: '姑苏区' });
    expect(near.facts['derived.shipsToNewProvince']).toBe(true);
    expect(near.facts['derived.distanceFromUsualKm']).toBeLessThan(250);
    expect(near.decision.outcome).toBe('approve');

    // The same customer 2,900 km away: held, saying why.
    const far = await decideOn('3862104598820001', 'loyal', { receiver_state: '新疆维吾尔自治区', receiver_city: '乌鲁木齐市', receiver_district: '天山区' });
    expect(far.facts['derived.distanceFromUsualKm']).toBeGreaterThan(2_500);
    expect(far.decision).toMatchObject({ outcome: 'hold', reasons: ['FAR_FROM_USUAL_ADDRESS'] });

    // A first order of another buyer with good credit: no usual place, so it is not "away" from
    // one; decided by what it has (amount, a readable address, credit): approved.
    const first = await decideOn('3862104598830000', 'stranger');
    expect(first.facts['derived.distanceFromUsualKm']).toBeUndefined();
    expect(first.facts['derived.shipsToNewProvince']).toBeUndefined();
    expect(first.facts['derived.shippingAddressReadable']).toBe(true);
    expect(first.decision).toMatchObject({ outcome: 'approve', reasons: ['GOOD_CREDIT_NORMAL_PATTERN'] });

    // The same first order to an address nobody can place is held, saying so.
    const unreadable = await decideOn('3862104598830001', 'stranger-2', { receiver_state: '某省', receiver_city: '某市', receiver_district: '某区', receiver_address: '某路 1 号' });
    expect(unreadable.decision).toMatchObject({ outcome: 'hold', reasons: ['UNREADABLE_ADDRESS'] });
  });
});
