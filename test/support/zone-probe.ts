// Vitest setup file (only with ORDO_ZONE_PROBE set): records which test files read the process time
// zone, so test/run-in-time-zones.mjs can run just those files again in the other zones.
//
// The rule: a file is time-sensitive when anything it runs (the test, Ordo, a driver, a process it
// spawns) calls an API whose answer depends on the process zone: a Date's local getters, setters
// and text, a Date built from local components or from text without an offset, Intl date
// formatting without an explicit zone. A new test that touches local time is found by its first
// run, with no list to keep.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { installZoneProbe } from './zone-probe-core.mjs';

const directory = process.env.ORDO_ZONE_PROBE;

if (directory !== undefined && directory !== '') {
  let touched: string | null = null;
  const state = installZoneProbe((what: string) => {
    touched ??= what;
  });
  // Isolated files may share a realm: this file's closure records from here on.
  state.touch = (what: string) => {
    touched ??= what;
  };
  beforeAll(() => {
    // Processes this file spawns inherit it, and report under its name (zone-probe-child.mjs).
    process.env.ORDO_ZONE_PROBE_FILE = expect.getState().testPath ?? 'unknown';
  });
  afterAll(() => {
    if (touched === null) return;
    appendFileSync(join(directory, 'time-sensitive.txt'), `${expect.getState().testPath ?? 'unknown'}\t${touched}\n`);
  });
}
