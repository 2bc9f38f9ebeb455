// Runs the promotion incident scenario in its own process (under the TZ its parent set) and prints the result.
import { runIncidentScenario } from '../promotion-incident-scenario.js';

const result = await runIncidentScenario();
process.stdout.write(`RESULT:${JSON.stringify(result)}\n`);
