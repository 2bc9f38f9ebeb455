// What the RabbitMQ transport declares on a broker, by name, and a way to remove it again.
import { connect } from 'amqplib';
import { z } from 'zod';
import { option, parseOptions } from '../../../errors/options.js';
import { TransportError } from '../../../errors/transport-error.js';

/** Which transport's objects: the same names the transport was created with. */
export interface RabbitMqTopologyOptions {
  /** @default 'ordo.events' */
  readonly exchange?: string;
  /** @default 'ordo.' */
  readonly queuePrefix?: string;
  /** The consumer groups that subscribed (each has a queue and a dead-letter queue). */
  readonly groups: readonly string[];
}

/** Everything a transport with these names declares. */
export interface RabbitMqTopology {
  /** `<exchange>` (topic: every event) and `<exchange>.dead` (direct: dead letters by group). */
  readonly exchanges: readonly { readonly name: string; readonly type: 'topic' | 'direct' }[];
  /** Per group: `<queuePrefix><group>` (bound to the events it subscribed to) and `<queuePrefix><group>.dead` (bound to the dead-letter exchange by group). */
  readonly queues: readonly { readonly name: string; readonly group: string; readonly role: 'deliveries' | 'dead_letters' }[];
}

const topologySchema = z.strictObject({
  exchange: option.text().default('ordo.events'),
  queuePrefix: z.string().default('ordo.'),
  groups: z.array(option.text()),
});

/**
 * The exchanges and queues a RabbitMQ transport with these names declares: nothing else is made
 * on the broker. Pure: for documentation, permissions and clean-up scripts.
 * @example rabbitMqTopology({ groups: ['wms', 'finance'] }).queues.map((q) => q.name) // ['ordo.wms', 'ordo.wms.dead', 'ordo.finance', 'ordo.finance.dead']
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function rabbitMqTopology(options: RabbitMqTopologyOptions): RabbitMqTopology {
  const { exchange, queuePrefix, groups } = parseOptions('rabbitMqTopology options', topologySchema, options);
  return {
    exchanges: [
      { name: exchange, type: 'topic' },
      { name: `${exchange}.dead`, type: 'direct' },
    ],
    queues: groups.flatMap((group) => [
      { name: `${queuePrefix}${group}`, group, role: 'deliveries' as const },
      { name: `${queuePrefix}${group}.dead`, group, role: 'dead_letters' as const },
    ]),
  };
}

/**
 * Deletes what a transport with these names declared: each group's queue and dead-letter queue
 * (with the messages in them, dead letters included), then both exchanges. Names that are not
 * there are skipped. Run it with no transport of these names connected.
 * @returns the names deleted.
 * @throws ValidationError `INVALID_OPTIONS`; TransportError when the broker cannot be reached or refuses.
 * @example await deleteRabbitMqTopology({ url, groups: ['wms', 'finance'] })
 */
export async function deleteRabbitMqTopology(options: RabbitMqTopologyOptions & { readonly url: string }): Promise<{ readonly deleted: readonly string[] }> {
  const url = parseOptions('deleteRabbitMqTopology options', z.object({ url: option.url(['amqp:', 'amqps:'], 'amqp://user:password@127.0.0.1:5672') }).passthrough(), options).url;
  const { url: _url, ...names } = options;
  const topology = rabbitMqTopology(names);
  let connection;
  try {
    connection = await connect(url);
  } catch (error) {
    throw new TransportError('TRANSPORT_FAILURE', { operation: 'deleteTopology', message: 'cannot connect to RabbitMQ' }, { cause: error });
  }
  const deleted: string[] = [];
  try {
    for (const item of [...topology.queues.map((q) => ({ name: q.name, kind: 'queue' as const })), ...topology.exchanges.map((e) => ({ name: e.name, kind: 'exchange' as const }))]) {
      // A missing name closes the channel (404): check on a channel of its own, then delete.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        if (item.kind === 'queue') await channel.checkQueue(item.name);
        else await channel.checkExchange(item.name);
      } catch {
        continue;
      }
      if (item.kind === 'queue') await channel.deleteQueue(item.name);
      else await channel.deleteExchange(item.name);
      deleted.push(item.name);
      await channel.close().catch(() => undefined);
    }
  } catch (error) {
    throw new TransportError('TRANSPORT_FAILURE', { operation: 'deleteTopology', message: 'the broker refused a deletion' }, { cause: error });
  } finally {
    await connection.close().catch(() => undefined);
  }
  return { deleted };
}
