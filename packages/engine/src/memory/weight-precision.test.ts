/**
 * Weight precision through the real native engine on the tiny SDXL and WAN fixtures: half
 * storage halves the bytes each component holds (as reported by the engine, and as the plan
 * predicts from the safetensors headers alone), outputs stay within a stated tolerance of the
 * diffusers fp32 references, and a force_upcast VAE stays fp32 whatever is asked.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { f32, fixtureDir, readSafetensors, unetForwardInputs } from '../../test/fixtures.js';
import { SdxlEngine, WanEngine } from '../index.js';

const sdxl = fixtureDir('sdxl-tiny');
const wan = fixtureDir('wan-tiny');

/** Rounding weights to fp16's 11 or bf16's 8 mantissa bits, relative to the output's largest value. */
const TOLERANCE = { fp16: 5e-3, bf16: 4e-2 } as const;

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let err = 0;
  let max = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    max = Math.max(max, Math.abs(want[i]!));
  }
  return err / max;
}

const bytesOf = (engine: { info: { components: Record<string, { bytes: number }> } }) =>
  Object.fromEntries(Object.entries(engine.info.components).map(([name, c]) => [name, c.bytes]));

describe('weight precision on the tiny fixtures', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gpuq-precision-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('fp16 and bf16 storage halve what SDXL components hold; the force_upcast VAE stays fp32', async () => {
    const full = await SdxlEngine.load(sdxl, { device: 'cpu', weightDtype: 'fp32' });
    const u = readSafetensors(join(sdxl, 'reference', 'unet_forward.safetensors'));
    for (const dtype of ['fp16', 'bf16'] as const) {
      const half = await SdxlEngine.load(sdxl, { device: 'cpu', weightDtype: dtype });
      for (const name of ['text_encoder', 'text_encoder_2', 'unet']) {
        expect(half.info.components[name]!.dtype).toBe(dtype);
        const ratio = half.info.components[name]!.bytes / full.info.components[name]!.bytes;
        // Vectors stay fp32: a little above one half (most on the tiny UNet, 0.54).
        expect(ratio).toBeGreaterThan(0.5);
        expect(ratio).toBeLessThan(0.56);
      }
      expect(half.info.components.vae).toEqual(full.info.components.vae);
      expect(half.info.components.vae!.dtype).toBe('fp32');
      // The plan, made from the headers alone, predicts what the engine holds.
      expect(Object.fromEntries(half.memoryPlan.components.map((c) => [c.name, c.bytes]))).toEqual(
        bytesOf(half),
      );
      const out = await half.unetForward(unetForwardInputs(u));
      expect(relativeError(out.noisePred.data, f32(u, 'noise_pred').data)).toBeLessThan(TOLERANCE[dtype]);
    }
  }, 60_000);

  it('a VAE without force_upcast follows the setting, and still decodes within tolerance', async () => {
    const dir = join(scratch, 'sdxl-no-upcast');
    cpSync(sdxl, dir, { recursive: true });
    const configPath = join(dir, 'vae', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(configPath, JSON.stringify({ ...config, force_upcast: false }));
    const full = await SdxlEngine.load(dir, { device: 'cpu', weightDtype: 'fp32' });
    const half = await SdxlEngine.load(dir, { device: 'cpu', weightDtype: 'fp16' });
    expect(half.info.components.vae!.dtype).toBe('fp16');
    expect(half.info.components.vae!.bytes / full.info.components.vae!.bytes).toBeLessThan(0.56);
    const v = readSafetensors(join(sdxl, 'reference', 'vae_decode.safetensors'));
    const out = await half.vaeDecode(f32(v, 'z'));
    expect(relativeError(out.image.data, f32(v, 'image').data)).toBeLessThan(TOLERANCE.fp16);
  }, 60_000);

  it('auto keeps the published dtype on the CPU; bf16 halves the WAN transformer and UMT5, not the VAE', async () => {
    const auto = await WanEngine.load(wan, { device: 'cpu' });
    const bf16 = await WanEngine.load(wan, { device: 'cpu', weightDtype: 'bf16' });
    expect(Object.values(auto.info.components).map((c) => c.dtype)).toEqual(['fp32', 'fp32', 'fp32']);
    for (const name of ['text_encoder', 'transformer']) {
      expect(bf16.info.components[name]!.dtype).toBe('bf16');
      const ratio = bf16.info.components[name]!.bytes / auto.info.components[name]!.bytes;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(0.56);
    }
    expect(bf16.info.components.vae).toEqual(auto.info.components.vae);
    expect(Object.fromEntries(bf16.memoryPlan.components.map((c) => [c.name, c.bytes]))).toEqual(
      bytesOf(bf16),
    );
  }, 60_000);
});
