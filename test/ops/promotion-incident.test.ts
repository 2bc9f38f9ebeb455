// The reference incident as a test: a promotion ending at 2026-01-01T00:00 America/New_York with its
// auto-cancel job, run in a process whose TZ is Asia/Singapore and in three other zones. Not one
// order is cancelled before 05:00Z, and the blast-radius limit stops the misconfigured copy (the
// same wall time read in Singapore's zone) before it cancels anything.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NEVER_PAID, ORDER_COUNT, runIncidentScenario, type IncidentResult } from './promotion-incident-scenario.js';

const WORKER = fileURLToPath(new URL('./workers/promotion-incident-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ZONES = ['Asia/Singapore', 'America/New_York', 'Pacific/Kiritimati', 'America/Los_Angeles'];

function runInZone(zone: string): Promise<IncidentResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { cwd: ROOT, env: { ...process.env, TZ: zone }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT:'));
      if (code !== 0 || line === undefined) reject(new Error(`scenario under TZ=${zone} exited with ${String(code)}: ${stderr}`));
      else resolve(JSON.parse(line.slice('RESULT:'.length)) as IncidentResult);
    });
  });
}

function expectIncidentAvoided(result: IncidentResult): void {
  // Not one order cancelled before 05:00Z; exactly the unpaid ones at 05:00Z, by the right job.
  expect(result.cancellations.filter((c) => c.at < '2026-01-01T05:00:00.000Z')).toEqual([]);
  expect(result.cancellations).toHaveLength(NEVER_PAID);
  expect(new Set(result.cancellations.map((c) => c.at))).toEqual(new Set(['2026-01-01T05:00:00.000Z']));
  expect(new Set(result.cancellations.map((c) => c.actor))).toEqual(new Set(['job:promotion-expiry']));
  expect(result.paid).toBe(ORDER_COUNT - NEVER_PAID);
  expect(result.correctRuns.find((run) => run.at === '2026-01-01T04:59:59.999Z')).toEqual({ at: '2026-01-01T04:59:59.999Z', outcome: 'nothing_to_do', acted: 0 });
  expect(result.correctRuns.find((run) => run.at === '2026-01-01T05:00:00.000Z')).toEqual({ at: '2026-01-01T05:00:00.000Z', outcome: 'acted', acted: NEVER_PAID });

  // The misconfigured copy comes due at Singapore midnight (16:00Z) with every order unpaid: it is
  // stopped there, raises one alert, and stays stopped while payments lower its share.
  const wrong = result.misconfiguredRuns;
  expect(wrong.filter((run) => run.at < '2025-12-31T16:00:00.000Z').every((run) => run.outcome === 'nothing_to_do')).toBe(true);
  expect(wrong.find((run) => run.at === '2025-12-31T16:00:00.000Z')).toMatchObject({ outcome: 'blocked', actions: ORDER_COUNT, examined: ORDER_COUNT });
  expect(wrong.filter((run) => run.at >= '2025-12-31T16:00:00.000Z').every((run) => run.outcome === 'blocked')).toBe(true);
  expect(result.alerts).toEqual(['ops.job.blocked promotion-expiry-server-zone']);
}

describe('the promotion incident (1,842 orders, 11 countries)', () => {
  it(`is avoided in this process (TZ=${process.env['TZ'] ?? 'unset'})`, async () => {
    expectIncidentAvoided(await runIncidentScenario());
  }, 120_000);

  for (const zone of ZONES) {
    it(`is avoided in a process with TZ=${zone}`, async () => {
      const result = await runInZone(zone);
      expect(result.zone).toBe(zone);
      expectIncidentAvoided(result);
    }, 180_000);
  }
});
