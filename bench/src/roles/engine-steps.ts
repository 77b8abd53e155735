/**
 * (e) per-step time as a worker sees it, through the addon as the workers run it (TS validation,
 * the N-API worker thread, the progress queue), with classifier-free guidance:
 * - ENGINE=sdxl: the tiny SDXL checkpoint through SdxlEngine, one 64x64 image;
 * - ENGINE=wan: the tiny WAN 2.1 checkpoint through WanEngine, a 48x32 video of 9 frames (what the
 *   wan-worker renders on the tiny checkpoint for a video preset).
 * One warm-up generation first (first-touch allocations), then the timed one; the time between
 * consecutive progress events is one step. Prints one `result {json}` line.
 * Settings: ENGINE, MODEL_DIR (created when empty), STEPS.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTinyCheckpoint, createTinyWanCheckpoint, SdxlEngine, WanEngine } from '@gpuq/engine';

type GenerateWithProgress = (steps: number, onProgress?: () => void) => Promise<unknown>;

const engineName = process.env.ENGINE === 'wan' ? 'wan' : 'sdxl';
const dir = process.env.MODEL_DIR ?? `/tmp/gpuq-bench-${engineName}-tiny`;
const steps = Number(process.env.STEPS ?? '10');
const prompt = 'a red fox in the snow';

async function loadEngine(): Promise<GenerateWithProgress> {
  if (!existsSync(join(dir, 'model_index.json'))) {
    await (engineName === 'wan' ? createTinyWanCheckpoint(dir) : createTinyCheckpoint(dir));
  }
  if (engineName === 'wan') {
    const engine = await WanEngine.load(dir, { device: 'cpu' });
    return (count, onProgress) =>
      engine.generate(
        { prompt, width: 48, height: 32, numFrames: 9, steps: count, guidanceScale: 5, seed: 1 },
        { onProgress },
      );
  }
  const engine = await SdxlEngine.load(dir, { device: 'cpu' });
  return (count, onProgress) =>
    engine.generate(
      { prompt, width: 64, height: 64, steps: count, guidanceScale: 5, seed: 1 },
      { onProgress },
    );
}

const loadStarted = performance.now();
const generate = await loadEngine();
const loadMs = performance.now() - loadStarted;
await generate(2);

const marks: number[] = [];
const started = performance.now();
await generate(steps, () => marks.push(performance.now()));
const totalMs = performance.now() - started;
const stepMs = marks.slice(1).map((mark, index) => mark - marks[index]!);
const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
console.log(
  `result ${JSON.stringify({ loadMs, totalMs, firstStepMs: marks[0]! - started, stepMs, peakRssMiB })}`,
);
