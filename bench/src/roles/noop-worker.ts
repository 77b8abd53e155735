/**
 * Our production worker process with the no-op engine: runWorkerProcess (settings, the job
 * lifecycle of claim → run → storage → signed callbacks, SIGTERM handling) exactly as sdxl-worker
 * runs it, with only the model swapped. Settings are the shared worker settings.
 */
import { parseEnv } from '@gpuq/config';
import { runWorkerProcess, SharedWorkerSettings } from '@gpuq/worker-runtime';
import { noopModel } from '../noop-model.js';

await runWorkerProcess({
  name: 'bench-noop-worker',
  queue: 'sdxl_queue',
  loadSettings: (env) => parseEnv('bench-noop-worker', SharedWorkerSettings, env),
  prepare: async () => noopModel,
  shutdownGraceMs: 2_000,
});
console.log('ready');
