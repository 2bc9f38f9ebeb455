// Runs the storage worker as a real child process (node --import tsx) and returns what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerJob } from './workers/storage-worker.js';

const WORKER = fileURLToPath(new URL('./workers/storage-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts a worker process; the caller may kill it. */
export function startWorker(job: WorkerJob): { readonly child: ChildProcess; readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; result: unknown; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; result: unknown; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT:'));
      resolve({ code, signal, result: line === undefined ? undefined : JSON.parse(line.slice('RESULT:'.length)), stderr });
    });
  });
  return { child, done };
}

/** Runs a worker to the end; throws with its stderr when it fails. */
export async function runWorker<T>(job: WorkerJob): Promise<T> {
  const { done } = startWorker(job);
  const outcome = await done;
  if (outcome.code !== 0 || outcome.result === undefined) throw new Error(`worker ${job.job} exited with ${outcome.code ?? outcome.signal}: ${outcome.stderr}`);
  return outcome.result as T;
}
