import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTinyWanCheckpoint,
  EngineError,
  type WanConditioningImage,
  WanEngine,
  type WanGenerateRequest,
} from '../index.js';

// Image-to-video on the tiny random-weight I2V checkpoint. There is no diffusers reference for
// I2V here, so these check what can be checked: shapes, determinism, that the image matters, and
// the errors for a mismatched checkpoint / request. The text-to-video path is held to the
// wan-tiny fixture by wan-engine.test.ts.

/** A w x h RGB image: a diagonal gradient whose direction `flip` reverses. */
function gradient(width: number, height: number, flip = false) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const t = (x + y) / (width + height - 2);
      rgb[i] = Math.round(255 * (flip ? 1 - t : t));
      rgb[i + 1] = (x * 7) % 256;
      rgb[i + 2] = (y * 11) % 256;
    }
  }
  return { width, height, rgb };
}

describe('WAN image-to-video on a tiny I2V checkpoint', () => {
  const root = mkdtempSync(join(tmpdir(), 'gpuq-tiny-wan-i2v-'));
  let i2v: WanEngine;
  let t2v: WanEngine;

  beforeAll(async () => {
    i2v = await WanEngine.load(
      await createTinyWanCheckpoint(join(root, 'i2v'), { seed: 5, imageToVideo: true }),
      {
        device: 'cpu',
        threads: 2,
      },
    );
    t2v = await WanEngine.load(await createTinyWanCheckpoint(join(root, 't2v'), { seed: 5 }), {
      device: 'cpu',
      threads: 2,
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const request = (image: WanConditioningImage = gradient(40, 30)): WanGenerateRequest => ({
    prompt: 'a fox in the snow',
    maxSequenceLength: 16,
    height: 32,
    width: 48,
    numFrames: 5,
    steps: 2,
    guidanceScale: 3,
    seed: 7,
    image,
  });

  it('writes the I2V layout and says which checkpoint takes an image', () => {
    const dirs = readdirSync(join(root, 'i2v')).sort();
    expect(dirs).toEqual(expect.arrayContaining(['image_encoder', 'image_processor']));
    expect(readdirSync(join(root, 't2v'))).not.toContain('image_encoder');
    expect(i2v.supportsImageConditioning).toBe(true);
    expect(t2v.supportsImageConditioning).toBe(false);
  });

  it('generates frames from an image of another size, deterministically', async () => {
    const steps: number[] = [];
    const a = await i2v.generate(request(), { onProgress: ({ step }) => steps.push(step) });
    expect(steps).toEqual([1, 2]);
    expect([a.numFrames, a.height, a.width]).toEqual([5, 32, 48]);
    expect(a.frames.shape).toEqual([1, 5, 32, 48, 3]);
    expect(a.latents.shape).toEqual([1, 16, 2, 4, 6]);
    expect(a.rgb.length).toBe(5 * 32 * 48 * 3);
    const b = await i2v.generate(request());
    expect(Buffer.from(b.latents.data.buffer).equals(Buffer.from(a.latents.data.buffer))).toBe(true);
  }, 60_000);

  it('changes the result when the image changes (same seed, prompt and sizes)', async () => {
    const a = await i2v.generate(request());
    const b = await i2v.generate(request(gradient(40, 30, true)));
    let diff = 0;
    for (let i = 0; i < a.latents.data.length; i++) {
      diff = Math.max(diff, Math.abs(a.latents.data[i]! - b.latents.data[i]!));
    }
    expect(diff).toBeGreaterThan(1e-3);
  }, 60_000);

  it('needs an image on an I2V checkpoint and refuses one on a T2V checkpoint', async () => {
    const { image: _, ...textOnly } = request();
    await expect(i2v.generate(textOnly)).rejects.toMatchObject({
      code: 'GPUQ_INVALID_ARGUMENT',
      message: expect.stringMatching(/image-to-video.*needs a conditioning image/),
    });
    await expect(t2v.generate(request())).rejects.toMatchObject({
      code: 'GPUQ_INVALID_ARGUMENT',
      message: expect.stringMatching(/text-to-video/),
    });
  });

  it('validates the image before the native call', async () => {
    const bad = { width: 4, height: 4, rgb: new Uint8Array(47) };
    await expect(i2v.generate(request(bad))).rejects.toBeInstanceOf(EngineError);
    await expect(i2v.generate(request(bad))).rejects.toThrow(/48 bytes/);
    const notBytes = { width: 1, height: 1, rgb: [1, 2, 3] as unknown as Uint8Array };
    await expect(i2v.generate(request(notBytes))).rejects.toThrow(/Uint8Array/);
  });
});
