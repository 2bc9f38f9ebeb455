// Runtime benchmark: payload to allocated order with its waybill, through createOrdo (ingest, then
// the relay, the step tasks and the task worker) beside the same steps glued by hand (ingest,
// approval read-decide-apply, routeAndReserve, waybill request), in memory and on PostgreSQL,
// rounds alternating so machine load hits both alike. The ratio is the runtime's overhead.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createMemoryCarrier } from '../src/adapters/carrier.js';
import { createMemoryStorage } from '../src/adapters/memory.js';
import { createPostgresStorage } from '../src/adapters/postgres.js';
import { applyOrderEvent, createStorageFactProviders, createWaybillService, ingest, routeAndReserve } from '../src/app/index.js';
import {
  BUILT_IN_CHANNELS,
  collectFacts,
  compilePolicy,
  compileRouting,
  createCustomerFactProvider,
  createOrderMachine,
  createOrdo,
  evaluate,
  SEED_POLICY,
  SEED_ROUTING_NETWORK,
  SEED_ROUTING_POLICY,
  systemClock,
  type StoragePort,
} from '../src/index.js';
import { channelFixture } from '../src/testing/index.js';
import { POSTGRES_URL, postgresProblem } from './bench-postgres.js';

const ROUNDS = Number(process.env.ORDO_BENCH_RUNTIME_ROUNDS ?? 5);
const SENDER = { country: 'CN', province: '浙江省', city: '杭州市', street: '仓前街道 1 号' };
const customerFacts = async () => ({ creditScore: 720, isBlocked: false });
const catalogue = () => ({ category: 'home', weightGrams: 400 });
let serial = 0;

function payloads(count: number): { channel: string; payload: unknown }[] {
  return Array.from({ length: count }, () => {
    const i = serial++;
    const trade = channelFixture('tmall', 'paid') as { orders: { oid: string }[] } & Record<string, unknown>;
    const tid = `8${String(i).padStart(15, '0')}`;
    return { channel: 'tmall', payload: { ...trade, tid, buyer_open_uid: `bench-${i}`, orders: trade.orders.map((line, n) => ({ ...line, oid: `${tid}${n}` })) } };
  });
}

async function stock(storage: StoragePort): Promise<void> {
  for (const sku of ['TEA-LJ-250', 'CUP-CELADON']) await storage.inventory.setStock('HZ', sku, 10_000_000, systemClock.now());
}

const policy = compilePolicy(SEED_POLICY);
const router = compileRouting({ network: SEED_ROUTING_NETWORK, policy: SEED_ROUTING_POLICY });
const machine = createOrderMachine();

/** The pipeline as a user glued it before createOrdo: each step called in turn, 20 orders at a time. */
async function glued(storage: StoragePort, batch: { channel: string; payload: unknown }[]): Promise<number> {
  const clock = systemClock;
  const providers = [...createStorageFactProviders(storage), createCustomerFactProvider({ load: customerFacts })];
  const waybills = createWaybillService({ storage, clock, carrier: createMemoryCarrier({ clock }), sender: SENDER, owner: 'bench' });
  const report = await ingest(batch, { storage, clock, channels: BUILT_IN_CHANNELS, machine, concurrency: 20 });
  const ids = report.items.map((item) => item.orderId as string);
  let allocated = 0;
  for (let start = 0; start < ids.length; start += 20) {
    await Promise.all(
      ids.slice(start, start + 20).map(async (id) => {
        const order = await storage.orders.get(id);
        if (order === null) return;
        const decision = evaluate(policy, await collectFacts(order, providers, { clock }));
        if (decision.outcome !== 'approve') return;
        await applyOrderEvent({ storage, machine, clock }, id, { id: `${id}:approval:${order.version}`, type: 'approve' }, { current: order });
        const routed = await routeAndReserve({ storage, machine, clock, router }, id, { catalogue });
        if (routed?.ok !== true || routed.value.outcome !== 'allocated') return;
        await waybills.requestFor(id);
        allocated += 1;
      }),
    );
  }
  return allocated;
}

/** The same steps run by createOrdo. */
async function runtime(storage: StoragePort, batch: { channel: string; payload: unknown }[]): Promise<number> {
  const ordo = createOrdo({ storage, transports: [], catalogue, approval: { customerFacts }, routing: { router }, waybills: { carrier: createMemoryCarrier({ clock: systemClock }), sender: SENDER }, tasks: { batchSize: Number(process.env.ORDO_BENCH_RUNTIME_BATCH ?? 20) } });
  const report = await ordo.ingest(batch);
  await ordo.settle();
  let allocated = 0;
  for (const item of report.items) if ((await storage.orders.get(item.orderId as string))?.status === 'allocated') allocated += 1;
  return allocated;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function compare(label: string, orders: number, open: () => Promise<{ storage: StoragePort; cleanup: () => Promise<void> }>): Promise<void> {
  const rates: Record<'glued' | 'runtime', number[]> = { glued: [], runtime: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: ('glued' | 'runtime')[] = round % 2 === 0 ? ['glued', 'runtime'] : ['runtime', 'glued'];
    for (const contender of order) {
      const { storage, cleanup } = await open();
      await stock(storage);
      const batch = payloads(orders);
      const started = process.hrtime.bigint();
      const allocated = await (contender === 'glued' ? glued(storage, batch) : runtime(storage, batch));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (allocated !== orders) throw new Error(`${contender} allocated ${allocated} of ${orders}`);
      rates[contender].push(orders / seconds);
      await cleanup();
    }
  }
  const g = median(rates.glued);
  const r = median(rates.runtime);
  console.log(`${label}: ${orders} orders per round, ${ROUNDS} rounds, payload to allocated order with its waybill`);
  console.log(`  glued by hand   ${g.toFixed(0).padStart(7)} orders/s (median)`);
  console.log(`  createOrdo      ${r.toFixed(0).padStart(7)} orders/s (median)   runtime/glued ${(r / g).toFixed(2)}x, overhead ${((g / r - 1) * 100).toFixed(0)}%`);
}

export async function run(): Promise<void> {
  await compare('memory', Number(process.env.ORDO_BENCH_RUNTIME_ORDERS ?? 500), async () => ({ storage: createMemoryStorage(), cleanup: async () => undefined }));
  const problem = await postgresProblem();
  if (problem !== undefined) {
    console.log(`PostgreSQL part skipped: ${POSTGRES_URL} does not answer (${problem})`);
    return;
  }
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  await compare('PostgreSQL', Number(process.env.ORDO_BENCH_RUNTIME_PG_ORDERS ?? 300), async () => {
    const schema = `ordo_bench_runtime_${randomBytes(4).toString('hex')}`;
    const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema, maxConnections: 20 });
    await storage.migrate();
    return {
      storage,
      cleanup: async () => {
        await storage.close();
        await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      },
    };
  });
  await admin.end();
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
