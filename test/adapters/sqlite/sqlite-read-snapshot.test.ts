// A read of several statements sees one snapshot: another connection's commit between them is not
// half seen (an order's row from before, its history from after, tore concurrent routing apart).
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteContext } from '../../../src/adapters/storage/sqlite/sqlite-driver.js';
import { tempDir, type TempDir } from '../../support/sqlite.js';

describe('SQLite reads', () => {
  let dir: TempDir | undefined;
  afterEach(() => dir?.remove());

  it('see one snapshot across their statements while another connection commits', async () => {
    dir = tempDir('ordo-snapshot-');
    const file = dir.file('db.sqlite');
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t (n INTEGER)');
    writer.exec('INSERT INTO t VALUES (1)');
    const context = createSqliteContext({ prefix: '', open: async () => new Database(file), ownsDatabase: true, busyTimeoutMs: 1_000 });
    try {
      const seen = await context.read('test', (session) => {
        const before = session.get<{ c: number }>('SELECT count(*) AS c FROM t')?.c;
        writer.exec('INSERT INTO t VALUES (2)'); // another process commits in between
        const after = session.get<{ c: number }>('SELECT count(*) AS c FROM t')?.c;
        return [before, after];
      });
      expect(seen).toEqual([1, 1]);
      expect(await context.read('test', (session) => session.get<{ c: number }>('SELECT count(*) AS c FROM t')?.c)).toBe(2);
    } finally {
      await context.close();
      writer.close();
    }
  });
});
