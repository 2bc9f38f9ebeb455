// Test runner configuration: `ordo` subpaths resolve to the sources, as users would import them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^ordo\/adapters\/memory$/, replacement: src('adapters/memory.ts') },
      { find: /^ordo\/adapters\/sqlite$/, replacement: src('adapters/sqlite.ts') },
      { find: /^ordo\/adapters\/postgres$/, replacement: src('adapters/postgres.ts') },
      { find: /^ordo\/adapters\/webhook$/, replacement: src('adapters/webhook.ts') },
      { find: /^ordo\/adapters\/ops-board$/, replacement: src('adapters/ops-board.ts') },
      { find: /^ordo\/adapters\/prometheus$/, replacement: src('adapters/prometheus.ts') },
      { find: /^ordo\/adapters\/carrier$/, replacement: src('adapters/carrier.ts') },
      { find: /^ordo\/adapters\/rabbitmq$/, replacement: src('adapters/rabbitmq.ts') },
      { find: /^ordo\/testing$/, replacement: src('testing/index.ts') },
      { find: /^ordo\/clock$/, replacement: src('clock/index.ts') },
      { find: /^ordo\/orders$/, replacement: src('orders/index.ts') },
      { find: /^ordo\/intake$/, replacement: src('intake/index.ts') },
      { find: /^ordo\/approval$/, replacement: src('approval/index.ts') },
      { find: /^ordo\/routing$/, replacement: src('routing/index.ts') },
      { find: /^ordo\/sync$/, replacement: src('sync/index.ts') },
      { find: /^ordo\/customers$/, replacement: src('customers/index.ts') },
      { find: /^ordo\/app$/, replacement: src('app/index.ts') },
      { find: /^ordo$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // test/run-in-time-zones.mjs sets ORDO_ZONE_PROBE to learn which files read the process zone.
    setupFiles: process.env.ORDO_ZONE_PROBE ? ['test/support/zone-probe.ts'] : [],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
    // Generous: the suite must pass on a shared machine at a load average of 10 (no wall-clock budgets).
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
