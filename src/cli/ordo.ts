#!/usr/bin/env node
// `ordo`, the command line for the people on call, over a config module that exports createOrdo's
// options: migrate, run, board, explain, quarantine, tasks, job, reconcile. Exit codes and --json
// for scripts; personal data masked.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createOpsBoard } from '../adapters/ops-board.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { maskDriverText, maskLongDigitRuns } from '../errors/mask.js';
import { createPayloadMasker } from '../intake/personal-data.js';
import type { Task } from '../ports/task-port.js';
import { createOrdo, type Ordo, type OrdoOptions } from '../runtime/create-ordo.js';

/** Exit codes, stable for scripts. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, refused: 4, differences: 5 } as const;

const USAGE = `Usage: ordo <command> [options]   (options: --config FILE, default ordo.config.{mjs,js,ts}; --json)

  migrate                                   create or upgrade the storage schema
  run [--concurrency N]                     run the relay, the steps and the task worker until SIGINT/SIGTERM
  board [--port N]                          serve the live ops board
  explain <orderId>                         the order's history, decisions, waybills and open work
  quarantine list [--source S] [--status S] | show <id> | replay <id>
  tasks list [--queue Q] [--status S] | dead | retry <taskId>
  job plan <jobId> | confirm <jobId> --by WHO | kill --by WHO --reason WHY | resume --by WHO --reason WHY | reset-breaker <jobId> --by WHO --reason WHY
  reconcile [--limit N]                     every order against each sync target's copy

Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 refused, 5 differences found.`;

class UsageError extends Error {}
class NotFound extends Error {}

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

async function loadOrdo(configFile: string | undefined, cwd: string): Promise<Ordo> {
  const candidates = configFile !== undefined ? [configFile] : ['ordo.config.mjs', 'ordo.config.js', 'ordo.config.ts'];
  const found = candidates.map((file) => resolve(cwd, file)).find((file) => existsSync(file));
  if (found === undefined) throw new UsageError(configFile === undefined ? 'No ordo.config.mjs, .js or .ts here: pass --config FILE (a module whose default export is createOrdo options, or a function returning them)' : `No config module at ${configFile}`);
  const module = (await import(pathToFileURL(found).href)) as { default?: unknown };
  const exported = typeof module.default === 'function' ? await (module.default as () => unknown)() : module.default;
  if (typeof exported !== 'object' || exported === null) throw new UsageError(`${found} must export default createOrdo options (or a function returning them, or an Ordo)`);
  return 'pipeline' in exported && 'explain' in exported ? (exported as Ordo) : createOrdo(exported as OrdoOptions);
}

function taskLine(task: Omit<Task, 'payload'> & { readonly kind: string | null }): string {
  return `${task.id}  ${task.queue}  ${task.kind ?? '?'}  ${task.key}  ${task.status}  attempts ${task.attempts}  due ${task.dueAt}${task.lastError === undefined ? '' : `  last error: ${maskLongDigitRuns(task.lastError)}`}`;
}

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`Missing ${what}`);
  return value;
}

/**
 * Runs one command line. Resolves with the exit code; prints through `io`.
 * @example process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: Io = { out: (text) => console.log(text), err: (text) => console.error(text) }, cwd = process.cwd()): Promise<number> {
  let json = false;
  let ordo: Ordo | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        port: { type: 'string' },
        source: { type: 'string' },
        status: { type: 'string' },
        queue: { type: 'string' },
        by: { type: 'string' },
        reason: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    json = values.json === true;
    const [command, sub, arg] = positionals;
    if (values.help === true || command === undefined) {
      io.out(USAGE);
      return command === undefined && values.help !== true ? EXIT.usage : EXIT.ok;
    }
    const print = (data: unknown, text: string): void => io.out(json ? JSON.stringify(data, null, 2) : text);
    const count = (name: string, text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} expects a whole number`);
      return n;
    };
    if (!['migrate', 'run', 'board', 'explain', 'quarantine', 'tasks', 'job', 'reconcile'].includes(command)) throw new UsageError(`Unknown command ${JSON.stringify(command)}`);
    ordo = await loadOrdo(values.config, cwd);

    switch (command) {
      case 'migrate': {
        await ordo.migrate();
        print({ migrated: true }, 'Storage schema is up to date.');
        return EXIT.ok;
      }
      case 'run': {
        const runtime = await ordo.run({ concurrency: count('concurrency', values.concurrency) ?? 1 });
        io.err(`ordo running as ${ordo.owner}; SIGINT or SIGTERM stops it (a second one at once)`);
        await new Promise<void>((done) => {
          const stop = (): void => {
            void runtime.stop().then(done);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        return EXIT.ok;
      }
      case 'board': {
        const board = createOpsBoard({ storage: ordo.storage, clock: ordo.clock, slas: ordo.slas, ...(ordo.jobs === null ? {} : { runner: ordo.jobs }) });
        const server = createServer(board);
        const port = count('port', values.port) ?? 8080;
        await new Promise<void>((listening) => server.listen(port, listening));
        io.err(`ops board on http://localhost:${(server.address() as { port: number }).port}/`);
        await new Promise<void>((done) => {
          const stop = (): void => {
            board.close();
            server.close(() => done());
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        return EXIT.ok;
      }
      case 'explain': {
        const explanation = await ordo.explain(need(sub, 'the order id: ordo explain <orderId>'));
        if (explanation === null) throw new NotFound(`No order ${sub}`);
        print(explanation, explanation.text);
        return EXIT.ok;
      }
      case 'quarantine': {
        if (sub === 'list') {
          const records = await ordo.storage.quarantine.list({ ...(values.source === undefined ? {} : { source: values.source }), ...(values.status === undefined ? {} : { status: values.status as never }), limit: count('limit', values.limit) ?? 100 });
          const rows = records.map((r) => ({ id: r.id, source: r.source, status: r.status, receivedAt: r.receivedAt, issues: r.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }));
          print(rows, rows.map((r) => `${r.id}  ${r.source}  ${r.status}  ${r.receivedAt}  ${r.issues.join('; ')}`).join('\n') || 'The quarantine is empty.');
          return EXIT.ok;
        }
        const id = need(arg, `the quarantine id: ordo quarantine ${sub ?? 'show'} <id>`);
        if (sub === 'show') {
          const record = await ordo.storage.quarantine.get(id);
          if (record === null) throw new NotFound(`No quarantine record ${id}`);
          const mask = createPayloadMasker(record.payload);
          const payload = JSON.parse(mask(JSON.stringify(record.payload))) as unknown;
          const shown = { ...record, payload };
          print(shown, `${record.id} from ${record.source}, ${record.status}, received ${record.receivedAt}\n${record.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')}\npayload (personal data masked):\n${JSON.stringify(payload, null, 2)}`);
          return EXIT.ok;
        }
        if (sub === 'replay') {
          const result = await ordo.replay(id);
          if (result === null) throw new NotFound(`No quarantine record ${id}`);
          print(result, `${id}: ${result.outcome}${result.orderId === undefined ? '' : ` (order ${result.orderId})`}${result.reason === undefined ? '' : `: ${result.reason}`}`);
          return result.outcome === 'accepted' || result.outcome === 'duplicate' || result.outcome === 'updated' ? EXIT.ok : EXIT.refused;
        }
        throw new UsageError('ordo quarantine list | show <id> | replay <id>');
      }
      case 'tasks': {
        if (sub === 'list' || sub === 'dead') {
          const tasks = await ordo.storage.tasks.list({ ...(values.queue === undefined ? {} : { queue: values.queue }), ...(sub === 'dead' ? { status: 'dead' as const } : values.status === undefined ? {} : { status: values.status as Task['status'] }), limit: count('limit', values.limit) ?? 100 });
          // A task's payload is the work's input (a delivery carries its event, an order with its buyer): shown by its kind only.
          const shown = tasks.map(({ payload, ...task }) => ({
            ...task,
            kind: typeof payload === 'object' && payload !== null && !Array.isArray(payload) && typeof payload['kind'] === 'string' ? payload['kind'] : null,
            ...(task.lastError === undefined ? {} : { lastError: maskLongDigitRuns(task.lastError) }),
            history: task.history.map((h) => ({ ...h, error: maskLongDigitRuns(h.error) })),
          }));
          print(shown, shown.map(taskLine).join('\n') || 'No tasks.');
          return EXIT.ok;
        }
        if (sub === 'retry') {
          const id = need(arg, 'the task id: ordo tasks retry <taskId>');
          const task = await ordo.storage.tasks.get(id);
          if (task === null) throw new NotFound(`No task ${id}`);
          if (task.status !== 'dead') throw Object.assign(new Error(`Task ${id} is ${task.status}: only a dead task is retried`), { exit: EXIT.refused });
          // A dead task is finished: the same work is queued again under its key, due now.
          const again = await ordo.storage.tasks.enqueue({ queue: task.queue, key: task.key, payload: task.payload, dueAt: ordo.clock.now() }, `${task.id}:retry:${task.history.length}`, ordo.clock.now());
          print({ retried: id, task: again.task.id, created: again.created }, `Task ${id} queued again as ${again.task.id}${again.created ? '' : ' (it was already waiting)'}.`);
          return EXIT.ok;
        }
        throw new UsageError('ordo tasks list | dead | retry <taskId>');
      }
      case 'job': {
        const runner = ordo.jobs;
        if (runner === null) throw new UsageError('The config defines no jobs');
        const by = (): string => need(values.by, '--by WHO');
        const why = (): string => need(values.reason, '--reason WHY');
        switch (sub) {
          case 'plan': {
            const report = await runner.run(need(arg, 'the job id'), { dryRun: true });
            print(report, `${report.jobId} dry run: ${report.outcome}; would act on ${report.planned.length}`);
            return EXIT.ok;
          }
          case 'confirm': {
            const state = await runner.confirmPlan(need(arg, 'the job id'), { by: by() });
            print(state, `Plan confirmed by ${state.confirmedBy ?? by()}`);
            return EXIT.ok;
          }
          case 'kill': {
            const state = await runner.engageKillSwitch({ by: by(), reason: why() });
            print(state, `Kill switch engaged by ${state.by}: ${state.reason}`);
            return EXIT.ok;
          }
          case 'resume': {
            const state = await runner.releaseKillSwitch({ by: by(), reason: why() });
            print(state, `Kill switch released by ${state.by}: ${state.reason}`);
            return EXIT.ok;
          }
          case 'reset-breaker': {
            const state = await runner.resetBreaker(need(arg, 'the job id'), { by: by(), reason: why() });
            if (state === null) throw new NotFound(`No breaker for job ${arg}`);
            print(state, `Breaker of ${arg} reset`);
            return EXIT.ok;
          }
          default:
            throw new UsageError('ordo job plan <jobId> | confirm <jobId> --by | kill --by --reason | resume --by --reason | reset-breaker <jobId> --by --reason');
        }
      }
      case 'reconcile': {
        const report = await ordo.reconcile({ ...(values.limit === undefined ? {} : { limit: count('limit', values.limit) as number }) });
        const lines = [`${report.orders} orders`];
        for (const target of report.targets) {
          lines.push(`  ${target.system}: ${target.compared} compared, ${target.inSync} in step, ${target.different} different, ${target.missing} missing`);
          for (const example of target.examples.slice(0, 20)) lines.push(`    ${example.orderId}: ${example.fields.join(', ')}`);
        }
        print(report, lines.join('\n'));
        return report.targets.some((target) => target.different + target.missing > 0) ? EXIT.differences : EXIT.ok;
      }
    }
    return EXIT.usage;
  } catch (error) {
    const code = error instanceof UsageError || (error as { code?: unknown })?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (error as { code?: unknown })?.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
      ? EXIT.usage
      : error instanceof NotFound
        ? EXIT.notFound
        : typeof (error as { exit?: unknown })?.exit === 'number'
          ? ((error as { exit: number }).exit)
          : isOrdoError(error)
            ? EXIT.refused
            : EXIT.failed;
    const message = maskDriverText(maskLongDigitRuns(error instanceof Error ? error.message : String(error)));
    if (json) io.out(JSON.stringify({ error: { code: isOrdoError(error) ? error.code : code === EXIT.usage ? 'USAGE' : code === EXIT.notFound ? 'NOT_FOUND' : 'FAILED', message } }));
    else io.err(`ordo: ${message}${code === EXIT.usage ? `\n\n${USAGE}` : ''}`);
    return code;
  } finally {
    await ordo?.close().catch(() => undefined);
  }
}

const invokedDirectly = process.argv[1] !== undefined && /(^|[\\/])(ordo|cli)(\.[cm]?[jt]s)?$/.test(process.argv[1]);
if (invokedDirectly) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
