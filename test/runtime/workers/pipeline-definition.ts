// One createOrdo definition shared by the multi-process test's workers and its single-process
// reference run: PostgreSQL (or memory), RabbitMQ and a signed webhook, the seed routing network.
import { createMemoryCarrier } from '../../../src/adapters/carrier.js';
import { createMemoryStorage } from '../../../src/adapters/memory.js';
import { createPostgresStorage } from '../../../src/adapters/postgres.js';
import { createRabbitMqTransport } from '../../../src/adapters/rabbitmq.js';
import { createWebhookTransport } from '../../../src/adapters/webhook.js';
import { createOrdo, SEED_ROUTING_NETWORK, SEED_ROUTING_POLICY, systemClock, type Clock, type Ordo, type TransportRoute } from '../../../src/index.js';

export interface PipelineConfig {
  /** Absent: memory storage and no external transports (the reference run). */
  readonly postgres?: { readonly url: string; readonly schema: string; readonly prefix: string };
  readonly rabbitmq?: { readonly url: string; readonly exchange: string; readonly queuePrefix: string };
  readonly webhook?: { readonly url: string; readonly secret: string };
  readonly owner?: string;
}

export function definePipeline(config: PipelineConfig, clock: Clock = systemClock): Ordo {
  const transports: TransportRoute[] = [];
  if (config.rabbitmq !== undefined) transports.push({ name: 'rabbitmq', transport: createRabbitMqTransport({ url: config.rabbitmq.url, exchange: config.rabbitmq.exchange, queuePrefix: config.rabbitmq.queuePrefix }) });
  const webhook = config.webhook;
  if (webhook !== undefined) {
    transports.push({ name: 'partner', topics: ['order.status_changed'], transport: (context) => createWebhookTransport({ ...context, timeoutMs: 3_000, leaseMs: 6_000, allowHttp: true, allowPrivateNetworks: true, endpoints: [{ id: 'partner', url: webhook.url, secrets: webhook.secret, topics: ['order.*'] }] }) });
  }
  return createOrdo({
    storage: config.postgres === undefined ? createMemoryStorage() : createPostgresStorage({ connectionString: config.postgres.url, schema: config.postgres.schema, tablePrefix: config.postgres.prefix, maxConnections: 6 }),
    transports,
    clock,
    ...(config.owner === undefined ? {} : { owner: config.owner }),
    catalogue: () => ({ category: 'home', weightGrams: 400 }),
    approval: { customerFacts: async () => ({ creditScore: 720, isBlocked: false }) },
    routing: { network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY },
    waybills: { carrier: createMemoryCarrier({ clock }), sender: { country: 'CN', province: '浙江省', city: '杭州市', street: '仓前街道 1 号' } },
    // Short leases: a killed worker's claimed steps are taken over within seconds.
    tasks: { batchSize: 50, timeoutMs: 4_000, leaseMs: 6_000 },
    pollIntervalMs: 50,
  });
}
