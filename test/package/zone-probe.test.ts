// The rule that picks the time-sensitive test files: the probe reports every API that answers in
// the process zone, and stays quiet for what does not (explicit zones, instants with an offset).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = new URL('../support/zone-probe-core.mjs', import.meta.url).href;

/** Runs `code` in a fresh process with the probe installed; answers what it reported. */
function probe(code: string): string[] {
  const env = { ...process.env };
  // A clean process: not the probe of a run in progress (test/run-in-time-zones.mjs).
  for (const name of ['NODE_OPTIONS', 'ORDO_ZONE_PROBE', 'ORDO_ZONE_PROBE_FILE', 'ORDO_ZONE_PROBE_STACK']) delete env[name];
  const script = `import { installZoneProbe } from ${JSON.stringify(core)}; const hits = []; installZoneProbe((what) => hits.push(what)); ${code}; console.log(JSON.stringify(hits));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as string[];
}

describe('the zone probe', () => {
  it('reports reads of the process zone', () => {
    expect(probe('new Date(2026, 0, 1)')).toEqual(['new Date(local)']);
    expect(probe("new Date('2026-01-01T00:00')")).toEqual(['new Date(local)']);
    expect(probe("Date.parse('2026-01-01 10:00')")).toEqual(['Date.parse(local)']);
    expect(probe('new Date(0).getHours()')).toEqual(['Date.prototype.getHours']);
    expect(probe('new Date(0).getTimezoneOffset()')).toEqual(['Date.prototype.getTimezoneOffset']);
    expect(probe('String(new Date(0))')).toContain('Date.prototype.toString');
    expect(probe('new Intl.DateTimeFormat().format(0)')).toEqual(['Intl.DateTimeFormat#format without timeZone']);
    expect(probe('new Intl.DateTimeFormat().resolvedOptions().timeZone')).toEqual(['Intl.DateTimeFormat#resolvedOptions().timeZone']);
  });

  it('stays quiet for what does not depend on the zone', () => {
    const quiet = [
      'Date.now()',
      "new Date('2026-01-01T00:00:00Z').toISOString()",
      "Date.parse('2026-01-01T00:00:00+08:00')",
      "Date.parse('2026-01-01')",
      'new Date(0).getUTCHours() + new Date(0).getMilliseconds()',
      "new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai' }).format(0)",
      'new Intl.DateTimeFormat().resolvedOptions().locale',
    ];
    for (const code of quiet) expect(probe(code), code).toEqual([]);
  });
});
