import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { f32, fixtureDir, ids, readSafetensors, tolerances, worstRatio } from '../../test/fixtures.js';
import { writeSingleFileFromFolder } from '../../test/single-file-sdxl.js';
import { EngineError, SdxlEngine } from '../index.js';

/**
 * A single-file SDXL checkpoint through the addon: the sdxl-tiny fixture written in the
 * sd_xl_base_1.0.safetensors layout (test/single-file-sdxl.ts) loads with the fixture's configs
 * and gives diffusers' reference image, the same bytes as the diffusers folder.
 */
const dir = fixtureDir('sdxl-tiny');
const ref = (file: string) => readSafetensors(join(dir, 'reference', file));

describe('SdxlEngine on a single-file checkpoint', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gpuq-single-file-'));
  const file = join(tmp, 'sdxl-tiny.safetensors');
  let folder: SdxlEngine;
  let single: SdxlEngine;

  beforeAll(async () => {
    writeSingleFileFromFolder(dir, file);
    folder = await SdxlEngine.load(dir);
    single = await SdxlEngine.load(file, { configDir: dir });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('generates the reference Euler image, byte for byte what the folder gives', async () => {
    const text = ref('text_encoders.safetensors');
    const loops = ref('loops.safetensors');
    const request = {
      prompt: {
        textEncoder1: ids(text, 'prompt.input_ids_1'),
        textEncoder2: ids(text, 'prompt.input_ids_2'),
      },
      negativePrompt: {
        textEncoder1: ids(text, 'negative.input_ids_1'),
        textEncoder2: ids(text, 'negative.input_ids_2'),
      },
      height: 64,
      width: 96,
      steps: 4,
      guidanceScale: 5,
      scheduler: 'euler' as const,
      originalSize: [1152, 896] as const,
      cropsCoordsTopLeft: [32, 16] as const,
      targetSize: [1024, 1536] as const,
      initialLatents: f32(loops, 'initial_latents'),
    };
    const fromFile = await single.generate(request);
    const fromFolder = await folder.generate(request);
    const want = loops.get('euler.image_uint8')!.u8!;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(fromFile.rgb[i]! - want[i]!));
    expect(worst).toBeLessThanOrEqual(1);
    const lat = tolerances(dir).get('reference/loops.safetensors:euler.step3.latents')!;
    expect(
      worstRatio(fromFile.latents.data, f32(loops, 'euler.step3.latents').data, lat),
    ).toBeLessThanOrEqual(1);
    expect(Buffer.compare(fromFile.png, fromFolder.png)).toBe(0);
    expect(single.info).toEqual(folder.info);
  });

  it('names the file and tensor when the configs do not fit the file', async () => {
    // Without configDir the SDXL base 1.0 configs apply: the tiny file's tensors are too small.
    const err = await SdxlEngine.load(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('GPUQ_BAD_FORMAT');
    expect((err as EngineError).message).toContain(file);
    expect((err as EngineError).message).toMatch(/tensor \S+ has shape \[[\d, ]+\], the \w+ config needs/);
  });

  it('rejects a missing file and a configDir given with a folder', async () => {
    await expect(SdxlEngine.load(join(tmp, 'absent.safetensors'))).rejects.toMatchObject({
      code: 'GPUQ_NOT_FOUND',
      message: expect.stringContaining('absent.safetensors'),
    });
    await expect(SdxlEngine.load(dir, { configDir: dir })).rejects.toMatchObject({
      code: 'GPUQ_INVALID_ARGUMENT',
    });
  });
});
