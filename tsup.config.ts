// Builds the published package: one entry per public subpath, ESM + CJS + declarations.
import { defineConfig } from 'tsup';

/** One entry per public subpath; test/package/exports.test.ts checks every exported path resolves. */
const entry = {
  index: 'src/index.ts',
  'adapters/memory': 'src/adapters/memory.ts',
  'adapters/sqlite': 'src/adapters/sqlite.ts',
  'adapters/postgres': 'src/adapters/postgres.ts',
  'adapters/webhook': 'src/adapters/webhook.ts',
  'adapters/ops-board': 'src/adapters/ops-board.ts',
  'adapters/prometheus': 'src/adapters/prometheus.ts',
  'adapters/carrier': 'src/adapters/carrier.ts',
  'adapters/rabbitmq': 'src/adapters/rabbitmq.ts',
  testing: 'src/testing/index.ts',
  clock: 'src/clock/index.ts',
  orders: 'src/orders/index.ts',
  intake: 'src/intake/index.ts',
  approval: 'src/approval/index.ts',
  routing: 'src/routing/index.ts',
  sync: 'src/sync/index.ts',
  customers: 'src/customers/index.ts',
  app: 'src/app/index.ts',
  tasks: 'src/tasks/index.ts',
  ops: 'src/ops/index.ts',
  errors: 'src/errors/entry.ts',
  money: 'src/money/index.ts',
  // The `ordo` command line (package.json `bin`), not a subpath.
  cli: 'src/cli/ordo.ts',
};

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
  // Drivers are optional peer dependencies: never bundled, only imported by their adapter's entry.
  external: ['pg', 'better-sqlite3', 'amqplib', 'prom-client', 'bwip-js', 'bwip-js/node'],
  // p-retry is ESM-only; bundling it keeps `require('ordo')` working on every Node 20 release.
  noExternal: ['p-retry', 'is-network-error'],
});
