import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  f32,
  fixtureDir,
  ids,
  readSafetensors,
  tolerances,
  unetForwardInputs,
  worstRatio,
} from '../../test/fixtures.js';
import { EngineError, SdxlEngine } from '../index.js';

const dir = fixtureDir('sdxl-tiny');
const ref = (file: string) => readSafetensors(join(dir, 'reference', file));

describe('SdxlEngine on sdxl-tiny', () => {
  let engine: SdxlEngine;
  let tol: ReturnType<typeof tolerances>;
  let text: ReturnType<typeof readSafetensors>;
  let loops: ReturnType<typeof readSafetensors>;

  beforeAll(async () => {
    engine = await SdxlEngine.load(dir);
    tol = tolerances(dir);
    text = ref('text_encoders.safetensors');
    loops = ref('loops.safetensors');
  });

  const promptIds = () => ({
    textEncoder1: ids(text, 'prompt.input_ids_1'),
    textEncoder2: ids(text, 'prompt.input_ids_2'),
  });
  const negativeIds = () => ({
    textEncoder1: ids(text, 'negative.input_ids_1'),
    textEncoder2: ids(text, 'negative.input_ids_2'),
  });

  it('encodes text like the reference, prompt assembly included', async () => {
    const out = await engine.encodeText(promptIds());
    const pe = ref('prompt_embeds.safetensors');
    const key = 'reference/prompt_embeds.safetensors:';
    expect(out.promptEmbeds.shape).toEqual([1, 77, 64]);
    expect(
      worstRatio(out.promptEmbeds.data, f32(pe, 'prompt_embeds').data, tol.get(`${key}prompt_embeds`)!),
    ).toBeLessThanOrEqual(1);
    expect(
      worstRatio(
        out.pooledPromptEmbeds.data,
        f32(pe, 'pooled_prompt_embeds').data,
        tol.get(`${key}pooled_prompt_embeds`)!,
      ),
    ).toBeLessThanOrEqual(1);
    expect(out.textEncoder1.hiddenStates).toHaveLength(6);
  });

  it('runs one UNet forward within tolerance, with intermediates', async () => {
    const u = ref('unet_forward.safetensors');
    const out = await engine.unetForward(unetForwardInputs(u), { trace: true });
    const t = tol.get('reference/unet_forward.safetensors:noise_pred')!;
    expect(worstRatio(out.noisePred.data, f32(u, 'noise_pred').data, t)).toBeLessThanOrEqual(1);
    expect(Object.keys(out.trace!)).toContain('mid_block');
  });

  it('decodes latents with the VAE like the reference, with intermediates', async () => {
    const v = ref('vae_decode.safetensors');
    const out = await engine.vaeDecode(f32(v, 'z'));
    expect(out.image.shape).toEqual([1, 3, 64, 96]);
    expect(
      worstRatio(out.image.data, f32(v, 'image').data, tol.get('reference/vae_decode.safetensors:image')!),
    ).toBeLessThanOrEqual(1);
    const small = await engine.vaeDecode(f32(v, 'small.z'), { trace: true });
    const mid = small.trace!['decoder.mid_block']!;
    const t = tol.get('reference/vae_decode.safetensors:small.decoder.mid_block')!;
    expect(
      worstRatio(mid.data as Float32Array, f32(v, 'small.decoder.mid_block').data, t),
    ).toBeLessThanOrEqual(1);
    await expect(engine.vaeDecode({ data: new Float32Array(8), shape: [1, 2, 2, 2] })).rejects.toThrow(
      /expected shape \[\*, 4, \*, \*\] for z/,
    );
  });

  it('steps DPM++ 2M Karras through a whole reference loop from JS', async () => {
    const s = engine.scheduler(4, 'dpmpp_2m_karras');
    expect(Array.from(s.tables.timesteps)).toEqual(
      Array.from(loops.get('dpmpp_2m_karras.timesteps')!.i64!, Number),
    );
    let x = f32(loops, 'dpmpp_2m_karras.latents_scaled');
    for (let i = 0; i < 4; i++) {
      x = s.step(f32(loops, `dpmpp_2m_karras.step${i}.noise_pred`), i, x);
      const t = tol.get(`reference/loops.safetensors:dpmpp_2m_karras.step${i}.latents`)!;
      expect(worstRatio(x.data, f32(loops, `dpmpp_2m_karras.step${i}.latents`).data, t)).toBeLessThanOrEqual(
        1,
      );
    }
  });

  it('generates the reference Euler image from explicit ids and latents, with progress per step', async () => {
    const steps: number[] = [];
    const result = await engine.generate(
      {
        prompt: promptIds(),
        negativePrompt: negativeIds(),
        height: 64,
        width: 96,
        steps: 4,
        guidanceScale: 5,
        scheduler: 'euler',
        originalSize: [1152, 896],
        cropsCoordsTopLeft: [32, 16],
        targetSize: [1024, 1536],
        initialLatents: f32(loops, 'initial_latents'),
      },
      { onProgress: (p) => steps.push(p.step) },
    );
    expect(steps).toEqual([1, 2, 3, 4]);
    const want = loops.get('euler.image_uint8')!.u8!;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(result.rgb[i]! - want[i]!));
    expect(worst).toBeLessThanOrEqual(1);
    expect(result.png.subarray(1, 4).toString()).toBe('PNG');
    const lat = tol.get('reference/loops.safetensors:euler.step3.latents')!;
    expect(worstRatio(result.latents.data, f32(loops, 'euler.step3.latents').data, lat)).toBeLessThanOrEqual(
      1,
    );
  });

  it('replays Euler ancestral with injected per-step noise', async () => {
    const result = await engine.generate({
      prompt: promptIds(),
      negativePrompt: negativeIds(),
      height: 64,
      width: 96,
      steps: 4,
      scheduler: 'euler_ancestral',
      originalSize: [1152, 896],
      cropsCoordsTopLeft: [32, 16],
      targetSize: [1024, 1536],
      initialLatents: f32(loops, 'initial_latents'),
      stepNoise: [0, 1, 2, 3].map((i) => f32(loops, `euler_ancestral.step${i}.noise`)),
    });
    const t = tol.get('reference/loops.safetensors:euler_ancestral.step3.latents')!;
    expect(
      worstRatio(result.latents.data, f32(loops, 'euler_ancestral.step3.latents').data, t),
    ).toBeLessThanOrEqual(1);
  });

  it('is deterministic per seed and differs across seeds', async () => {
    const req = {
      prompt: promptIds(),
      height: 32,
      width: 32,
      steps: 2,
      scheduler: 'euler_ancestral' as const,
    };
    const a = await engine.generate({ ...req, seed: 7 });
    const b = await engine.generate({ ...req, seed: 7 });
    const c = await engine.generate({ ...req, seed: 8 });
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    expect(Buffer.from(a.rgb).equals(Buffer.from(c.rgb))).toBe(false);
  });

  it('keeps the event loop responsive and stops within one step on abort', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const controller = new AbortController();
    const seen: number[] = [];
    const run = engine.generate(
      { prompt: promptIds(), height: 128, width: 128, steps: 200, scheduler: 'euler' },
      {
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p.step);
          if (p.step === 2) controller.abort();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ name: 'EngineError', code: 'GPUQ_CANCELLED' });
    clearInterval(timer);
    // Aborted at step 2: the loop may finish the step in flight, never more.
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
    expect(ticks).toBeGreaterThan(0);
  });

  it('keeps fp16 weights on request, close to the fp32 reference', async () => {
    const half = await SdxlEngine.load(dir, { weightDtype: 'fp16' });
    expect(half.info.components.unet).toMatchObject({ dtype: 'fp16' });
    const u = ref('unet_forward.safetensors');
    const out = await half.unetForward(unetForwardInputs(u));
    const want = f32(u, 'noise_pred').data;
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    // fp16 rounding of the weights (11-bit mantissa), not an fp32-level match
    expect(worstRatio(out.noisePred.data, want, { atol: 5e-3 * scale, rtol: 0 })).toBeLessThanOrEqual(1);
    // @ts-expect-error: not a storage dtype
    await expect(SdxlEngine.load(dir, { weightDtype: 'int8' })).rejects.toMatchObject({
      code: 'GPUQ_INVALID_ARGUMENT',
    });
  });

  it('rejects bad input in TS with a clear message, and native errors with their code', async () => {
    await expect(engine.generate({ prompt: promptIds(), steps: 0 })).rejects.toThrow(
      /expected an integer in \[1, 1000\] for steps/,
    );
    await expect(
      engine.generate({ prompt: promptIds(), height: 33, width: 32, steps: 1 }),
    ).rejects.toMatchObject({
      code: 'GPUQ_INVALID_ARGUMENT',
    });
    await expect(engine.generate({ prompt: 'a cat' })).rejects.toMatchObject({ code: 'GPUQ_NOT_FOUND' });
    const err = await SdxlEngine.load('/nonexistent/model').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('GPUQ_NOT_FOUND');
    expect((err as EngineError).message).toMatch(/nonexistent/);
  });
});
