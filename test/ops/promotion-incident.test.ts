// The reference incident as a test: a presale promotion ending at 2026-01-01T00:00 America/New_York,
// stored with its end; its expiry job, run in a process whose TZ is Asia/Singapore and in three
// other zones. Not one order is cancelled before 05:00Z, exactly the unpaid ones after it (a dry
// run confirmed, then a canary, then the rest), and a copy configured with Singapore time is
// refused as a definition error: it never acts, at any hour.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NEVER_PAID, ORDER_COUNT, PROMOTION, runIncidentScenario, type IncidentResult } from './promotion-incident-scenario.js';

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
  expect(new Set(result.cancellations.map((c) => c.orderId))).toEqual(new Set(Array.from({ length: NEVER_PAID }, (_, i) => `presale-${String(ORDER_COUNT - NEVER_PAID + i).padStart(4, '0')}`)));
  expect(new Set(result.cancellations.map((c) => c.at))).toEqual(new Set(['2026-01-01T05:00:00.000Z']));
  expect(new Set(result.cancellations.map((c) => c.actor))).toEqual(new Set(['job:promotion-expiry']));
  expect(result.paid).toBe(ORDER_COUNT - NEVER_PAID);

  // The correct job: nothing read or done before the promotion's stored end, whatever its schedule.
  const before = result.correctRuns.filter((run) => run.at < '2026-01-01T05:00:00.000Z');
  expect(before.length).toBeGreaterThan(20);
  expect(before.every((run) => run.outcome === 'before_deadline' && run.planned === 0)).toBe(true);
  // At the end: a dry run first (its plan is the unpaid orders, 17% of the promotion, under the share limit), then the canary, then the rest.
  const atEnd = result.correctRuns.filter((run) => run.at === '2026-01-01T05:00:00.000Z');
  expect(atEnd.map((run) => run.outcome)).toEqual(['awaiting_confirmation', 'canary', 'acted']);
  expect(atEnd[0]?.planned).toBe(NEVER_PAID);
  expect((atEnd[1]?.acted ?? 0) + (atEnd[2]?.acted ?? 0)).toBe(NEVER_PAID);
  expect(atEnd[1]?.acted).toBeLessThan(NEVER_PAID / 10);

  // The copy configured in Singapore's zone is refused when its worker starts and at every run:
  // before Singapore midnight, after it, and after the real end alike. It never acts.
  expect(result.verifyRefusal).toBe('deadline_mismatch');
  expect(result.misconfiguredRuns.length).toBe(result.correctRuns.length - 2);
  expect(result.misconfiguredRuns.every((run) => run.refused === 'deadline_mismatch')).toBe(true);
  expect(result.events.filter((event) => event.startsWith('ops.job.blocked'))).toEqual([]);
  expect(result.events).toEqual(expect.arrayContaining([`ops.promotion.saved promotion:${PROMOTION}`, 'ops.job.plan_recorded promotion-expiry', 'ops.job.plan_confirmed promotion-expiry']));
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
