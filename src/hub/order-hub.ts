// The facade: wires the order machine, storage, transport, outbox relay and clock for the common pipeline.
import { createMemoryStorage } from '../adapters/storage/memory/index.js';
import { createMemoryTransport } from '../adapters/transport/memory/index.js';
import { systemClock, type Clock } from '../clock/clock.js';
import { IdempotencyError } from '../errors/idempotency-error.js';
import { createUuidSource, type IdSource } from '../ids/id-source.js';
import type { CreateOrderInput } from '../orders/create-order.js';
import type { DefaultOrderEvent, OrderEventBase } from '../orders/order-events.js';
import { createOrderMachine } from '../orders/order-machine.js';
import type { NextEvent, OrderMachine } from '../orders/order-machine-types.js';
import type { OrderStatus } from '../orders/order-statuses.js';
import type { HistoryEntry, Order } from '../orders/order.js';
import type { StoragePort } from '../ports/storage-port.js';
import type { TransportPort } from '../ports/transport-port.js';
import { createOutboxRelay, type OutboxRelay, type OutboxRelayResult } from '../app/outbox-relay.js';
import { applyOrderEvent, type ApplyOrderEventOptions, type ApplyOrderEventResult } from '../app/apply-order-event.js';
import { insertOrFindOrder } from '../app/insert-order.js';
import { routeAndReserve, type RouteAndReserveOptions, type RouteAndReserveResult } from '../app/route-and-reserve.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Router } from '../routing/router.js';
import { z } from 'zod';
import { option, parseOptions } from '../errors/options.js';

/** Configuration of {@link createOrderHub}; every part has an embedded default. */
export interface OrderHubConfig<S extends string = OrderStatus, E extends OrderEventBase<string> = DefaultOrderEvent> {
  /**
   * Where orders, history and the outbox live.
   * @default createMemoryStorage()
   */
  readonly storage?: StoragePort;
  /**
   * Where outbox events are published.
   * @default createMemoryTransport()
   */
  readonly transport?: TransportPort;
  /**
   * The only source of "now".
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * The order lifecycle.
   * @default createOrderMachine()
   */
  readonly machine?: OrderMachine<S, E>;
  /**
   * Makes ids for orders created without one.
   * @default createUuidSource('ord_')
   */
  readonly ids?: IdSource;
  /**
   * This process's name as an outbox relay (leases are held per owner).
   * @default 'ordo-relay-' + a random id
   */
  readonly relayOwner?: string;
  /**
   * Re-applies after a concurrent write this many times before giving up.
   * @default 5
   */
  readonly conflictRetries?: number;
  /**
   * The compiled routing policy `route(orderId)` uses (`compileRouting`).
   * @default none: `route` refuses with INVALID_OPTIONS
   */
  readonly router?: Router;
}

/** The outcome of {@link OrderHub.createOrder}. */
export interface CreateOrderOutcome<S extends string> {
  readonly order: Order<S>;
  /** False when (channel, channelOrderId) was already stored: the stored order is returned. */
  readonly created: boolean;
}

/** The order pipeline with its adapters wired; see {@link createOrderHub}. */
export interface OrderHub<S extends string = OrderStatus, E extends OrderEventBase<string> = DefaultOrderEvent> {
  readonly storage: StoragePort;
  readonly transport: TransportPort;
  readonly clock: Clock;
  readonly machine: OrderMachine<S, E>;
  /** Delivers committed outbox events to the transport; `start()` it for a background loop. */
  readonly relay: OutboxRelay;
  /**
   * Validates and stores a new order with its first history entry and an `order.created`
   * event. Idempotent by (channel, channelOrderId): the same input sent again returns the
   * stored order with `created: false`.
   * @throws ValidationError for bad input, with every issue's path; IdempotencyError
   * `IDEMPOTENCY_MISMATCH` when the channel order was created before from other content (other
   * lines, amounts or buyer): a changed order is an event, not a second create.
   */
  createOrder(input: CreateOrderInput, options?: { readonly actor?: string }): Promise<CreateOrderOutcome<S>>;
  /** Applies an event to a stored order; see {@link applyOrderEvent}. Null for an unknown order. */
  apply(orderId: string, event: E, options?: ApplyOrderEventOptions): Promise<ApplyOrderEventResult<S> | null>;
  /** The stored order, or null. */
  get(orderId: string): Promise<Order<S> | null>;
  /** The stored, append-only history, oldest first. */
  history(orderId: string): Promise<HistoryEntry<S>[]>;
  /** What the stored order may do next, with guard verdicts; null for an unknown order. */
  nextEvents(orderId: string): Promise<NextEvent<S, E['type']>[] | null>;
  /**
   * Routes an approved order with the hub's `router` and commits reservations, capacity and the
   * `allocate` event as one unit; see {@link routeAndReserve}. Null for an unknown order.
   * @throws ValidationError `INVALID_OPTIONS` when the hub has no router.
   */
  route(orderId: string, options?: RouteAndReserveOptions): Promise<RouteAndReserveResult<S> | null>;
  /** Publishes what is pending in the outbox once (the relay's `runOnce`). */
  publishPending(): Promise<OutboxRelayResult>;
  /** Stops the relay and closes the transport and storage. */
  close(): Promise<void>;
}

const hubConfigSchema = z.strictObject({
  storage: option.withMethods<StoragePort>('a StoragePort', 'commit', 'orders.get', 'outbox.claim').optional(),
  transport: option.withMethods<TransportPort>('a TransportPort', 'publish').optional(),
  clock: option.withMethods<Clock>('a Clock', 'now', 'millis').optional(),
  machine: option.withMethods<OrderMachine<string, OrderEventBase<string>>>('an order machine from createOrderMachine()', 'transition', 'createOrder').optional(),
  ids: option.fn<IdSource>().optional(),
  relayOwner: option.text().optional(),
  conflictRetries: option.nonNegativeInt().default(5),
  router: option.withMethods<Router>('a router from compileRouting()', 'route', 'snapshot').optional(),
});

/**
 * Wires the order pipeline: machine, storage (with its outbox), transport and relay, all on one
 * injected clock. With no configuration it runs embedded, in memory.
 * @deprecated Use `createOrdo` (the runtime and its order facade); see CHANGELOG for the migration. Stays until 1.0.
 *
 * @example
 * const hub = createOrderHub({ clock: createManualClock('2026-11-11T00:00:00+08:00') });
 * const { order } = await hub.createOrder({ channel: 'tmall', channelOrderId: 'T1', ... });
 * await hub.apply(order.id, { id: 'evt-1', type: 'pay' });
 * await hub.publishPending();
 */
export function createOrderHub(): OrderHub;
export function createOrderHub<S extends string = OrderStatus, E extends OrderEventBase<string> = DefaultOrderEvent>(
  config: OrderHubConfig<S, E>,
): OrderHub<S, E>;
export function createOrderHub(config: OrderHubConfig<string, OrderEventBase<string>> = {}): OrderHub<string, OrderEventBase<string>> {
  const parsed = parseOptions('createOrderHub config', hubConfigSchema, config);
  const storage = parsed.storage ?? createMemoryStorage();
  const transport = parsed.transport ?? createMemoryTransport();
  const clock = parsed.clock ?? systemClock;
  const machine = parsed.machine ?? (createOrderMachine() as unknown as OrderMachine<string, OrderEventBase<string>>);
  const ids = parsed.ids ?? createUuidSource('ord_');
  const relay = createOutboxRelay({
    storage,
    transport,
    clock,
    owner: parsed.relayOwner ?? createUuidSource('ordo-relay-')(),
  });
  const deps = { storage, machine, clock };
  const retries = parsed.conflictRetries;

  return Object.freeze({
    storage,
    transport,
    clock,
    machine,
    relay,
    async createOrder(input: CreateOrderInput, options: { readonly actor?: string } = {}) {
      // Validate (pure, throws ValidationError) before any read, so bad input never reaches storage.
      const order = machine.createOrder(input, options.actor === undefined ? { clock, ids } : { clock, ids, actor: options.actor });
      const sameRequest = (stored: Order<string>): { order: Order<string>; created: false } => {
        const storedPrint = stored.history[0]?.fingerprint;
        const sentPrint = order.history[0]?.fingerprint;
        if (storedPrint !== undefined && sentPrint !== undefined && storedPrint !== sentPrint) {
          throw new IdempotencyError(`${order.channel}:${order.channelOrderId}`, {
            kind: 'Channel order',
            details: { orderId: stored.id, reason: 'this channel order was created before with other content' },
          });
        }
        return { order: stored, created: false };
      };
      const stored = await insertOrFindOrder(storage, order);
      return stored.created ? { order, created: true } : sameRequest(stored.order);
    },
    apply: (orderId: string, event: OrderEventBase<string>, options: ApplyOrderEventOptions = {}) =>
      applyOrderEvent(deps, orderId, event, { retries, ...options }),
    get: (orderId: string) => storage.orders.get(orderId),
    history: (orderId: string) => storage.orders.history(orderId),
    async nextEvents(orderId: string) {
      const order = await storage.orders.get(orderId);
      return order ? machine.nextEvents(order, { clock }) : null;
    },
    async route(orderId: string, options: RouteAndReserveOptions = {}) {
      const router = parsed.router;
      if (router === undefined) {
        throw new ValidationError('createOrderHub options', [{ code: 'invalid_type', path: ['router'], message: 'route() needs a router: createOrderHub({ router: compileRouting({ network, policy }) })' }], { code: 'INVALID_OPTIONS' });
      }
      return routeAndReserve({ storage, machine, clock, router }, orderId, options);
    },
    publishPending: () => relay.runOnce(),
    async close() {
      await relay.stop();
      await transport.close();
      await storage.close();
    },
  });
}
