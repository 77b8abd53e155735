import { runWorkerProcess } from '@gpuq/worker-runtime';
import { loadWanWorkerSettings } from './env.js';
import { prepareWan } from './process-wan-job.js';

await runWorkerProcess({
  name: 'wan-worker',
  queue: 'wan_queue',
  loadSettings: loadWanWorkerSettings,
  prepare: prepareWan,
});
