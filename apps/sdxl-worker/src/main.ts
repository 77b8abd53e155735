import { runWorkerProcess } from '@gpuq/worker-runtime';
import { loadSdxlWorkerSettings } from './env.js';
import { prepareSdxl } from './process-sdxl-job.js';

await runWorkerProcess({
  name: 'sdxl-worker',
  queue: 'sdxl_queue',
  loadSettings: loadSdxlWorkerSettings,
  prepare: prepareSdxl,
});
