// Loaded through NODE_OPTIONS in every process a probed test spawns: a worker that reads the
// process zone makes the test file that spawned it time-sensitive. Inactive elsewhere.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { installZoneProbe } from './zone-probe-core.mjs';

const directory = process.env.ORDO_ZONE_PROBE;
const file = process.env.ORDO_ZONE_PROBE_FILE;
if (directory && file) {
  let done = false;
  installZoneProbe((what) => {
    if (done) return;
    done = true;
    appendFileSync(join(directory, 'time-sensitive.txt'), `${file}\tchild process: ${what}\n`);
  });
}
