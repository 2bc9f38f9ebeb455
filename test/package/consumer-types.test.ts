// A strict TypeScript consumer of the packed tarball: `strict`, no `skipLibCheck`, and only the
// packages a user has (ordo's own dependencies, @types/node), never Ordo's dev dependencies
// such as @types/luxon.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const built = existsSync(join(root, 'dist/index.d.ts'));

/** What a user's project would see: ordo unpacked, its dependencies, @types/node and TypeScript. */
const PROVIDED = ['zod', 'luxon', 'eventemitter3', 'fastest-levenshtein', 'libphonenumber-js', 'p-retry', 'pinyin-pro', 'safe-regex2', '@types/node', 'undici-types'];

const CONSUMER = `
import { createOrderHub, createManualClock, resolveZone, toInstant, type Order, type TimeZone } from 'ordo';
import { createMemoryStorage } from 'ordo/adapters/memory';
import { createPostgresStorage, type PostgresStorage } from 'ordo/adapters/postgres';
import { createSqliteStorage } from 'ordo/adapters/sqlite';
import { storageConformance } from 'ordo/testing';

const clock = createManualClock('2026-11-11T00:00:00+08:00');
const hub = createOrderHub({ clock, storage: createMemoryStorage() });
const zone: TimeZone = resolveZone('Asia/Shanghai');
const offset: number = zone.offset(0);
const at: string = toInstant('2026-01-01T00:00', 'America/New_York');
const pg: (options: { connectionString: string }) => PostgresStorage = createPostgresStorage;
export const used = [hub, offset, at, pg, createSqliteStorage, storageConformance] as const;
export type Shipped = Order['status'];
`;

describe.runIf(built)('a strict consumer of the packed tarball', () => {
  const work = mkdtempSync(join(tmpdir(), 'ordo-consumer-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('type-checks under strict without skipLibCheck and without @types/luxon', () => {
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const modules = join(work, 'node_modules');
    mkdirSync(join(modules, 'ordo'), { recursive: true });
    execFileSync('tar', ['-xzf', join(work, tarball as string), '-C', join(modules, 'ordo'), '--strip-components=1']);
    mkdirSync(join(modules, '@types'), { recursive: true });
    for (const name of PROVIDED) {
      const from = join(root, 'node_modules', name);
      if (existsSync(from)) symlinkSync(from, join(modules, name), 'dir');
    }
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(work, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: ['node'] },
        files: ['consumer.ts'],
      }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', work], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 120_000);
});
