// SQLite's orders.listByCustomer: migration 4 backfills the customer columns of older rows, and the listing reads one index.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../../src/adapters/sqlite.js';
import { createFixedClock, type Instant } from '../../../src/clock/index.js';
import { createOrder, type Order } from '../../../src/orders/index.js';

function order(id: string, customerRef: string, createdAt: string): Order<string> {
  return createOrder<string>(
    { id, channel: 'tmall', channelOrderId: `T-${id}`, customerRef, currency: 'CNY', lines: [{ sku: 'TEA-1', quantity: 1, unitPrice: { amount: 1990, currency: 'CNY' } }] },
    { clock: createFixedClock(createdAt) },
  );
}

const create = (o: Order<string>) => ({ order: o, expectedVersion: null, newHistory: o.history });

describe('SQLite orders.listByCustomer', () => {
  it('migration 4 fills customer_ref and created_at of orders stored before it', async () => {
    const db = new Database(':memory:');
    const storage = createSqliteStorage({ database: db, tablePrefix: 'shop_' });
    await storage.migrate();
    const a = order('ord-a', 'cus-1', '2026-03-01T00:00:00Z');
    const b = order('ord-b', 'cus-1', '2026-03-02T00:00:00Z');
    const c = order('ord-c', 'cus-2', '2026-03-03T00:00:00Z');
    await storage.commit({ orders: [create(a), create(b)] });
    await storage.commit({ orders: [create(c)] });
    // Back to version 3: the rows keep only their JSON, as a database written before version 4 does.
    db.exec('DROP INDEX "shop_orders_customer"');
    db.exec('ALTER TABLE "shop_orders" DROP COLUMN customer_ref');
    db.exec('ALTER TABLE "shop_orders" DROP COLUMN created_at');
    db.exec('DELETE FROM "shop_migrations" WHERE version = 4');
    await storage.migrate();
    const rows = db.prepare('SELECT id, customer_ref, created_at FROM "shop_orders" ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'ord-a', customer_ref: 'cus-1', created_at: a.createdAt },
      { id: 'ord-b', customer_ref: 'cus-1', created_at: b.createdAt },
      { id: 'ord-c', customer_ref: 'cus-2', created_at: c.createdAt },
    ]);
    expect(await storage.orders.listByCustomer('cus-1')).toEqual([b, a]);
    expect(await storage.orders.listByCustomer('cus-2', { since: c.createdAt })).toEqual([c]);
    await storage.close();
    db.close();
  });

  it('reads the customer index in its order: no table scan, no sort', async () => {
    const db = new Database(':memory:');
    const storage = createSqliteStorage({ database: db, tablePrefix: 'shop_' });
    await storage.migrate();
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT id, data FROM "shop_orders" WHERE customer_ref = ? AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?')
      .all('cus-1', '' as Instant, 100) as { detail: string }[];
    const details = plan.map((row) => row.detail).join('\n');
    expect(details).toMatch(/USING (COVERING )?INDEX shop_orders_customer/);
    expect(details).not.toMatch(/TEMP B-TREE/);
    await storage.close();
    db.close();
  });
});
