import { runWorkerProcess } from '@gpuq/worker-runtime';
import { loadWanWorkerSettings } from './env.js';
import { loadWanModel } from './wan-model.js';

await runWorkerProcess({
  name: 'wan-worker',
  queue: 'wan_queue',
  loadSettings: loadWanWorkerSettings,
  prepare: loadWanModel,
});
