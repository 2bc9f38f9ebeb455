// Runs the whole vitest suite in the first process time zone, then again, in each other zone, the
// test files whose results can depend on it: Ordo must not depend on TZ.
//
// Which files depend on the zone is found by a rule, not a list: the first run loads
// test/support/zone-probe.ts, which records every file that calls an API answering in the process
// zone (local Date getters and text, a Date from local components or offset-less text, Intl
// formatting without a zone). Files that spawn their own processes set TZ themselves. The other
// zones run side by side when the machine has the cores for it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { URL } from 'node:url';

const zones = (process.env.ORDO_TEST_ZONES ?? 'UTC,Asia/Shanghai,America/New_York,Pacific/Chatham').split(',').filter(Boolean);
const extraArgs = process.argv.slice(2);
const probeDir = mkdtempSync(join(tmpdir(), 'ordo-zone-probe-'));

/** Runs vitest under a zone; resolves with its exit status. Output is buffered when `quiet`, so parallel runs do not interleave. */
function vitest(zone, args, { probe = false, quiet = false } = {}) {
  return new Promise((resolve) => {
    const childProbe = `--import=${new URL('./support/zone-probe-child.mjs', import.meta.url).href}`;
    const env = {
      ...process.env,
      TZ: zone,
      // Processes the tests spawn load the probe too, and report under the test file that spawned them.
      ...(probe ? { ORDO_ZONE_PROBE: probeDir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${childProbe}`.trim() } : {}),
    };
    const child = spawn('npx', ['vitest', 'run', ...args], { env, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ zone, status: code ?? 1, output }));
  });
}

const [first, ...others] = zones;
const results = [];
console.log(`\n=== the whole suite under TZ=${first} (finding the time-sensitive files) ===`);
results.push(await vitest(first, extraArgs, { probe: true }));

const marks = join(probeDir, 'time-sensitive.txt');
const lines = existsSync(marks) ? readFileSync(marks, 'utf8').split('\n').filter(Boolean) : [];
const why = new Map(lines.map((line) => line.split('\t')).map(([file, reason]) => [relative(process.cwd(), file), reason]));
rmSync(probeDir, { recursive: true, force: true });
const files = [...why.keys()].sort();
console.log(`\n=== ${files.length} time-sensitive test files (they read the process time zone) ===`);
for (const file of files) console.log(`  ${file}  (${why.get(file)})`);

if (others.length > 0 && files.length > 0) {
  // Each run uses vitest's own workers; two runs at a time keep a 2-core machine busy without thrashing it.
  const parallel = Math.max(1, Math.min(others.length, Math.floor(availableParallelism() / 2) || 1, Number(process.env.ORDO_TEST_ZONE_PARALLEL ?? 2)));
  console.log(`\n=== those files under ${others.map((zone) => `TZ=${zone}`).join(', ')} (${parallel} at a time) ===`);
  const queue = [...others];
  const workers = Array.from({ length: parallel }, async () => {
    while (queue.length > 0) {
      const zone = queue.shift();
      const result = await vitest(zone, [...files, ...extraArgs.filter((arg) => arg.startsWith('-'))], { quiet: true });
      console.log(`\n--- TZ=${zone}: ${result.status === 0 ? 'passed' : 'FAILED'} ---`);
      // A passing run shows its summary; a failing one shows everything.
      console.log(result.status === 0 ? result.output.split('\n').filter((line) => /Test Files|Tests |Type Errors|Duration/.test(line)).join('\n') : result.output);
      results.push(result);
    }
  });
  await Promise.all(workers);
}

console.log('\n=== time-zone summary ===');
for (const { zone, status } of results) console.log(`${status === 0 ? 'ok  ' : 'FAIL'} TZ=${zone}${zone === first ? ' (whole suite)' : ` (${files.length} time-sensitive files)`}`);
const failed = results.filter((r) => r.status !== 0).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
