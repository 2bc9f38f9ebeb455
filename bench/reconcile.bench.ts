// Reconciliation benchmark: wall time and peak RSS of 100k and 1M records per side, sorted and
// unsorted, two and three sides; each run in its own process so its peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SIZES = (process.env.ORDO_BENCH_RECONCILE_SIZES ?? '100000,1000000').split(',').map(Number);

interface Figures {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly keys: number;
  readonly differences: number;
  readonly partitions: number;
}

function runChild(records: number, sides: number, mode: 'sorted' | 'unsorted'): Figures {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'reconcile-child.ts'), String(records), String(sides), mode], { encoding: 'utf8', cwd: join(here, '..') });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Figures;
}

/** Runs the reconciliation benchmark and prints seconds, records/s and peak RSS per case, with the goals. */
export async function run(): Promise<void> {
  console.log('reconcile: records per side, streamed from generators (never held); 1% of totals and 0.1% of statuses differ per side');
  const seconds = new Map<string, number>();
  for (const mode of ['sorted', 'unsorted'] as const) {
    for (const sides of [2, 3]) {
      for (const records of SIZES) {
        const f = runChild(records, sides, mode);
        seconds.set(`${mode}/${sides}/${records}`, f.seconds);
        const rate = Math.round((records * sides) / f.seconds).toLocaleString('en-US');
        console.log(
          `  ${mode.padEnd(8)} ${sides} sides x ${records.toLocaleString('en-US').padStart(9)}: ${f.seconds.toFixed(2).padStart(6)} s  ${rate.padStart(10)} records/s  peak RSS ${f.peakRssMb.toFixed(0).padStart(4)} MB  ${f.differences.toLocaleString('en-US')} differences${f.partitions > 0 ? `, ${f.partitions} partitions` : ''}`,
        );
      }
      if (SIZES.length >= 2) {
        const [small, large] = [SIZES[0] as number, SIZES.at(-1) as number];
        const ratio = (seconds.get(`${mode}/${sides}/${large}`) as number) / (seconds.get(`${mode}/${sides}/${small}`) as number);
        console.log(`  ${mode.padEnd(8)} ${sides} sides: ${large / small}x the records took ${ratio.toFixed(1)}x the time (linear: ${large / small}x)`);
      }
    }
  }
  console.log('  goals: sorted 1M vs 1M < 5 s and < 300 MB peak RSS; unsorted < 20 s within the same bound; time linear in size');
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
