// PostgreSQL's orders.listByCustomer: migration 4 backfills the customer columns of older rows and replaces the commit function; the listing reads one index.
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage, type PostgresStorage } from '../../../src/adapters/postgres.js';
import { createFixedClock } from '../../../src/clock/index.js';
import { createOrder, type Order } from '../../../src/orders/index.js';
import { postgresTarget, randomName, testSchema } from '../../support/postgres.js';

const target = await postgresTarget();

function order(id: string, customerRef: string, createdAt: string): Order<string> {
  return createOrder<string>(
    { id, channel: 'tmall', channelOrderId: `T-${id}`, customerRef, currency: 'CNY', lines: [{ sku: 'TEA-1', quantity: 1, unitPrice: { amount: 1990, currency: 'CNY' } }] },
    { clock: createFixedClock(createdAt) },
  );
}

const create = (o: Order<string>) => ({ order: o, expectedVersion: null, newHistory: o.history });

describe.skipIf(target.url === undefined)('PostgreSQL orders.listByCustomer', () => {
  const url = target.url as string;
  const schema = testSchema(url);
  afterAll(() => schema.drop());
  const open = (): PostgresStorage => createPostgresStorage({ connectionString: url, schema: schema.name, tablePrefix: randomName('cust_'), maxConnections: 2 });

  it('migration 4 fills customer_ref and created_at of orders stored before it, and the commit function fills them after', async () => {
    const storage = open();
    await storage.migrate();
    const table = (name: string): string => `"${schema.name}"."${storage.location.tablePrefix}${name}"`;
    const a = order('ord-a', 'cus-1', '2026-03-01T00:00:00Z');
    const b = order('ord-b', 'cus-1', '2026-03-02T00:00:00Z');
    const c = order('ord-c', 'cus-2', '2026-03-03T00:00:00Z');
    await storage.commit({ orders: [create(a), create(b)] });
    await storage.commit({ orders: [create(c)] });
    // Back to version 3: the rows keep only their JSON, as a database written before version 4 does.
    await schema.pool.query(`ALTER TABLE ${table('orders')} DROP COLUMN customer_ref, DROP COLUMN created_at`);
    await schema.pool.query(`DELETE FROM ${table('migrations')} WHERE version = 4`);
    await storage.migrate();
    const rows = await schema.pool.query(`SELECT id, customer_ref, created_at FROM ${table('orders')} ORDER BY id`);
    expect(rows.rows).toEqual([
      { id: 'ord-a', customer_ref: 'cus-1', created_at: a.createdAt },
      { id: 'ord-b', customer_ref: 'cus-1', created_at: b.createdAt },
      { id: 'ord-c', customer_ref: 'cus-2', created_at: c.createdAt },
    ]);
    expect(await storage.orders.listByCustomer('cus-1')).toEqual([b, a]);
    // Two orders in one unit go through the replaced commit function.
    const d = order('ord-d', 'cus-2', '2026-03-04T00:00:00Z');
    const e = order('ord-e', 'cus-3', '2026-03-05T00:00:00Z');
    await storage.commit({ orders: [create(d), create(e)] });
    expect(await storage.orders.listByCustomer('cus-2')).toEqual([d, c]);
    const nullable = await schema.pool.query(
      `SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name IN ('customer_ref', 'created_at') ORDER BY column_name`,
      [schema.name, `${storage.location.tablePrefix}orders`],
    );
    expect(nullable.rows).toEqual([
      { column_name: 'created_at', is_nullable: 'NO' },
      { column_name: 'customer_ref', is_nullable: 'NO' },
    ]);
    await storage.close();
  });

  it('reads the customer index backwards: no sort', async () => {
    const storage = open();
    await storage.migrate();
    const table = `"${schema.name}"."${storage.location.tablePrefix}orders"`;
    const client = await schema.pool.connect();
    try {
      // An empty table would be scanned whole anyway; the plan is asked for as if it were large.
      await client.query('SET enable_seqscan = off');
      const plan = await client.query(
        `EXPLAIN SELECT o.data FROM ${table} o WHERE o.customer_ref = $1 AND o.created_at >= $2 ORDER BY o.created_at DESC, o.id COLLATE "C" DESC LIMIT $3`,
        ['cus-1', '', 100],
      );
      const text = (plan.rows as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Scan Backward using \S*customer_ref_created_at_id_idx/);
      expect(text).not.toMatch(/Sort/);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
      await storage.close();
    }
  });
});
