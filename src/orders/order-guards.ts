// The default lifecycle's guards: cancel or readdress before shipment, ship what was allocated, refund what was paid.
import { isInstant } from '../clock/instant.js';
import { quoteCode } from '../errors/mask.js';
import { addressSchema } from '../model/address.js';
import { formatMoney, type Money } from '../money/money.js';
import type { OrderGuardSpec } from './order-machine-types.js';
import type { AllocateEvent, AnyOrderEvent, LineQuantity, PayEvent, RefundEvent, ShipEvent } from './order-events.js';
import type { Order, OrderLine } from './order.js';

/** The guard names of the default lifecycle. */
export const DEFAULT_ORDER_GUARD_NAMES = [
  'payment_valid',
  'reason_given',
  'allocation_exact',
  'shipment_within_allocation',
  'nothing_shipped',
  'return_within_shipped',
  'refund_within_paid',
  'address_valid',
] as const;

function findLine(order: Order<string>, lineId: string): OrderLine | undefined {
  const lines = order.lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as OrderLine;
    if (line.lineId === lineId) return line;
  }
  return undefined;
}

function allocatedUnits(line: OrderLine): number {
  let total = 0;
  for (const allocation of line.allocations) total += allocation.quantity;
  return total;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** A money amount the order can take: its currency, integer minor units, above zero. */
function moneyProblem(order: Order<string>, amount: unknown, what: string): string | undefined {
  const m = amount as Money | undefined;
  if (typeof m !== 'object' || m === null || typeof m.currency !== 'string' || !isPositiveInteger(m.amount)) {
    return `${what} must be a positive integer amount of minor units in ${order.currency}`;
  }
  if (m.currency !== order.currency) return `${what} is in ${m.currency} but the order is in ${order.currency}`;
  return undefined;
}

/**
 * Checks a list of line quantities against a per-line limit. Quantities for the same line are
 * summed, so a shipment listing a line twice cannot slip past the limit.
 */
function lineQuantitiesProblem(
  order: Order<string>,
  lines: unknown,
  limit: (line: OrderLine) => number,
  describe: (lineId: string, requested: number, available: number) => string,
): string | undefined {
  if (!Array.isArray(lines) || lines.length === 0) return 'lines must list at least one { lineId, quantity }';
  const list = lines as readonly LineQuantity[];
  // One pass sums per line (a line listed twice is summed), one lookup per distinct line: linear.
  const byId = order.lines.length > 16 ? new Map(order.lines.map((line) => [line.lineId, line])) : undefined;
  const requested = new Map<string, { line: OrderLine; quantity: number }>();
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as LineQuantity;
    if (typeof item !== 'object' || item === null) return `lines[${i}] must be { lineId, quantity }`;
    const seen = requested.get(item.lineId);
    const line = seen?.line ?? (byId === undefined ? findLine(order, item.lineId) : byId.get(item.lineId));
    if (line === undefined) return `Unknown line ${quoteCode(item.lineId)}`;
    if (!isPositiveInteger(item.quantity)) return `Line ${line.lineId}: quantity must be a positive integer`;
    if (seen === undefined) requested.set(line.lineId, { line, quantity: item.quantity });
    else seen.quantity += item.quantity;
  }
  for (const [lineId, { line, quantity }] of requested) {
    const available = limit(line);
    if (quantity > available) return describe(lineId, quantity, available);
  }
  return undefined;
}

function someLine(order: Order<string>, test: (line: OrderLine) => boolean): boolean {
  for (const line of order.lines) if (test(line)) return true;
  return false;
}

const paymentValid: OrderGuardSpec = {
  description: 'The payment is in the order currency and brings the paid amount to at least the total; a deposit pays part of it, once, before the balance.',
  check(order, event) {
    const pay = event as unknown as PayEvent;
    const due = order.totals.total.amount - order.payment.paid.amount;
    if (pay.deposit === true) {
      if (order.payment.deposit !== undefined) return 'A deposit was paid already: the next payment is the balance';
      if (pay.amount === undefined) return 'A deposit needs its amount';
      const problem = moneyProblem(order, pay.amount, 'The deposit');
      if (problem !== undefined) return problem;
      if (pay.amount.amount <= 0 || pay.amount.amount >= due) return `A deposit is more than nothing and less than the ${formatMoney({ amount: due, currency: order.currency })} due; pay the whole as a payment`;
      if (pay.balanceDueAt !== undefined && !isInstant(pay.balanceDueAt)) return 'balanceDueAt must be an Instant (a deadline resolved in its zone)';
      return true;
    }
    if (pay.amount === undefined) return due > 0 ? true : 'Nothing is due: the order is already paid in full';
    const problem = moneyProblem(order, pay.amount, 'The payment');
    if (problem !== undefined) return problem;
    if (pay.amount.amount < due) {
      return `The payment of ${formatMoney(pay.amount)} does not cover the ${formatMoney({ amount: due, currency: order.currency })} due`;
    }
    return true;
  },
  dryRun: (order) => (order.totals.total.amount - order.payment.paid.amount > 0 ? true : 'Nothing is due: the order is already paid in full'),
};

const reasonGiven: OrderGuardSpec = {
  description: 'The event says why.',
  check: (_order, event) => (typeof event.reason === 'string' && event.reason.trim() !== '' ? true : 'A reason is required'),
  dryRun: () => true,
};

const allocationExact: OrderGuardSpec = {
  description: 'After the allocation every line is allocated exactly: allocated units equal ordered units.',
  check(order, event) {
    const allocations = (event as unknown as AllocateEvent).allocations as unknown;
    if (!Array.isArray(allocations) || allocations.length === 0) {
      return 'allocations must list at least one { lineId, warehouseId, quantity }';
    }
    const list = allocations as AllocateEvent['allocations'];
    const known = new Set(order.lines.map((line) => line.lineId));
    // Units per named line in one pass; lines the event does not name keep their allocation.
    const units = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (typeof item !== 'object' || item === null) return `allocations[${i}] must be { lineId, warehouseId, quantity }`;
      if (!known.has(item.lineId)) return `Unknown line ${quoteCode(item.lineId)}`;
      if (typeof item.warehouseId !== 'string' || item.warehouseId === '') return `allocations[${i}]: warehouseId is required`;
      if (!isPositiveInteger(item.quantity)) return `Line ${item.lineId}: quantity must be a positive integer`;
      units.set(item.lineId, (units.get(item.lineId) ?? 0) + item.quantity);
    }
    for (const line of order.lines) {
      const allocated = units.get(line.lineId) ?? allocatedUnits(line);
      if (allocated !== line.quantity) {
        return `Line ${line.lineId}: ${allocated} of ${line.quantity} units allocated; allocations must match the ordered quantity exactly`;
      }
    }
    return true;
  },
  dryRun: () => true,
};

const shipmentWithinAllocation: OrderGuardSpec = {
  description: 'Each shipped line ships no more than its allocated, not yet shipped units.',
  check(order, event) {
    const ship = event as unknown as ShipEvent;
    if (typeof ship.shipmentId !== 'string' || ship.shipmentId === '') return 'shipmentId is required';
    for (const shipment of order.shipments) {
      if (shipment.shipmentId === ship.shipmentId) return `Shipment ${quoteCode(ship.shipmentId)} was already recorded`;
    }
    const problem = lineQuantitiesProblem(
      order,
      ship.lines,
      (line) => allocatedUnits(line) - line.shippedQuantity,
      (lineId, requested, available) =>
        `Line ${lineId}: cannot ship ${requested} units, only ${available} allocated and not yet shipped`,
    );
    if (problem !== undefined) return problem;
    if (ship.warehouseId !== undefined) {
      for (const item of ship.lines) {
        const line = findLine(order, item.lineId) as OrderLine;
        if (!line.allocations.some((a) => a.warehouseId === ship.warehouseId)) {
          return `Line ${item.lineId} has no allocation in warehouse ${quoteCode(ship.warehouseId)}`;
        }
      }
    }
    return true;
  },
  dryRun: (order) =>
    someLine(order, (line) => allocatedUnits(line) > line.shippedQuantity) ? true : 'No allocated unit is left to ship',
};

const SHIPPED = 'Units have already shipped; cancel is only possible before shipment (request a return instead)';
const SHIPPED_ADDRESS = 'Units have already shipped; the shipping address can only change before shipment';

const nothingShipped: OrderGuardSpec = {
  description: 'No unit has shipped yet.',
  check(order, event) {
    if (order.shipments.length === 0 && order.lines.every((line) => line.shippedQuantity === 0)) return true;
    return event.type === 'change_address' ? SHIPPED_ADDRESS : SHIPPED;
  },
};

const returnWithinShipped: OrderGuardSpec = {
  description: 'Each returned line returns no more than its shipped, not yet returned units.',
  check(order, event: AnyOrderEvent) {
    if (event.lines === undefined && event.type === 'request_return') {
      return someLine(order, (line) => line.shippedQuantity > line.returnedQuantity) ? true : 'No shipped unit is left to return';
    }
    return (
      lineQuantitiesProblem(
        order,
        event.lines,
        (line) => line.shippedQuantity - line.returnedQuantity,
        (lineId, requested, available) =>
          `Line ${lineId}: cannot return ${requested} units, only ${available} shipped and not yet returned`,
      ) ?? true
    );
  },
  dryRun: (order) =>
    someLine(order, (line) => line.shippedQuantity > line.returnedQuantity) ? true : 'No shipped unit is left to return',
};

const refundWithinPaid: OrderGuardSpec = {
  description: 'Refunds in total never exceed what was paid.',
  check(order, event) {
    const amount = (event as unknown as RefundEvent).amount;
    const problem = moneyProblem(order, amount, 'The refund');
    if (problem !== undefined) return problem;
    const { paid, refunded } = order.payment;
    if (refunded.amount + amount.amount > paid.amount) {
      const left = { amount: paid.amount - refunded.amount, currency: order.currency };
      return `A refund of ${formatMoney(amount)} exceeds what is left to refund: ${formatMoney(left)} (paid ${formatMoney(paid)}, refunded ${formatMoney(refunded)})`;
    }
    return true;
  },
  dryRun: (order) => (order.payment.paid.amount > order.payment.refunded.amount ? true : 'Nothing paid is left to refund'),
};

const addressValid: OrderGuardSpec = {
  description: 'The new address passes the address schema: an ISO country code, a street, no unknown fields.',
  check(_order, event) {
    const address = event.address;
    if (typeof address !== 'object' || address === null || Array.isArray(address)) return 'address must be an object { country, street, ... }';
    const parsed = addressSchema.safeParse(address);
    if (parsed.success) return true;
    // Paths and zod's messages only: never the values, which are personal data.
    const [first, ...rest] = parsed.error.issues;
    const where = ['address', ...(first?.path ?? [])].map(String).join('.');
    return `The address is invalid: ${where}: ${first?.message ?? 'invalid'}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}`;
  },
  dryRun: () => true,
};

/** The guards of the default lifecycle, by name; a definition may replace one by its name. */
export const DEFAULT_ORDER_GUARDS: Readonly<Record<(typeof DEFAULT_ORDER_GUARD_NAMES)[number], OrderGuardSpec>> = Object.freeze({
  payment_valid: paymentValid,
  reason_given: reasonGiven,
  allocation_exact: allocationExact,
  shipment_within_allocation: shipmentWithinAllocation,
  nothing_shipped: nothingShipped,
  return_within_shipped: returnWithinShipped,
  refund_within_paid: refundWithinPaid,
  address_valid: addressValid,
});
