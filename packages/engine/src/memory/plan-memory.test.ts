/**
 * The memory plan: per-component dtypes from the setting, the published files and the device;
 * a working set that follows the requested size; a load refused before anything is read when the
 * plan does not fit, with the numbers in the error.
 */
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureDir, ids, readSafetensors } from '../../test/fixtures.js';
import {
  EngineError,
  formatMemoryPlan,
  MemoryPlanError,
  native,
  planMemory,
  SdxlEngine,
  WanEngine,
} from '../index.js';

const sdxl = fixtureDir('sdxl-tiny');
const wan = fixtureDir('wan-tiny');
const dtypes = (plan: ReturnType<typeof planMemory>) =>
  Object.fromEntries(plan.components.map((c) => [c.name, c.storage]));

/** A safetensors file with a real header and zeroed data of the size the header states. */
function writeHeaderOnly(path: string, tensors: Map<string, { shape: number[] }>, dtype: 'F16' | 'BF16') {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, json, Buffer.alloc(offset)]));
}

const text = readSafetensors(join(wan, 'reference', 'text_encoder.safetensors'));
const prompt = { ids: ids(text, 'prompt.input_ids'), attentionMask: ids(text, 'prompt.attention_mask') };
const request = { prompt, height: 32, width: 48, numFrames: 5, steps: 2, seed: 4 };

describe('planMemory', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gpuq-plan-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('auto: fp32-published WAN transformer and UMT5 go to bf16 on a GPU only; the VAE stays fp32', () => {
    expect(dtypes(planMemory(wan, { device: 'cpu' }))).toEqual({
      text_encoder: 'fp32',
      transformer: 'fp32',
      vae: 'fp32',
    });
    expect(dtypes(planMemory(wan, { device: 'cuda' }))).toEqual({
      text_encoder: 'bf16',
      transformer: 'bf16',
      vae: 'fp32',
    });
    expect(dtypes(planMemory(wan, { device: 'cuda', weightDtype: 'fp16' })).vae).toBe('fp32');
  });

  it('auto keeps an fp16 variant folder in fp16, except the force_upcast VAE', () => {
    const dir = join(scratch, 'sdxl-fp16-variant');
    cpSync(sdxl, dir, { recursive: true });
    for (const component of ['text_encoder', 'text_encoder_2', 'unet', 'vae']) {
      for (const file of readdirSync(join(dir, component)).filter((f) => f.endsWith('.safetensors'))) {
        const path = join(dir, component, file);
        writeHeaderOnly(path.replace(/\.safetensors$/, '.fp16.safetensors'), readSafetensors(path), 'F16');
        rmSync(path);
      }
    }
    const plan = planMemory(dir, { device: 'cpu' });
    expect(plan.components.map((c) => [c.name, c.publishedDtype, c.storage])).toEqual([
      ['text_encoder', 'F16', 'fp16'],
      ['text_encoder_2', 'F16', 'fp16'],
      ['unet', 'F16', 'fp16'],
      ['vae', 'F16', 'fp32'],
    ]);
  });

  it('the working set follows the size and frames; CUDA keeps no attention score blocks', () => {
    // Without score blocks every activation is proportional to the pixel count.
    const small = planMemory(sdxl, { device: 'cuda', size: { width: 64, height: 64 } });
    const large = planMemory(sdxl, { device: 'cuda', size: { width: 256, height: 256 } });
    expect(large.workingSet.bytes / small.workingSet.bytes).toBeCloseTo(16, 5);
    expect(large.weightBytes).toBe(small.weightBytes);
    const frames = (n: number, device: 'cpu' | 'cuda') =>
      planMemory(wan, { device, size: { width: 64, height: 48, frames: n }, threads: 2 }).workingSet.stages;
    expect(frames(33, 'cpu').transformer!).toBeGreaterThan(frames(9, 'cpu').transformer!);
    expect(frames(33, 'cuda').transformer!).toBeLessThan(frames(33, 'cpu').transformer!);
  });

  it('a load that does not fit is refused with the numbers, before the engine loads anything', async () => {
    const refused = SdxlEngine.load(sdxl, { device: 'cpu', maxMemoryBytes: 1_000_000 });
    await expect(refused).rejects.toBeInstanceOf(MemoryPlanError);
    const error = (await refused.catch((e: unknown) => e)) as MemoryPlanError;
    expect(error).toBeInstanceOf(EngineError);
    expect(error.code).toBe('GPUQ_OUT_OF_MEMORY');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/needs \d+\.\d MB on cpu \(weights 3\.\d MB: text_encoder /);
    expect(error.message).toContain('budget is 1.0 MB (GPUQ_MAX_MEMORY)');
    expect(error.plan.peakBytes).toBeGreaterThan(1_000_000);
    // Half storage shrinks the weights, and a budget above the peak loads.
    const fits = planMemory(wan, { weightDtype: 'bf16' });
    const engine = await WanEngine.load(wan, {
      device: 'cpu',
      weightDtype: 'bf16',
      maxMemoryBytes: fits.peakBytes,
    });
    expect(engine.memoryPlan.fits).toBe(true);
    // fp32 weights alone are larger than bf16 weights, whatever is freed after encoding.
    await expect(WanEngine.load(wan, { device: 'cpu', maxMemoryBytes: fits.weightBytes })).rejects.toThrow(
      /budget is/,
    );
  });

  it('frees the text encoder after encoding when only that fits, and loads it again for the next job', async () => {
    const resident = planMemory(wan, { device: 'cpu', maxMemoryBytes: 1e12 });
    expect(resident.textEncoders).toBe('resident');
    const budget = resident.peakBytes - 1;
    const tight = planMemory(wan, { device: 'cpu', maxMemoryBytes: budget });
    expect(tight.textEncoders).toBe('released after encoding');
    expect(tight.fits).toBe(true);
    expect(tight.peakBytes).toBeLessThan(resident.peakBytes);

    const engine = await WanEngine.load(wan, { device: 'cpu', threads: 2, maxMemoryBytes: budget });
    expect(engine.memoryPlan.textEncoders).toBe('released after encoding');
    const first = await engine.generate(request);
    const second = await engine.generate(request);
    const always = await WanEngine.load(wan, { device: 'cpu', threads: 2 });
    expect(second.rgb).toEqual(first.rgb);
    expect((await always.generate(request)).rgb).toEqual(first.rgb);
  }, 60_000);

  it('refuses a generation larger than the budget allows, and still runs one that fits', async () => {
    const small = { width: 48, height: 32, frames: 5 };
    const budget = planMemory(wan, {
      device: 'cpu',
      threads: 2,
      size: small,
      maxMemoryBytes: 1e12,
    }).peakBytes;
    const engine = await WanEngine.load(wan, {
      device: 'cpu',
      threads: 2,
      maxMemoryBytes: budget,
      plannedSize: small,
    });
    const large = engine.generate({ ...request, width: 832, height: 480, numFrames: 81 });
    await expect(large).rejects.toBeInstanceOf(MemoryPlanError);
    await expect(large).rejects.toThrow(
      /working set [\d.]+ MB for 832x480x81 frames.*budget is [\d.]+ MB \(GPUQ_MAX_MEMORY\)/,
    );
    const fits = await engine.generate(request);
    expect(fits.numFrames).toBe(5);
    // The CPU backend has no device memory to report (the worker reports the process's peak).
    expect(fits.peakDeviceBytes).toBeNull();
  }, 60_000);

  it('takes the CUDA device’s free memory as the budget when no limit is set', () => {
    const onDevice = planMemory(wan, { device: 'cuda', deviceFreeBytes: 1_000 });
    expect([onDevice.budgetBytes, onDevice.budgetSource, onDevice.fits]).toEqual([
      1_000,
      'device free memory',
      false,
    ]);
    const limited = planMemory(wan, { device: 'cuda', deviceFreeBytes: 1_000, maxMemoryBytes: 1e12 });
    expect([limited.budgetSource, limited.fits]).toEqual(['GPUQ_MAX_MEMORY', true]);
    expect(native().cudaFreeMemory('cpu')).toBeNull();
  });

  it.skipIf(native().cudaFreeMemory('cuda') === null)(
    'reads the free memory of a present CUDA device (skipped: no CUDA device here)',
    () => {
      expect(native().cudaFreeMemory('cuda')).toBeGreaterThan(0);
    },
  );

  it('prints a plan as a table for check-model: every component, the peak and the verdict', () => {
    const plan = planMemory(sdxl, { device: 'cpu', weightDtype: 'fp16', maxMemoryBytes: 1_000_000 });
    const text = formatMemoryPlan(plan);
    for (const c of plan.components) expect(text).toMatch(new RegExp(`${c.name} +${c.parameters} params`));
    expect(text).toMatch(/unet .* F32 +-> fp16/);
    expect(text).toMatch(/vae .* F32 +-> fp32/);
    expect(text).toContain('budget           1.0 MB (GPUQ_MAX_MEMORY): does NOT fit');
  });

  it('names a folder that is not SDXL or WAN', () => {
    const dir = join(scratch, 'other');
    cpSync(sdxl, dir, { recursive: true });
    writeFileSync(join(dir, 'model_index.json'), JSON.stringify({ _class_name: 'FluxPipeline' }));
    expect(() => planMemory(dir)).toThrow(
      /model_index.json: pipeline FluxPipeline is neither SDXL nor WAN 2.1/,
    );
    renameSync(join(dir, 'model_index.json'), join(dir, 'x.json'));
    expect(() => planMemory(dir)).toThrow(`no model_index.json in ${dir}`);
  });
});
