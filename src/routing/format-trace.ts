// The trace for people: one sentence per warehouse and a Markdown table per rule.
import { ValidationError, expectObject } from '../errors/validation-error.js';
import { formatMoney } from '../money/money.js';
import type { RoutingDecision, WarehouseTrace } from './routing-decision.js';

const units = (n: number | string | null): string => `${n} unit${n === 1 ? '' : 's'}`;

/**
 * One warehouse's line of a trace as a sentence, e.g. `rejected by stock: 1 unit of SKU-1 for
 * line L1 after safety stock 2, 3 needed` or `candidate #2, after #1 by region-preference`.
 */
export function describeWarehouseTrace(entry: WarehouseTrace): string {
  expectObject('describeWarehouseTrace entry', entry, 'a warehouse entry of a routing trace');
  if (entry.verdict === 'candidate') {
    const order = entry.decidedBy === null ? 'best ranked' : `after #${entry.position - 1} by ${entry.decidedBy}`;
    return `${entry.chosen ? 'chosen, ' : ''}candidate #${entry.position}, ${order}`;
  }
  const { filter, actual, required } = entry;
  switch (filter) {
    case 'stock':
      return `rejected by stock: ${units(actual)} of ${entry.sku} for line ${entry.lineId}${entry.safetyStock ? ` after safety stock ${entry.safetyStock}` : ''}, ${required} needed`;
    case 'category':
      return `rejected by category: does not ship ${actual} (line ${entry.lineId})`;
    case 'capacity':
      return `rejected by capacity: ${actual} ${entry.unit} left on ${entry.date}, ${required} needed`;
    case 'ships-within':
      return `rejected by ships-within: ships ${entry.date}, ${actual} working day(s) out, at most ${required} allowed`;
    case 'max-distance':
      return `rejected by max-distance: ${actual === null ? 'distance unknown' : `${actual} km`}, at most ${required} km`;
    case 'serves-region':
      return `rejected by serves-region: serves ${actual || 'no region'}, not ${required}`;
    default:
      return `rejected by ${filter}: ${actual}, ${required} required`;
  }
}

/**
 * A decision's trace as Markdown: per rule looked at, a heading line and a table of every
 * warehouse with its verdict, rank values and reason. For logs, tickets and the README.
 * @example console.log(formatRoutingTrace(router.route(order, snapshot)))
 */
export function formatRoutingTrace(decision: RoutingDecision): string {
  expectObject('formatRoutingTrace decision', decision, 'a decision from router.route()');
  const shape = decision as unknown as Record<string, unknown>;
  if (typeof shape['policy'] !== 'object' || shape['policy'] === null || typeof shape['trace'] !== 'object' || shape['trace'] === null || !Array.isArray((shape['trace'] as { rules?: unknown }).rules)) {
    throw new ValidationError('formatRoutingTrace decision', [{ code: 'invalid_type', path: [], message: 'Expected a decision from router.route(), with its policy and trace' }]);
  }
  const out: string[] = [];
  const outcome =
    decision.outcome === 'allocate'
      ? `allocate by rule ${decision.rule}: ${decision.shipments.map((s) => `${s.warehouseId} (${s.lines.map((l) => `${l.lineId}x${l.quantity}`).join(', ')})`).join(' + ')}`
      : decision.outcome === 'hold'
        ? `hold (${decision.reason})`
        : `backorder by rule ${decision.rule}`;
  out.push(`Order ${decision.orderId}, policy ${decision.policy.id}@${decision.policy.version}: ${outcome}`);
  if (decision.outcome === 'allocate') {
    out.push('', '| shipment | lines | weight | carrier | cost | ships by (warehouse time) | km |', '|---|---|---:|---|---:|---|---:|');
    for (const s of decision.shipments) {
      const cost = s.cost === null ? 'no tariff' : formatMoney(s.cost);
      out.push(`| ${s.warehouseId} | ${s.lines.map((l) => `${l.lineId}x${l.quantity}`).join(', ')} | ${s.weightGrams} g | ${s.carrier ?? '-'} | ${cost} | ${s.estimatedShipLocal.replace('T', ' ')} ${s.zone} | ${s.distanceKm ?? '-'} |`);
    }
  }
  for (const rule of decision.trace.rules) {
    if (!rule.applied) {
      out.push('', `Rule ${rule.ruleId}: skipped, ${rule.skipped}`);
      continue;
    }
    const search = rule.search;
    const how = search === undefined ? '' : `, ${search.candidates} candidate(s), ${search.objective === 'single' ? 'single warehouse' : `split up to ${search.maxShipments} by ${search.objective}`}${search.optimal ? '' : `, not proven optimal (${search.unproven === 'distribution_budget' ? 'too many splits of units to try' : 'the search budget ran out'})`}`;
    out.push('', `Rule ${rule.ruleId}: ${rule.result}${how}`, '');
    out.push(`| warehouse | ${rule.rankers.join(' | ')} | verdict |`);
    out.push(`|---|${rule.rankers.map(() => '---:').join('|')}|---|`);
    const ordered = [...rule.warehouses].sort((a, b) => {
      const pa = a.verdict === 'candidate' ? a.position : Infinity;
      const pb = b.verdict === 'candidate' ? b.position : Infinity;
      return pa - pb;
    });
    for (const entry of ordered) {
      const values = entry.verdict === 'candidate' ? entry.values.map((v) => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(1))) : rule.rankers.map(() => '');
      out.push(`| ${entry.warehouseId} | ${values.join(' | ')} | ${describeWarehouseTrace(entry)} |`);
    }
  }
  if (decision.outcome !== 'allocate' && decision.lines.length > 0) {
    out.push('', 'Lines not routed:');
    for (const line of decision.lines) out.push(`- ${line.lineId} (${line.sku} x${line.quantity}): ${line.reason}, ${line.available} available in eligible warehouses`);
  }
  return out.join('\n');
}
