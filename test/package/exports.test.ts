// The built package as users import it: every subpath through `import` and `require`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { import: { types: string; default: string }; require: { types: string; default: string } }>;
};

/** A value each entry must export, so an empty or wrong bundle fails too. */
const EXPECTED: Record<string, string> = {
  '.': 'createOrdo',
  './adapters/memory': 'createMemoryStorage',
  './adapters/sqlite': 'createSqliteStorage',
  './adapters/postgres': 'createPostgresStorage',
  './adapters/webhook': 'verifyWebhook',
  './adapters/ops-board': 'createOpsBoard',
  './adapters/prometheus': 'registerOrdoMetrics',
  './adapters/carrier': 'createMemoryCarrier',
  './adapters/rabbitmq': 'createRabbitMqTransport',
  './testing': 'storageConformance',
  './clock': 'toInstant',
  './orders': 'createOrderMachine',
  './intake': 'defineChannel',
  './approval': 'compilePolicy',
  './routing': 'compileRouting',
  './sync': 'diffRecords',
  './customers': 'createCustomerMatcher',
  './app': 'ingest',
  './tasks': 'decideRetry',
  './ops': 'compileSlas',
  './errors': 'isOrdoError',
  './money': 'formatMoney',
};

const subpaths = Object.keys(pkg.exports).filter((p) => p !== './package.json');
const built = existsSync(join(root, 'dist/index.js'));

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

describe.runIf(built)('the built package', () => {
  it('exports every subpath the tests know about, and the tests know every subpath', () => {
    expect(subpaths.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const subpath of subpaths) {
    const specifier = subpath === '.' ? 'ordo' : `ordo/${subpath.slice(2)}`;
    const name = EXPECTED[subpath] ?? 'missing-from-EXPECTED';

    it(`${specifier} loads with import() and has ${name}`, () => {
      const out = node(['--input-type=module', '-e', `const m = await import('${specifier}'); console.log(typeof m['${name}'])`]);
      expect(out).toBe('function');
    });

    it(`${specifier} loads with require() and has ${name}`, () => {
      const out = node(['-e', `const m = require('${specifier}'); console.log(typeof m['${name}'])`]);
      expect(out).toBe('function');
    });

    it(`${specifier} ships declarations for both conditions`, () => {
      const entry = pkg.exports[subpath];
      if (entry === undefined || typeof entry === 'string') throw new Error(`${subpath} must have import and require conditions`);
      for (const file of [entry.import.types, entry.import.default, entry.require.types, entry.require.default]) {
        expect(existsSync(join(root, file)), `${file} exists`).toBe(true);
      }
    });
  }

  it('ordo/testing ships the channel fixtures, for ESM and CommonJS alike', () => {
    const esm = node(['--input-type=module', '-e', "const t = await import('ordo/testing'); console.log(t.FIXTURE_CHANNELS.map((c) => c + ':' + Object.keys(t.channelFixtures(c)).length).join(' '))"]);
    expect(esm).toMatch(/^tmall:\d+ jd:\d+ douyin:\d+ pinduoduo:\d+ wechat-mini:\d+ pos:\d+$/);
    const cjs = node(['-e', "const t = require('ordo/testing'); console.log(t.channelFixture('tmall').tid)"]);
    expect(cjs).toMatch(/^\d+$/);
  });

  it('keeps database and broker drivers out of the core import graph', () => {
    const drivers = ['pg', 'better-sqlite3', 'amqplib'];
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from\s*|import\s*\(?\s*)["']([^"']+)["']/g)) {
        const spec = match[1] as string;
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        else if (drivers.includes(spec.split('/')[0] as string)) offending.push(`${file} imports ${spec}`);
      }
    };
    visit(join(root, 'dist/index.js'));
    visit(join(root, 'dist/adapters/memory.js'));
    expect(offending).toEqual([]);
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe.runIf(!built)('the built package (not built)', () => {
  it('is skipped: run `npm run build` first (npm test does)', () => {
    console.warn('test/package/exports.test.ts: dist/ is missing, so the exports map is not checked in this run');
  });
});
