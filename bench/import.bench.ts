// Cold import time of the built package: `ordo` against each module subpath, in fresh Node
// processes, rounds alternating so machine load hits every subpath alike. Needs `npm run build`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env['IMPORT_BENCH_ROUNDS'] ?? 15);
const SUBPATHS = ['zod', 'ordo', 'ordo/orders', 'ordo/clock', 'ordo/intake', 'ordo/approval', 'ordo/routing', 'ordo/sync', 'ordo/customers', 'ordo/tasks'];

/** Milliseconds from the first line of a fresh process to the module being loaded (ESM or CommonJS). */
function coldImport(specifier: string, kind: 'esm' | 'cjs'): number {
  const script =
    kind === 'esm'
      ? `const t = performance.now(); await import('${specifier}'); console.log(performance.now() - t)`
      : `const t = performance.now(); require('${specifier}'); console.log(performance.now() - t)`;
  const args = kind === 'esm' ? ['--input-type=module', '-e', script] : ['-e', script];
  return Number(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim());
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

export async function run(): Promise<void> {
  if (!existsSync(join(root, 'dist/index.js'))) {
    console.log('import: dist/ is missing; run `npm run build` first');
    return;
  }
  for (const kind of ['esm', 'cjs'] as const) {
    const samples = new Map<string, number[]>(SUBPATHS.map((s) => [s, []]));
    coldImport('ordo', kind); // the disk cache, once, for all alike
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate the order each round so neither side always runs first.
      const order = round % 2 === 0 ? SUBPATHS : [...SUBPATHS].reverse();
      for (const specifier of order) samples.get(specifier)?.push(coldImport(specifier, kind));
    }
    const medians = new Map<string, number>();
    console.log(`cold import (${kind}), ${ROUNDS} fresh processes each:`);
    for (const [specifier, values] of samples) {
      const sorted = [...values].sort((a, b) => a - b);
      medians.set(specifier, quantile(sorted, 0.5));
      console.log(`  ${specifier.padEnd(16)} median ${quantile(sorted, 0.5).toFixed(1)} ms  p90 ${quantile(sorted, 0.9).toFixed(1)} ms`);
    }
    const whole = medians.get('ordo') ?? Number.NaN;
    const orders = medians.get('ordo/orders') ?? Number.NaN;
    const zod = medians.get('zod') ?? Number.NaN;
    // The goals (zod is the users' stack and loads first either way): ordo/orders adds at most 15 ms over zod alone; the root is at most 2x ordo/orders.
    console.log(`  ordo/orders - zod = ${(orders - zod).toFixed(1)} ms (goal <= 15 ms: ${orders - zod <= 15 ? 'met' : 'missed'}); ordo / ordo/orders = ${(whole / orders).toFixed(2)}x (goal <= 2x: ${whole / orders <= 2 ? 'met' : 'missed'})`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
