// "Why is this order where it is": its history with each decision's details, its waybills and its
// open or dead work, as data and as text, with personal data masked.
import type { Instant } from '../clock/instant.js';
import { formatInZone } from '../clock/local-date-time.js';
import { maskLongDigitRuns } from '../errors/mask.js';
import { formatMoney } from '../money/money.js';
import type { HistoryEntry, Order } from '../orders/order.js';
import type { JsonValue } from '../ports/json.js';
import type { Task } from '../ports/task-port.js';

/** One waybill as `explain` shows it. */
export interface ExplainedWaybill {
  readonly warehouseId: string;
  readonly waybillNo: string;
  readonly carrier: string;
  readonly cancelled: boolean;
}

/** One task about the order (a step, a sync retry, a waybill retry) that has not simply completed. */
export interface ExplainedTask {
  readonly queue: string;
  readonly key: string;
  readonly status: Task['status'];
  readonly attempts: number;
  readonly dueAt: Instant;
  readonly lastError?: string;
}

/** What `ordo.explain(orderId)` returns. */
export interface OrderExplanation {
  readonly orderId: string;
  readonly channel: string;
  readonly channelOrderId: string;
  readonly status: string;
  readonly version: number;
  /** Oldest first; reasons and details as recorded (Ordo records codes and fact names, not personal data). */
  readonly history: readonly HistoryEntry<string>[];
  readonly waybills: readonly ExplainedWaybill[];
  readonly tasks: readonly ExplainedTask[];
  /** Where the pipeline stopped and why, when it did (a hold, a refusal, a step switched off). */
  readonly waitingOn: string | null;
  /** The whole explanation as text, times in `zone`. */
  readonly text: string;
}

function describeDetails(details: Readonly<Record<string, JsonValue>> | undefined): string {
  if (details === undefined) return '';
  const parts: string[] = [];
  if (details['step'] === 'approval') {
    const missingDecided = details['decidedByMissingFact'];
    parts.push(
      typeof missingDecided === 'string'
        ? `${String(details['policy'])}: ${String(details['outcome'])} because ${missingDecided} is missing (rule ${String(details['rule'] ?? '(default outcome)')})`
        : `${String(details['policy'])} rule ${String(details['rule'] ?? '(default outcome)')}`,
    );
    const reasons = details['reasons'];
    if (Array.isArray(reasons) && reasons.length > 0) parts.push(`reasons ${reasons.join(', ')}`);
    const missing = details['missingFacts'];
    if (Array.isArray(missing) && missing.length > 0) parts.push(`facts missing: ${missing.join(', ')}`);
  } else if (details['step'] === 'routing') {
    parts.push(`${String(details['policy'])}${details['rule'] === null || details['rule'] === undefined ? '' : ` rule ${String(details['rule'])}`}`);
    if (typeof details['reason'] === 'string') parts.push(`ROUTING_${details['reason']}`);
    if (details['optimal'] === false) parts.push('not proven cheapest (search budget)');
    const shipments = details['shipments'];
    if (Array.isArray(shipments)) {
      for (const shipment of shipments as { warehouseId: string; lines: { lineId: string; quantity: number }[]; carrier: string | null; cost: { amount: number; currency: string } | null }[]) {
        const cost = shipment.cost === null ? '' : ` ${formatMoney(shipment.cost)}`;
        parts.push(`${shipment.warehouseId} ships ${shipment.lines.map((line) => `${line.lineId}x${line.quantity}`).join(' ')}${shipment.carrier === null ? '' : ` by ${shipment.carrier}`}${cost}`);
      }
    }
    const short = details['short'];
    if (Array.isArray(short)) {
      for (const line of short as { lineId: string; sku: string; quantity: number; available: number }[]) parts.push(`${line.lineId} ${line.sku} needs ${line.quantity}, ${line.available} available`);
    }
  }
  return parts.join('; ');
}

/** Where an order waits, read from its status and last entry. */
export function waitingOn(order: Order<string>, enabled: { readonly approval: boolean; readonly routing: boolean; readonly ships: boolean }): string | null {
  const last = order.history.at(-1);
  switch (order.status) {
    case 'pending_payment':
      return order.payment.deposit === undefined ? 'payment' : `the balance (deposit paid${order.payment.balanceDueAt === undefined ? '' : `, due by ${order.payment.balanceDueAt}`})`;
    case 'paid':
      return enabled.approval ? 'the approval step' : 'approval (the approval step is off: ordo.review decides)';
    case 'on_hold':
      return `a review: held ${last?.reason === undefined ? '' : `(${maskLongDigitRuns(last.reason)}) `}until ordo.review(orderId, { decision }) or, for a routing hold, stock`;
    case 'approved':
      return !enabled.ships ? null : enabled.routing ? 'routing (when stock is short everywhere it is routed again as stock comes in)' : 'routing (no routing section: nothing routes it)';
    default:
      return null;
  }
}

/** Formats an explanation as text, times in `zone`. */
export function formatExplanation(explanation: Omit<OrderExplanation, 'text'>, zone: string, total: string): string {
  const lines = [`Order ${explanation.orderId} (${explanation.channel} ${explanation.channelOrderId}): ${explanation.status}, version ${explanation.version}, total ${total}`];
  for (const entry of explanation.history) {
    const move = entry.from === entry.to ? entry.to : `${entry.from} -> ${entry.to}`;
    // A step's details say what its reason says and more; an operator's reason is their own words.
    const step = entry.details?.['step'];
    const why = step === 'approval' || step === 'routing' ? describeDetails(entry.details) : entry.reason === undefined ? '' : maskLongDigitRuns(entry.reason);
    lines.push(`  v${entry.version} ${formatInZone(entry.at, zone)}  ${entry.type} ${move} by ${maskLongDigitRuns(entry.actor)}${why === '' ? '' : ` (${why})`}`);
  }
  for (const waybill of explanation.waybills) lines.push(`  waybill ${waybill.waybillNo} ${waybill.carrier} from ${waybill.warehouseId}${waybill.cancelled ? ' (cancelled)' : ''}`);
  for (const task of explanation.tasks) {
    lines.push(`  task ${task.queue} ${task.key}: ${task.status}, ${task.attempts} attempt${task.attempts === 1 ? '' : 's'}${task.status === 'dead' ? '' : `, due ${formatInZone(task.dueAt, zone)}`}${task.lastError === undefined ? '' : `, last error ${task.lastError}`}`);
  }
  if (explanation.waitingOn !== null) lines.push(`  waiting on ${explanation.waitingOn}`);
  return lines.join('\n');
}
