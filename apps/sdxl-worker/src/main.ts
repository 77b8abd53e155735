import { runWorkerProcess } from '@gpuq/worker-runtime';
import { loadSdxlWorkerSettings } from './env.js';
import { loadSdxlModel } from './sdxl-model.js';

await runWorkerProcess({
  name: 'sdxl-worker',
  queue: 'sdxl_queue',
  loadSettings: loadSdxlWorkerSettings,
  prepare: loadSdxlModel,
});
