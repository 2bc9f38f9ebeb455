// Electronic waybills on allocation: one batch per order, one waybill per warehouse, committed with
// its printable label event; never requested twice; a carrier outage retried through the task
// store; a refusal reported, not retried; an order cancelled before shipping cancels its waybills;
// the warehouse's ship event carries the waybill number. On memory, SQLite and PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryCarrier, renderWaybillLabel } from '../../src/adapters/carrier.js';
import { applyOrderEvent, createWaybillService } from '../../src/app/index.js';
import { createManualClock, instant, type ManualClock } from '../../src/clock/index.js';
import { createOrder, createOrderMachine, type Order } from '../../src/orders/index.js';
import type { StoragePort, TransportMessage } from '../../src/ports/index.js';
import { BACKENDS } from '../support/backends.js';

const T0 = instant('2026-11-30T02:00:00.000Z');
const machine = createOrderMachine();
const SENDER = { country: 'CN', province: '浙江省', city: '杭州市', district: '余杭区', street: '仓前街道 1 号仓', recipient: 'Ordo 杭州仓', phone: '+8657100000000' };
const RECEIVER = { country: 'CN', province: '广东省', city: '深圳市', district: '南山区', street: '科技园 9 栋 1203', recipient: '张小明', phone: '13912345678' };


/** An order paid, approved and allocated to the given warehouses (one line each). */
async function allocatedOrder(storage: StoragePort, clock: ManualClock, id: string, warehouses: readonly string[]): Promise<Order<string>> {
  const order = createOrder<string>(
    {
      id,
      channel: 'shop',
      channelOrderId: `c-${id}`,
      customerRef: 'buyer-1',
      currency: 'CNY',
      shippingAddress: RECEIVER,
      lines: warehouses.map((_, i) => ({ lineId: `L${i + 1}`, sku: `TEA-${i + 1}`, quantity: 2, unitPrice: { amount: 5900, currency: 'CNY' } })),
    },
    { clock, initialStatus: 'pending_payment' },
  );
  await storage.commit({ orders: [{ order, expectedVersion: null, newHistory: order.history }] });
  for (const [i, warehouseId] of warehouses.entries()) await storage.inventory.setStock(warehouseId, `TEA-${i + 1}`, 50, clock.now());
  const deps = { storage, machine, clock };
  await applyOrderEvent(deps, id, { id: `${id}-pay`, type: 'pay' });
  await applyOrderEvent(deps, id, { id: `${id}-approve`, type: 'approve' });
  const allocated = await applyOrderEvent(deps, id, { id: `${id}-allocate`, type: 'allocate', allocations: warehouses.map((warehouseId, i) => ({ lineId: `L${i + 1}`, warehouseId, quantity: 2 })) });
  if (allocated === null || !allocated.ok) throw new Error(`allocation failed: ${allocated?.ok === false ? allocated.error.message : 'no order'}`);
  return allocated.value.order as Order<string>;
}

const topicsOf = async (storage: StoragePort): Promise<string[]> => (await storage.outbox.list({ limit: 1000 })).map((m) => m.topic).filter((t) => t.startsWith('waybill.'));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== undefined)(`waybills on ${backend.name}`, () => {
    if (backend.skipReason !== undefined) console.warn(`waybills on ${backend.name} skipped: ${backend.skipReason}`);
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    const open = async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      const clock = createManualClock(T0);
      const carrier = createMemoryCarrier({ clock, name: 'YTO-TEST' });
      return { storage: opened.storage, clock, carrier };
    };

    it('one batch per order, a waybill per warehouse with its label event, never asked twice', async () => {
      const { storage, clock, carrier } = await open();
      const service = createWaybillService({ storage, clock, carrier, sender: SENDER, owner: 'w1' });
      await allocatedOrder(storage, clock, 'w-1', ['WH-HZ', 'WH-SZ']);
      const outcome = await service.requestFor('w-1');
      expect(carrier.calls).toBe(1);
      expect(outcome.issued.map((w) => [w.warehouseId, w.waybillNo])).toEqual([['WH-HZ', 'MC000000000001'], ['WH-SZ', 'MC000000000002']]);
      const events = (await storage.outbox.list({ limit: 1000 })).filter((m) => m.topic === 'waybill.created');
      expect(events).toHaveLength(2);
      const payload = events[0]?.payload as { waybillNo: string; printData: { contentType: string; content: string; widthMm: number; heightMm: number }[] };
      expect(payload.printData[0]).toMatchObject({ contentType: 'image/svg+xml', widthMm: 100, heightMm: 150 });
      const label = payload.printData[0]?.content ?? '';
      expect(label).toContain('width="100mm" height="150mm"');
      expect(label).toContain(payload.waybillNo);
      expect(label).toMatch(/<path [^>]*stroke="#000000"/);
      // A privacy label: the receiver's phone and name are masked; nowhere in the event in full.
      expect(JSON.stringify(events)).not.toContain('13912345678');
      expect(JSON.stringify(events)).not.toContain('张小明');
      expect(label).toContain('139****5678');

      const again = await service.requestFor('w-1');
      expect(again.issued).toEqual([]);
      expect(again.existing.map((w) => w.waybillNo)).toEqual(['MC000000000001', 'MC000000000002']);
      expect(carrier.calls).toBe(1);
      expect(await topicsOf(storage)).toEqual(['waybill.created', 'waybill.created']);
    });

    it('a carrier outage queues a retry in the task store, which issues the waybill once the carrier is back', async () => {
      const { storage, clock, carrier } = await open();
      const service = createWaybillService({ storage, clock, carrier, sender: SENDER, owner: 'w1' });
      const worker = service.compensation;
      await allocatedOrder(storage, clock, 'w-2', ['WH-HZ']);
      carrier.setUnavailable(true);
      expect(await service.requestFor('w-2')).toMatchObject({ issued: [], retryScheduled: true });
      expect(await topicsOf(storage)).toEqual(['waybill.request_failed']);
      clock.advance({ minutes: 15 });
      expect((await worker.runOnce()).retried).toBe(1);
      carrier.setUnavailable(false);
      clock.advance({ minutes: 15 });
      expect((await worker.runOnce()).succeeded).toBe(1);
      expect((await service.waybillsOf('w-2')).map((w) => w.waybillNo)).toEqual(['MC000000000001']);
      expect(await topicsOf(storage)).toEqual(['waybill.request_failed', 'waybill.compensation.retry_scheduled', 'waybill.created', 'waybill.compensation.succeeded']);
    });

    it('a refused shipment is reported with CARRIER_REJECTED and not retried; multi-piece parcels get a parent and a label per piece', async () => {
      const { storage, clock } = await open();
      const carrier = createMemoryCarrier({ clock, refuse: (request) => (request.warehouseId === 'WH-REMOTE' ? 'address not served' : undefined) });
      const service = createWaybillService({ storage, clock, carrier, sender: SENDER, owner: 'w1', parcel: (_order, warehouseId) => ({ weightGrams: 12_500, pieces: warehouseId === 'WH-HZ' ? 3 : 1 }) });
      await allocatedOrder(storage, clock, 'w-3', ['WH-HZ', 'WH-REMOTE']);
      const outcome = await service.requestFor('w-3');
      expect(outcome.refused).toEqual([{ warehouseId: 'WH-REMOTE', code: 'CARRIER_REJECTED', message: 'Carrier MEMORY refused: address not served' }]);
      const [parcel] = outcome.issued;
      expect(parcel?.pieceWaybillNos).toHaveLength(3);
      expect(parcel?.pieceWaybillNos[0]).toBe(parcel?.waybillNo);
      expect(parcel?.printData.map((p) => p.content.includes(`/3  parent ${parcel.waybillNo}`))).toEqual([true, true, true]);
      expect(await topicsOf(storage)).toEqual(['waybill.created', 'waybill.refused']);
      expect(await storage.tasks.list({})).toEqual([]);
    });

    it('cancelling the order cancels its waybills; one collected already is reported for interception', async () => {
      const { storage, clock, carrier } = await open();
      const service = createWaybillService({ storage, clock, carrier, sender: SENDER, owner: 'w1' });
      await allocatedOrder(storage, clock, 'w-4', ['WH-HZ', 'WH-SZ']);
      const { issued } = await service.requestFor('w-4');
      carrier.collect(issued[1]?.waybillNo as string);
      await applyOrderEvent({ storage, machine, clock }, 'w-4', { id: 'w-4-cancel', type: 'cancel', reason: 'buyer asked' });
      const message = (await storage.outbox.list({ limit: 1000 })).find((m) => m.topic === 'order.status_changed' && (m.payload as { to: string }).to === 'cancelled') as TransportMessage | undefined;
      expect(message).toBeDefined();
      await service.handle(message as TransportMessage);
      expect(carrier.state(issued[0]?.waybillNo as string)).toBe('cancelled');
      expect(carrier.state(issued[1]?.waybillNo as string)).toBe('collected');
      expect((await service.waybillsOf('w-4')).map((w) => w.cancelled)).toEqual([true, false]);
      expect(await topicsOf(storage)).toEqual(['waybill.created', 'waybill.created', 'waybill.cancelled', 'waybill.cancel_refused']);
    });

    it('the order.status_changed event of an allocation requests the waybills; the ship event carries the waybill number', async () => {
      const { storage, clock, carrier } = await open();
      const service = createWaybillService({ storage, clock, carrier, sender: SENDER, owner: 'w1' });
      await allocatedOrder(storage, clock, 'w-5', ['WH-HZ']);
      const allocated = (await storage.outbox.list({ limit: 1000 })).find((m) => m.topic === 'order.status_changed' && (m.payload as { to: string }).to === 'allocated');
      await service.handle(allocated as TransportMessage);
      const [waybill] = await service.waybillsOf('w-5');
      const ship = await service.shipEvent('w-5', 'WH-HZ', 'w-5-ship');
      const shipped = await applyOrderEvent({ storage, machine, clock }, 'w-5', ship);
      expect(shipped?.ok && shipped.value.order.shipments[0]).toMatchObject({ carrier: 'YTO-TEST', trackingNumber: waybill?.waybillNo, warehouseId: 'WH-HZ' });
    });
  });
}

describe('waybill labels', () => {
  it('escape what they print and differ in their barcode per number', () => {
    const input = { carrier: 'SF', waybillNo: 'SF1234567890', orderId: 'o<1>', receiver: { ...RECEIVER, recipient: '<script>x</script>' }, sender: SENDER, items: [{ sku: 'A&B', quantity: 1 }], weightGrams: 800 };
    const label = renderWaybillLabel(input).content;
    expect(label).not.toContain('<script>');
    expect(label).toContain('A&amp;B');
    expect(label).toContain('Order o&lt;1&gt;');
    const bars = (text: string) => /<path[^>]*d="([^"]+)"/.exec(text)?.[1];
    expect(bars(label)).not.toBe(bars(renderWaybillLabel({ ...input, waybillNo: 'SF1234567891' }).content));
  });
});
