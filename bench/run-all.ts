// Runs every module's benchmark in turn (`npm run bench`); `npm run bench -- orders approval` runs a subset.
import os from 'node:os';

const suites: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  orders: () => import('./orders.bench.js'),
  approval: () => import('./approval.bench.js'),
  routing: () => import('./routing.bench.js'),
  intake: () => import('./intake.bench.js'),
  customers: () => import('./customers.bench.js'),
  storage: () => import('./storage.bench.js'),
  sync: () => import('./sync.bench.js'),
  reconcile: () => import('./reconcile.bench.js'),
  webhook: () => import('./webhook.bench.js'),
  rabbitmq: () => import('./rabbitmq.bench.js'),
  jobs: () => import('./jobs.bench.js'),
  metrics: () => import('./metrics.bench.js'),
  import: () => import('./import.bench.js'),
  runtime: () => import('./runtime.bench.js'),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Ordo benchmarks on ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`);
console.log(`Load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (figures are noisy when this is high)\n`);

for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) {
  console.log(`\n######## ${name} ########`);
  const suite = await suites[name]!();
  await suite.run();
}
