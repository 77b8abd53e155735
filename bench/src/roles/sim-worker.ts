/**
 * A worker process of the fleet simulation: runWorkerProcess exactly as the real fleets run it,
 * on SIM_QUEUE, with WORKER_CONCURRENCY simulated GPUs (sim-model.ts) whose jobs and progress
 * callbacks run SIM_TIME_SCALE times faster than real ones.
 */
import { parseEnv } from '@gpuq/config';
import { QueueName } from '@gpuq/job-types';
import { encodePlaceholderClip } from '@gpuq/media';
import { runWorkerProcess, SharedWorkerSettings } from '@gpuq/worker-runtime';
import { simulatedGpu } from '../sim-model.js';

const timeScale = Number(process.env.SIM_TIME_SCALE ?? '1');
await runWorkerProcess({
  name: 'bench-sim-worker',
  queue: QueueName.parse(process.env.SIM_QUEUE ?? 'sdxl_queue'),
  loadSettings: (env) => parseEnv('bench-sim-worker', SharedWorkerSettings, env),
  prepare: async () => simulatedGpu(timeScale, await encodePlaceholderClip()),
  shutdownGraceMs: 2_000,
  progressIntervalMs: 1_000 / timeScale,
});
console.log('ready');
