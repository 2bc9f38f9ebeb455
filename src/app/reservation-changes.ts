// The inventory side of a transition: a cancel gives reserved stock and capacity back, a shipment turns reservations into shipped stock.
import { expectArray, expectObject, ValidationError } from '../errors/validation-error.js';
import type { OrderEffect } from '../orders/order-effects.js';
import type { Order } from '../orders/order.js';
import type { InventoryChange, Reservation } from '../ports/inventory-port.js';
import type { StoragePort } from '../ports/storage-port.js';

/** The attribute that records each shipping warehouse's capacity day, so a cancel can give it back. */
export const CAPACITY_ATTRIBUTE = 'routing.capacity';

/** `HZ=2026-11-30/3,WH=2026-12-01/1`: warehouse, local day and units of each shipment. */
export function formatCapacityDays(days: readonly { readonly warehouseId: string; readonly date: string; readonly units: number }[]): string {
  expectArray('formatCapacityDays days', days, 'an array of { warehouseId, date, units }');
  days.forEach((day, index) => {
    if (typeof day !== 'object' || day === null || typeof day.warehouseId !== 'string' || typeof day.date !== 'string' || !Number.isInteger(day.units)) {
      throw new ValidationError('formatCapacityDays days', [{ code: 'invalid_type', path: [index], message: 'Expected { warehouseId, date, units }' }]);
    }
  });
  return days.map((d) => `${d.warehouseId}=${d.date}/${d.units}`).join(',');
}

/** Reads {@link formatCapacityDays} back; malformed parts are skipped. */
export function parseCapacityDays(text: unknown): { warehouseId: string; date: string; units: number }[] {
  if (typeof text !== 'string' || text === '') return [];
  return text.split(',').flatMap((part) => {
    const match = /^(.+)=(\d{4}-\d{2}-\d{2})\/(\d+)$/.exec(part);
    return match === null ? [] : [{ warehouseId: match[1] as string, date: match[2] as string, units: Number(match[3]) }];
  });
}

/** Releases every active reservation of the order and gives its routed capacity days back. */
export function releaseAll(active: readonly Reservation[], order: Order<string>): InventoryChange[] {
  return [
    ...active.map((r): InventoryChange => ({ type: 'release', reservationId: r.reservationId })),
    ...parseCapacityDays(order.attributes[CAPACITY_ATTRIBUTE]).map((d): InventoryChange => ({ type: 'releaseCapacity', warehouseId: d.warehouseId, date: d.date, orders: 1, units: d.units })),
  ];
}

/** Units shipped per `lineId warehouseId`; a shipment without a warehouse counts for the line's only allocation. */
function shippedUnits(order: Order<string>): Map<string, number> {
  const shipped = new Map<string, number>();
  for (const shipment of order.shipments) {
    for (const { lineId, quantity } of shipment.lines) {
      const allocations = order.lines.find((line) => line.lineId === lineId)?.allocations ?? [];
      const warehouseId = shipment.warehouseId ?? (allocations.length === 1 ? allocations[0]?.warehouseId : undefined);
      if (warehouseId === undefined) continue;
      const key = `${lineId} ${warehouseId}`;
      shipped.set(key, (shipped.get(key) ?? 0) + quantity);
    }
  }
  return shipped;
}

/**
 * The inventory changes that go in the same unit as a transition: on `release_reservations` (a
 * cancel of an allocated order) every active reservation is released and the capacity days
 * routing used are given back; on `commit_reservations` (a shipment) each active reservation
 * whose line has shipped all its units from its warehouse is committed. Reads the order's
 * reservations only when one of these effects is there.
 */
export async function reservationChangesFor(storage: StoragePort, before: Order<string>, after: Order<string>, effects: readonly OrderEffect[]): Promise<InventoryChange[]> {
  if (typeof storage?.inventory?.listReservations !== 'function') expectObject('reservationChangesFor storage', undefined, 'a storage port with inventory');
  expectObject('reservationChangesFor before', before, 'the order before the transition');
  expectObject('reservationChangesFor after', after, 'the order after the transition');
  expectArray('reservationChangesFor effects', effects, 'the transition\'s effects');
  const release = effects.some((effect) => effect.type === 'release_reservations');
  const commit = effects.some((effect) => effect.type === 'commit_reservations');
  if (!release && !commit) return [];
  const active = (await storage.inventory.listReservations(after.id)).filter((r) => r.status === 'active');
  if (release) return releaseAll(active, before);
  const shipped = shippedUnits(after);
  return active.filter((r) => (shipped.get(`${r.lineId} ${r.warehouseId}`) ?? 0) >= r.quantity).map((r): InventoryChange => ({ type: 'commitReservation', reservationId: r.reservationId }));
}
