/**
 * Load time and generation speed of the generated tiny GGUF through node-llama-cpp on the CPU.
 * Run after `pnpm build`: `pnpm --filter @gpuq/enhancer bench`.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTinyModel, PromptEnhancer } from '../dist/index.js';

const dir = await mkdtemp(join(tmpdir(), 'enhancer-bench-'));
try {
  const modelPath = await ensureTinyModel(dir);
  const { size } = await stat(modelPath);
  for (const threads of [1, 2]) {
    const loading = performance.now();
    const enhancer = await PromptEnhancer.load({ modelPath, gpu: false, threads, maxTokens: 256 });
    const loadMs = performance.now() - loading;
    let tokens = 0;
    let ms = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const result = await enhancer.enhance('a lighthouse on a cliff at dusk', { seed });
      tokens += result.tokens;
      ms += result.durationMs;
    }
    await enhancer.dispose();
    console.log(
      `tiny model (${(size / 1024).toFixed(0)} KiB), ${threads} thread(s): load ${loadMs.toFixed(0)} ms, ` +
        `${tokens} tokens in ${ms} ms → ${((tokens / ms) * 1000).toFixed(0)} tokens/s (prompt evaluation included)`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
