// examples/pipeline.ts, the README's integration section, runs on PostgreSQL with RabbitMQ as it
// runs embedded (test/package/examples.test.ts runs it embedded): the same decisions either way.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { dropPrefix, postgresTarget, randomName } from '../support/postgres.js';
import { rabbitTarget } from '../support/rabbitmq.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
const [postgres, rabbit] = await Promise.all([postgresTarget(), rabbitTarget()]);
const skipReason = postgres.skipReason ?? rabbit.skipReason;
if (skipReason !== undefined) console.warn(`examples/pipeline.ts on PostgreSQL and RabbitMQ skipped: ${skipReason}`);

async function example(env: Record<string, string>): Promise<string> {
  const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), ['examples/pipeline.ts'], { cwd: root, env: { ...process.env, ...env }, timeout: 120_000 });
  return stdout;
}

const summary = (out: string): string => out.trim().split('\n').at(-1) ?? '';
// Waybill numbers come from a counter per carrier and depend on the order steps ran in: compare what was decided.
const decisions = (out: string): string => out.replace(/MC\d{12}/g, 'MC…');

describe.skipIf(skipReason !== undefined)('examples/pipeline.ts on PostgreSQL with RabbitMQ', () => {
  it('ends every order where the embedded run does, with one waybill per shipment and every system in step', async () => {
    const embedded = await example({ ORDO_EXAMPLE_POSTGRES_URL: '', ORDO_EXAMPLE_RABBITMQ_URL: '' });
    const prefix = `${randomName('pipeline_')}_`;
    const pool = new pg.Pool({ connectionString: postgres.url as string, max: 1 });
    let served: string;
    try {
      served = await example({ ORDO_EXAMPLE_POSTGRES_URL: postgres.url as string, ORDO_EXAMPLE_RABBITMQ_URL: rabbit.url as string, ORDO_EXAMPLE_TABLE_PREFIX: prefix });
    } finally {
      await dropPrefix(pool, 'public', prefix);
      await pool.end();
    }
    expect(summary(embedded)).toBe('6 accepted; 5 allocated with 5 waybills; WMS holds 5, finance 6; the partner verified 17 webhooks');
    expect(decisions(served)).toBe(decisions(embedded));
  }, 240_000);
});
