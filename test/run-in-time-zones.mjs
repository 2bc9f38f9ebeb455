// Runs the whole vitest suite once per process time zone: Ordo must not depend on TZ.
import { spawnSync } from 'node:child_process';

const zones = (process.env.ORDO_TEST_ZONES ?? 'UTC,Asia/Shanghai,America/New_York,Pacific/Chatham').split(',');
const extraArgs = process.argv.slice(2);
const results = [];

for (const zone of zones) {
  console.log(`\n=== vitest under TZ=${zone} ===`);
  const run = spawnSync('npx', ['vitest', 'run', ...extraArgs], {
    stdio: 'inherit',
    env: { ...process.env, TZ: zone },
  });
  results.push({ zone, status: run.status ?? 1 });
}

console.log('\n=== time-zone summary ===');
for (const { zone, status } of results) console.log(`${status === 0 ? 'ok  ' : 'FAIL'} TZ=${zone}`);
const failed = results.filter((r) => r.status !== 0).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
