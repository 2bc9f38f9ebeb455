// A worker process: `ordo.run()` on the shared definition until SIGTERM (then a clean stop) or SIGKILL.
import { definePipeline, type PipelineConfig } from './pipeline-definition.js';

const config = JSON.parse(process.argv[2] ?? '{}') as PipelineConfig;
const ordo = definePipeline(config);
const runtime = await ordo.run({ concurrency: 3 });
console.log('READY');
process.on('SIGTERM', () => {
  void runtime
    .stop()
    .then(() => ordo.close())
    .then(() => process.exit(0));
});
setInterval(() => undefined, 60_000);
