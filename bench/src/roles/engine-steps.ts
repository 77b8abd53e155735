/**
 * (e) per-step time as a worker sees it: the tiny SDXL checkpoint through SdxlEngine (TS
 * validation, the N-API worker thread, the progress queue), one 64x64 image with classifier-free
 * guidance. One warm-up generation first (first-touch allocations), then the timed one; the time
 * between consecutive progress events is one step. Prints one `result {json}` line.
 * Settings: MODEL_DIR (created when empty), STEPS.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTinyCheckpoint, SdxlEngine } from '@gpuq/engine';

const dir = process.env.MODEL_DIR ?? '/tmp/gpuq-bench-sdxl-tiny';
const steps = Number(process.env.STEPS ?? '10');
if (!existsSync(join(dir, 'model_index.json'))) await createTinyCheckpoint(dir);
const loadStarted = performance.now();
const engine = await SdxlEngine.load(dir, { device: 'cpu' });
const loadMs = performance.now() - loadStarted;
const request = { prompt: 'a red fox in the snow', width: 64, height: 64, steps, guidanceScale: 5, seed: 1 };
await engine.generate({ ...request, steps: 2 });

const marks: number[] = [];
const started = performance.now();
await engine.generate(request, { onProgress: () => marks.push(performance.now()) });
const totalMs = performance.now() - started;
const stepMs = marks.slice(1).map((mark, index) => mark - marks[index]!);
const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
console.log(
  `result ${JSON.stringify({ loadMs, totalMs, firstStepMs: marks[0]! - started, stepMs, peakRssMiB })}`,
);
