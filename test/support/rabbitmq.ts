// Test helper: the RabbitMQ the transport tests use, and cleanup of the queues they made.
import { spawnSync } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { connect } from 'amqplib';

export const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** The broker, or why its suites are skipped. */
export type RabbitTarget = { readonly url: string; readonly skipReason?: undefined } | { readonly url?: undefined; readonly skipReason: string };

function reachable(url: string, timeoutMs: number): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: hostname, port: Number(port || 5672), timeout: timeoutMs });
    socket.once('connect', () => (socket.destroy(), resolve(undefined)));
    socket.once('timeout', () => (socket.destroy(), resolve(`no answer within ${timeoutMs} ms`)));
    socket.once('error', (error) => resolve(error.message));
  });
}

let cached: Promise<RabbitTarget> | undefined;

/**
 * With ORDO_TEST_RABBITMQ_URL set, an unreachable broker fails the run loudly; unset, the local
 * default is tried briefly and, when it does not answer, the suites are skipped with a printed reason.
 */
export function rabbitTarget(): Promise<RabbitTarget> {
  cached ??= (async (): Promise<RabbitTarget> => {
    const configured = process.env['ORDO_TEST_RABBITMQ_URL'];
    if (configured !== undefined && configured !== '') {
      const problem = await reachable(configured, 5_000);
      if (problem !== undefined) throw new Error(`ORDO_TEST_RABBITMQ_URL is set but RabbitMQ does not answer there: ${problem}`);
      return { url: configured };
    }
    const problem = await reachable(DEFAULT_RABBITMQ_URL, 1_500);
    if (problem === undefined) return { url: DEFAULT_RABBITMQ_URL };
    const skipReason = `RabbitMQ tests skipped: ORDO_TEST_RABBITMQ_URL is unset and ${DEFAULT_RABBITMQ_URL} does not answer (${problem})`;
    console.warn(skipReason);
    return { skipReason };
  })();
  return cached;
}

/** Deletes the queues and exchanges whose names start with `prefix` (queues listed by rabbitmqctl, when it is there). */
export async function dropRabbitPrefix(url: string, prefix: string, exchanges: readonly string[]): Promise<void> {
  const listed = spawnSync('rabbitmqctl', ['list_queues', 'name', '--quiet', '--no-table-headers'], { encoding: 'utf8' });
  const names = listed.status === 0 ? listed.stdout.split('\n').map((line) => line.trim()).filter((name) => name.startsWith(prefix)) : [];
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name).catch(() => undefined);
    for (const name of exchanges) await channel.deleteExchange(name).catch(() => undefined);
    await channel.close().catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
