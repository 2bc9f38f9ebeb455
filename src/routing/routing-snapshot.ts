// The routing snapshot: stock, capacity already used, weights and the decision instant, indexed once for a router.
import type { BusinessCalendar } from '../clock/business-calendar.js';
import { instantToMillis, isInstant, type Instant } from '../clock/instant.js';
import { addCalendarDays, toInstant, toLocalDateTime } from '../clock/local-date-time.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { CapacityUsage } from '../ports/inventory-port.js';

/** What the router decides against, as plain data. */
export interface RoutingSnapshotInput {
  /** The decision instant, from your clock: cut-offs, ship days and capacity days follow from it. */
  readonly at: Instant;
  /** Units free to allocate per SKU and warehouse, e.g. `inventory.getStockLevels(...)`; missing pairs have none. */
  readonly stock: readonly { readonly warehouseId: string; readonly sku: string; readonly available: number }[];
  /** Capacity already used per warehouse and local day, e.g. `inventory.getCapacityUsage(...)`. @default none */
  readonly capacityUsed?: readonly CapacityUsage[];
  /** Grams per unit by SKU; others take the network's `defaultWeightGrams`. @default {} */
  readonly weights?: Readonly<Record<string, number>>;
}

/** The day a warehouse would ship an order routed at the snapshot's instant. */
export interface ShipDay {
  /** Local date, `YYYY-MM-DD`. */
  readonly date: string;
  /** Working days after today's local date (0: ships today before the cut-off). */
  readonly workingDaysOut: number;
  /** The cut-off of that day, or the end of the day without one. */
  readonly shipAt: Instant;
  /** `shipAt` in epoch milliseconds. */
  readonly shipMillis: number;
  readonly shipLocal: string;
}

/** What the snapshot needs to know about a warehouse. */
export interface SnapshotWarehouse {
  readonly id: string;
  readonly zone: string;
  readonly cutoff: string | undefined;
  readonly calendar: BusinessCalendar;
  readonly capacityOrders: number | undefined;
  readonly capacityUnits: number | undefined;
}

/**
 * The first working day, today or later, whose cut-off has not passed at `at`; `until` is the
 * first instant it may differ (the cut-off or the next local midnight, whichever is first).
 */
export function shipDayOf(warehouse: SnapshotWarehouse, at: Instant): ShipDay & { readonly until: number } {
  const today = toLocalDateTime(at, warehouse.zone).slice(0, 10);
  const midnight = instantToMillis(toInstant(`${addCalendarDays(today, 1)}T00:00`, warehouse.zone, { disambiguation: 'compatible' }));
  let date = today;
  let workingDaysOut = 0;
  for (let day = 0; day < 800; day++) {
    if (warehouse.calendar.isWorkingDay(date)) {
      if (day > 0) workingDaysOut++;
      const shipAt =
        warehouse.cutoff === undefined
          ? toInstant(`${addCalendarDays(date, 1)}T00:00`, warehouse.zone, { disambiguation: 'compatible' })
          : toInstant(`${date}T${warehouse.cutoff}`, warehouse.zone, { disambiguation: 'compatible' });
      if (day > 0 || at < shipAt) {
        const shipMillis = instantToMillis(shipAt);
        return { date, workingDaysOut, shipAt, shipMillis, shipLocal: toLocalDateTime(shipAt, warehouse.zone), until: Math.min(midnight, day === 0 ? shipMillis : midnight) };
      }
    }
    date = addCalendarDays(date, 1);
  }
  throw new ValidationError('routing snapshot', [{ code: 'no_working_day', path: ['warehouses', warehouse.id, 'calendar'], message: `Warehouse "${warehouse.id}" has no working day in the 800 days after ${at}` }]);
}

/**
 * A snapshot indexed for one router: make it with `router.snapshot(input)` once per batch of
 * orders decided at the same instant, and pass it to every `route` call. Immutable.
 */
export class RoutingSnapshot {
  /** The decision instant. */
  readonly at: Instant;
  /** @internal Per SKU, the offset of its row (one unit count per warehouse index) in `units`. */
  readonly stock: ReadonlyMap<string, number>;
  /** @internal Every SKU's row, side by side, so one order's reads stay close together. */
  readonly units: Float64Array;
  /** @internal Per warehouse index. */
  readonly days: readonly ShipDay[];
  /** @internal Orders each warehouse may still take on its ship day (Infinity without a limit). */
  readonly ordersLeft: Float64Array;
  /** @internal Units each warehouse may still take on its ship day. */
  readonly unitsLeft: Float64Array;
  /** @internal Orders and units already used on the ship day, for the trace. */
  readonly used: readonly { readonly orders: number; readonly units: number }[];
  /** @internal */
  readonly weights: ReadonlyMap<string, number>;
  /** @internal The router it was indexed for. */
  readonly owner: object;
  /** @internal Warehouse index by id. */
  readonly warehouseIndex: ReadonlyMap<string, number>;

  /** @internal Use `router.snapshot(input)`. */
  constructor(owner: object, warehouses: readonly SnapshotWarehouse[], input: RoutingSnapshotInput, dayOf: (warehouse: SnapshotWarehouse, at: Instant) => ShipDay = shipDayOf) {
    const issues: ValidationIssue[] = [];
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ValidationError('routing snapshot', [{ code: 'invalid_type', path: [], message: 'Expected a snapshot { at, stock, capacityUsed?, weights? }' }]);
    }
    if (!isInstant(input.at)) issues.push({ code: 'invalid_type', path: ['at'], message: 'Expected a canonical UTC instant such as "2026-11-30T08:00:00.000Z"' });
    if (!Array.isArray(input.stock)) issues.push({ code: 'invalid_type', path: ['stock'], message: 'Expected an array of { warehouseId, sku, available }' });
    if (input.capacityUsed !== undefined && !Array.isArray(input.capacityUsed)) issues.push({ code: 'invalid_type', path: ['capacityUsed'], message: 'Expected an array of { warehouseId, date, orders, units }' });
    if (input.weights !== undefined && (typeof input.weights !== 'object' || input.weights === null || Array.isArray(input.weights))) {
      issues.push({ code: 'invalid_type', path: ['weights'], message: 'Expected grams per SKU { [sku]: grams }' });
    }
    if (issues.length > 0) throw new ValidationError('routing snapshot', issues);
    const index = new Map(warehouses.map((w, i) => [w.id, i]));
    const rows = new Map<string, number[]>();
    const seen = new Set<string>();
    input.stock.forEach((level, i) => {
      const warehouse = typeof level === 'object' && level !== null ? index.get(level.warehouseId) : undefined;
      if (typeof level !== 'object' || level === null || typeof level.sku !== 'string' || typeof level.warehouseId !== 'string') {
        issues.push({ code: 'invalid_type', path: ['stock', i], message: 'Expected { warehouseId, sku, available }' });
        return;
      }
      if (!Number.isSafeInteger(level.available)) {
        issues.push({ code: 'invalid_type', path: ['stock', i, 'available'], message: 'Expected a whole number of units' });
        return;
      }
      if (warehouse === undefined) return; // a warehouse outside the network: not routable, not an error
      const key = `${level.warehouseId}\u0000${level.sku}`;
      if (seen.has(key)) issues.push({ code: 'duplicate_stock', path: ['stock', i], message: `SKU "${level.sku}" in warehouse "${level.warehouseId}" is listed twice` });
      seen.add(key);
      let row = rows.get(level.sku);
      if (row === undefined) {
        row = new Array<number>(warehouses.length).fill(0);
        rows.set(level.sku, row);
      }
      row[warehouse] = Math.max(0, level.available);
    });
    const weights = new Map<string, number>();
    for (const [sku, grams] of Object.entries(input.weights ?? {})) {
      if (!Number.isFinite(grams) || grams < 0) issues.push({ code: 'invalid_type', path: ['weights', sku], message: 'Expected grams as a non-negative number' });
      else weights.set(sku, grams);
    }
    if (issues.length > 0) throw new ValidationError('routing snapshot', issues);
    const days = warehouses.map((w) => dayOf(w, input.at));
    const usage = new Map<string, { orders: number; units: number }>();
    (input.capacityUsed ?? []).forEach((entry, i) => {
      if (typeof entry !== 'object' || entry === null || !Number.isSafeInteger(entry.orders) || !Number.isSafeInteger(entry.units) || typeof entry.date !== 'string') {
        issues.push({ code: 'invalid_type', path: ['capacityUsed', i], message: 'Expected { warehouseId, date: "YYYY-MM-DD", orders, units } with whole numbers' });
        return;
      }
      const key = `${entry.warehouseId}\u0000${entry.date}`;
      const sum = usage.get(key) ?? { orders: 0, units: 0 };
      usage.set(key, { orders: sum.orders + entry.orders, units: sum.units + entry.units });
    });
    if (issues.length > 0) throw new ValidationError('routing snapshot', issues);
    this.used = warehouses.map((w, i) => usage.get(`${w.id}\u0000${(days[i] as ShipDay).date}`) ?? { orders: 0, units: 0 });
    this.ordersLeft = Float64Array.from(warehouses, (w, i) => (w.capacityOrders === undefined ? Infinity : w.capacityOrders - (this.used[i] as { orders: number }).orders));
    this.unitsLeft = Float64Array.from(warehouses, (w, i) => (w.capacityUnits === undefined ? Infinity : w.capacityUnits - (this.used[i] as { units: number }).units));
    this.at = input.at;
    const stock = new Map<string, number>();
    const units = new Float64Array(rows.size * warehouses.length);
    let offset = 0;
    for (const [sku, row] of rows) {
      stock.set(sku, offset);
      units.set(row, offset);
      offset += warehouses.length;
    }
    this.stock = stock;
    this.units = units;
    this.days = days;
    this.weights = weights;
    this.owner = owner;
    this.warehouseIndex = index;
    Object.freeze(this);
  }
}

/**
 * @internal Uses up what an allocation took: its units of each SKU and one order and its units of
 * each shipping warehouse's daily capacity. Only for snapshots a simulation made for itself.
 */
export function consumeSnapshot(
  snapshot: RoutingSnapshot,
  order: { readonly lines: readonly { readonly lineId: string; readonly sku: string }[] },
  decision: { readonly allocations: readonly { readonly lineId: string; readonly warehouseId: string; readonly quantity: number }[]; readonly shipments: readonly { readonly warehouseId: string; readonly units: number }[] },
): void {
  const units = snapshot.units as Float64Array;
  for (const allocation of decision.allocations) {
    const sku = order.lines.find((line) => line.lineId === allocation.lineId)?.sku;
    const row = sku === undefined ? undefined : snapshot.stock.get(sku);
    const warehouse = snapshot.warehouseIndex.get(allocation.warehouseId);
    if (row !== undefined && warehouse !== undefined) units[row + warehouse] = (units[row + warehouse] as number) - allocation.quantity;
  }
  for (const shipment of decision.shipments) {
    const warehouse = snapshot.warehouseIndex.get(shipment.warehouseId);
    if (warehouse === undefined) continue;
    snapshot.ordersLeft[warehouse] = (snapshot.ordersLeft[warehouse] as number) - 1;
    snapshot.unitsLeft[warehouse] = (snapshot.unitsLeft[warehouse] as number) - shipment.units;
  }
}
