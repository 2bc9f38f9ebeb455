// `ordo`, the command line, end to end against PostgreSQL: every command, its exit code, --json,
// and personal data masked in what it prints.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT, main } from '../../src/cli/ordo.js';
import { createOrdo, systemClock } from '../../src/index.js';
import { channelFixture } from '../../src/testing/index.js';
import { postgresTarget, testSchema } from '../support/postgres.js';
import makeConfig from './ordo.config.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const target = await postgresTarget();

async function ordo(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['--config', join(here, 'ordo.config.ts'), ...argv], { out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) }, root);
  return { code, out, err };
}

describe.skipIf(target.skipReason !== undefined)('the ordo command line on PostgreSQL', () => {
  const schema = testSchema(target.url ?? '');
  const orderId = 'tmall:3862104598812345';
  let quarantineId = '';

  beforeAll(async () => {
    process.env['ORDO_CLI_POSTGRES_URL'] = target.url;
    process.env['ORDO_CLI_SCHEMA'] = schema.name;
    expect((await ordo('migrate')).code).toBe(EXIT.ok);
    // Orders arrive as they would in production: one good payload, one that quarantines.
    const setup = createOrdo(makeConfig());
    for (const sku of ['TEA-LJ-250', 'CUP-CELADON']) await setup.storage.inventory.setStock('HZ', sku, 100, systemClock.now());
    const bad = { ...channelFixture('tmall', 'paid'), tid: '3862104598800009', payment: '274.999' };
    const report = await setup.ingest([{ channel: 'tmall', payload: channelFixture('tmall', 'paid') }, { channel: 'tmall', payload: bad }]);
    quarantineId = report.items[1]?.quarantineId ?? '';
    await setup.settle();
    await setup.close();
  }, 60_000);
  afterAll(() => schema.drop());

  it('explains an order, in text and in JSON, with personal data masked; an unknown order exits 3', async () => {
    const text = await ordo('explain', orderId);
    expect(text.code).toBe(EXIT.ok);
    expect(text.out).toContain(`Order ${orderId}`);
    expect(text.out).toContain('allocate approved -> allocated');
    expect(text.out).not.toMatch(/13812345678|王小明/);
    const json = await ordo('explain', orderId, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ orderId, status: 'allocated' });
    const missing = await ordo('explain', 'tmall:nope', '--json');
    expect(missing.code).toBe(EXIT.notFound);
    expect(JSON.parse(missing.out)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('lists, shows (masked) and replays quarantined payloads', async () => {
    const list = await ordo('quarantine', 'list', '--json');
    expect(list.code).toBe(EXIT.ok);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ id: quarantineId, source: 'intake:tmall', status: 'open' })]);
    const show = await ordo('quarantine', 'show', quarantineId);
    expect(show.code).toBe(EXIT.ok);
    expect(show.out).toContain('payment');
    expect(show.out).not.toMatch(/13812345678|王小明|文三路 478/);
    expect(show.out).toContain('138****5678');
    // Replayed unchanged it is still wrong: refused, exit 4.
    expect((await ordo('quarantine', 'replay', quarantineId)).code).toBe(EXIT.refused);
    expect((await ordo('quarantine', 'show', 'nope')).code).toBe(EXIT.notFound);
  });

  it('lists tasks and refuses to retry one that is not dead', async () => {
    const tasks = await ordo('tasks', 'list', '--json');
    expect(tasks.code).toBe(EXIT.ok);
    const list = JSON.parse(tasks.out) as { id: string; status: string; kind: string; payload?: unknown }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((task) => task.payload === undefined && typeof task.kind === 'string')).toBe(true);
    expect(tasks.out).not.toMatch(/13812345678|王小明/);
    expect((await ordo('tasks', 'retry', list[0]?.id ?? '')).code).toBe(EXIT.refused);
    expect((await ordo('tasks', 'retry', 'nope')).code).toBe(EXIT.notFound);
    expect((await ordo('tasks', 'dead', '--json')).out.trim()).toBe('[]');
  });

  it('plans a guarded job, and engages and releases the kill switch with who and why', async () => {
    const plan = await ordo('job', 'plan', 'auto-cancel-unpaid', '--json');
    expect(plan.code).toBe(EXIT.ok);
    expect(JSON.parse(plan.out)).toMatchObject({ jobId: 'auto-cancel-unpaid', dryRun: true });
    expect((await ordo('job', 'kill', '--by', 'ops:alice')).code).toBe(EXIT.usage);
    expect((await ordo('job', 'kill', '--by', 'ops:alice', '--reason', 'peak starts')).code).toBe(EXIT.ok);
    expect((await ordo('job', 'resume', '--by', 'ops:alice', '--reason', 'all clear')).code).toBe(EXIT.ok);
  });

  it('reconciles every order against the WMS and exits 5 on differences', async () => {
    const result = await ordo('reconcile', '--json');
    expect(result.code).toBe(EXIT.differences);
    expect(JSON.parse(result.out)).toMatchObject({ orders: 1, targets: [{ system: 'wms', compared: 1, missing: 1 }] });
  });

  it('runs the pipeline until SIGTERM, and serves the board until SIGTERM', async () => {
    const start = (args: string[]) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/ordo.ts'), '--config', join(here, 'ordo.config.ts'), ...args], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      const said = new Promise<string>((resolve) => child.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (/running as|ops board on/.test(err)) resolve(err);
      }));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { child, said, exited };
    };
    const worker = start(['run', '--concurrency', '2']);
    await worker.said;
    const setup = createOrdo(makeConfig());
    const second = { ...channelFixture('tmall', 'paid'), tid: '3862104598800077', buyer_open_uid: 'cli-run' };
    await setup.ingest([{ channel: 'tmall', payload: second }]);
    await vi.waitFor(async () => expect((await setup.get('tmall:3862104598800077'))?.status).toBe('allocated'), { timeout: 30_000, interval: 100 });
    await setup.close();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(EXIT.ok);

    const board = start(['board', '--port', '0']);
    const port = Number(/localhost:(\d+)/.exec(await board.said)?.[1]);
    const snapshot = await fetch(`http://127.0.0.1:${port}/snapshot.json`);
    expect(snapshot.status).toBe(200);
    expect(await snapshot.json()).toMatchObject({ metrics: expect.any(Object) });
    board.child.kill('SIGTERM');
    expect(await board.exited).toBe(EXIT.ok);
  }, 90_000);

  it('answers a wrong command line with the usage and exit 2', async () => {
    const unknown = await ordo('frobnicate');
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.err).toContain('Usage: ordo');
    expect((await ordo('explain')).code).toBe(EXIT.usage);
    // Without --config and with no ordo.config.* in the directory: a usage error that says what to do.
    let said = '';
    expect(await main(['explain', 'x'], { out: () => undefined, err: (text) => (said += text) }, root)).toBe(EXIT.usage);
    expect(said).toContain('No ordo.config.mjs');
  });
});

describe('the built ordo binary', () => {
  it.runIf(existsSync(join(root, 'dist/cli.js')))('prints its usage and exits 2 without a command, 0 with --help', async () => {
    const run = promisify(execFile);
    const help = await run(process.execPath, [join(root, 'dist/cli.js'), '--help']);
    expect(help.stdout).toContain('Usage: ordo <command>');
    await expect(run(process.execPath, [join(root, 'dist/cli.js')])).rejects.toMatchObject({ code: EXIT.usage });
  });
});
