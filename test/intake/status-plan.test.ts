// planStatusEvents: stored status + reported status -> the channel-driven events, or why none.
import { describe, expect, it } from 'vitest';
import { planStatusEvents } from '../../src/intake/index.js';

const plan = (current: Parameters<typeof planStatusEvents>[0], reported: Parameters<typeof planStatusEvents>[1]) => {
  const result = planStatusEvents(current, reported, 'tmall:T1');
  return { events: result.events.map((e) => `${e.type}@${e.id}`), notes: result.notes.map((n) => n.code) };
};

describe('planStatusEvents', () => {
  it('paid reported for an unpaid order becomes pay, with a deterministic id', () => {
    expect(plan('pending_payment', 'paid')).toEqual({ events: ['pay@tmall:T1:pay'], notes: [] });
  });

  it('cancelled reported before shipment becomes cancel', () => {
    expect(plan('paid', 'cancelled')).toEqual({ events: ['cancel@tmall:T1:cancel'], notes: [] });
    expect(plan('pending_payment', 'cancelled')).toEqual({ events: ['cancel@tmall:T1:cancel'], notes: [] });
    expect(plan('packed', 'cancelled')).toEqual({ events: ['cancel@tmall:T1:cancel'], notes: [] });
  });

  it('cancelled reported after shipment is a conflict, not an event', () => {
    expect(plan('shipped', 'cancelled')).toEqual({ events: [], notes: ['status-conflict'] });
  });

  it('shipped reported while Ordo has it approved is status-ahead: shipping is Ordo\'s job', () => {
    expect(plan('approved', 'shipped')).toEqual({ events: [], notes: ['status-ahead'] });
  });

  it('shipped reported for an unpaid order pays it and notes the rest as ahead', () => {
    expect(plan('pending_payment', 'shipped')).toEqual({ events: ['pay@tmall:T1:pay'], notes: ['status-ahead'] });
  });

  it('a status Ordo is already at or past plans nothing (late redelivery)', () => {
    expect(plan('paid', 'paid')).toEqual({ events: [], notes: [] });
    expect(plan('allocated', 'paid')).toEqual({ events: [], notes: [] });
    expect(plan('shipped', 'pending_payment')).toEqual({ events: [], notes: [] });
    expect(plan('cancelled', 'paid')).toEqual({ events: [], notes: [] });
    expect(plan('refunded', 'cancelled')).toEqual({ events: [], notes: [] });
  });

  it('fulfilment reported for a cancelled order is a conflict', () => {
    expect(plan('cancelled', 'shipped')).toEqual({ events: [], notes: ['status-conflict'] });
  });

  it('a return requested after shipment becomes request_return; before shipment it is a conflict', () => {
    expect(plan('delivered', 'return_requested')).toEqual({ events: ['request_return@tmall:T1:request_return'], notes: [] });
    expect(plan('paid', 'return_requested')).toEqual({ events: [], notes: ['status-conflict'] });
  });

  it('refunds are Ordo\'s to record (they carry an amount): status-ahead', () => {
    expect(plan('paid', 'refunded')).toEqual({ events: [], notes: ['status-ahead'] });
  });
});
