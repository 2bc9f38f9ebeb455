// The pipeline, top to bottom: which committed event starts which step. Read this file to know
// what Ordo does with an order after it arrives; `createOrdo` runs exactly this.
import { expectObject } from '../errors/validation-error.js';
import type { Order } from '../orders/order.js';
import type { TransportMessage } from '../ports/transport-port.js';

/** The steps, in the order an order meets them. */
export const PIPELINE_STEPS = ['customers', 'approval', 'routing', 'waybills', 'sync'] as const;

/** A step's name. */
export type PipelineStepName = (typeof PIPELINE_STEPS)[number];

/** One line of the pipeline: the event that starts a step, and what the step does. */
export interface PipelineLine {
  readonly step: PipelineStepName;
  /** The outbox topic that starts it. */
  readonly on: string;
  /** The statuses entered (the event's `to`) that start it; absent: every status change. */
  readonly to?: readonly string[];
  /** Only for orders that ship goods (see {@link shipsGoods}). */
  readonly onlyShipping: boolean;
  readonly does: string;
}

/**
 * The whole pipeline. Every step reads the order again when it runs (an event is a wake-up call,
 * not the truth), decides purely, and commits its effect in one unit with the event id that makes
 * a second run a no-op, so a step that runs twice (a crash, a redelivery) changes nothing twice.
 *
 * Before it: intake (`ordo.ingest`, `ordo.createOrder`) stores the order with an id of one shape
 * for every door, `<channel>:<channelOrderId>`, and the events its channel status implies (`pay`).
 * After every step: the relay hands each committed event to every transport whose topics match.
 */
export const PIPELINE: readonly PipelineLine[] = Object.freeze([
  {
    step: 'customers',
    on: 'order.created',
    onlyShipping: false,
    does: 'links the buyer to a customer profile and merges it with the profile the matcher is sure of (approval links first too, so its facts follow the merge)',
  },
  {
    step: 'approval',
    on: 'order.status_changed',
    to: ['paid'],
    onlyShipping: false,
    does: 'collects the facts, evaluates the approval policy and applies approve, hold or reject with the explanation stored in history',
  },
  {
    step: 'routing',
    on: 'order.status_changed',
    to: ['approved'],
    onlyShipping: true,
    does: 'routes and reserves stock in one unit; holds with the reason when stock is short, and routes again when it arrives',
  },
  {
    step: 'waybills',
    on: 'order.status_changed',
    to: ['allocated', 'cancelled'],
    onlyShipping: true,
    does: 'requests a waybill per shipping warehouse on allocation, cancels them on cancellation; retried while the carrier is down',
  },
  {
    step: 'sync',
    on: 'order.status_changed',
    onlyShipping: false,
    does: 'pushes the order to each target that hears its status, reads it back, diffs, and compensates what differs',
  },
] satisfies PipelineLine[]);

/**
 * The pipeline's rule for orders that ship nothing: an order without a shipping address (a store
 * sale settled at the counter, a voucher) skips routing and waybills instead of failing them.
 */
export function shipsGoods(order: Order<string>): boolean {
  expectObject('shipsGoods order', order, 'an order');
  return order.shippingAddress !== undefined;
}

/** The steps an outbox message starts, in pipeline order. */
export function stepsFor(message: TransportMessage, enabled: ReadonlySet<PipelineStepName>): PipelineStepName[] {
  const payload = message.payload as { readonly to?: unknown } | null;
  const to = typeof payload === 'object' && payload !== null && typeof payload.to === 'string' ? payload.to : undefined;
  const steps: PipelineStepName[] = [];
  for (const line of PIPELINE) {
    if (!enabled.has(line.step) || line.on !== message.topic) continue;
    if (line.to !== undefined && (to === undefined || !line.to.includes(to))) continue;
    steps.push(line.step);
  }
  return steps;
}
