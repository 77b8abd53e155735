import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkModel } from '../check-model/model-check.js';
import { runCheckModel } from '../check-model/run-check-model.js';
import { type FullSizeLayoutName, writeFullSizeLayout } from './full-size-layouts.js';

const root = mkdtempSync(join(tmpdir(), 'gpuq-full-size-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const realConfigs = new URL('../../test/real-configs/', import.meta.url);
/** Parameters published by a shard index: metadata.total_size over 4 bytes (fp32). */
function indexParams(path: string): number {
  const index = JSON.parse(readFileSync(new URL(path, realConfigs), 'utf8'));
  return index.metadata.total_size / 4;
}

async function layout(name: FullSizeLayoutName) {
  const dir = join(root, name);
  const written = await writeFullSizeLayout(name, dir);
  const check = await checkModel(dir);
  const params = Object.fromEntries(check.components.map((c) => [c.name, c.params]));
  return { dir, written, check, params };
}

describe('full-size layouts (sparse files, real configs and shard indexes)', () => {
  it('SDXL base 1.0: check-model passes with the published parameter counts', async () => {
    const { dir, check, params } = await layout('sdxl-base-1.0');
    // UNet: the published count. The others: the counts whose fp32 bytes leave exactly a header's
    // worth (23-223 kB) of the published file sizes (model.safetensors 492,265,168 B,
    // text_encoder_2 2,778,702,264 B, vae 334,643,268 B, unet 10,270,077,736 B).
    expect(params).toEqual({
      unet: 2_567_463_684,
      vae: 83_653_863,
      text_encoder: 123_060_480,
      text_encoder_2: 694_659_840,
    });
    const published = {
      unet: 10_270_077_736,
      vae: 334_643_268,
      text_encoder: 492_265_168,
      text_encoder_2: 2_778_702_264,
    };
    for (const c of check.components) {
      const header = published[c.name as keyof typeof published] - c.bytes;
      expect(header).toBeGreaterThan(0);
      expect(header).toBeLessThan(256 * 1024);
      expect(c.dtypes).toEqual({ F32: c.tensors });
    }
    // Sparse: ~13.9 GB apparent, a few hundred kB on disk.
    const unet = statSync(join(dir, 'unet', 'diffusion_pytorch_model.safetensors'));
    expect(unet.size).toBeGreaterThan(10_000_000_000);
    expect(unet.blocks * 512).toBeLessThan(1_000_000);
  });

  it('WAN 2.1 T2V 1.3B: transformer and text encoder match their indexes, 2 + 5 shards', async () => {
    const { check, params } = await layout('wan2.1-t2v-1.3b');
    expect(params.transformer).toBe(
      indexParams('Wan2.1-T2V-1.3B-Diffusers/transformer/diffusion_pytorch_model.safetensors.index.json'),
    );
    expect(params.text_encoder).toBe(
      indexParams('Wan2.1-T2V-1.3B-Diffusers/text_encoder/model.safetensors.index.json'),
    );
    const files = Object.fromEntries(check.components.map((c) => [c.name, c.files.length]));
    expect(files).toEqual({ text_encoder: 5, transformer: 2, vae: 1 });
  });

  it('WAN 2.1 T2V 14B: 12 transformer shards, the published size', async () => {
    const { check, params } = await layout('wan2.1-t2v-14b');
    expect(params.transformer).toBe(
      indexParams('Wan2.1-T2V-14B-Diffusers/transformer/diffusion_pytorch_model.safetensors.index.json'),
    );
    expect(check.components.find((c) => c.name === 'transformer')?.files).toHaveLength(12);
  });

  it('WAN 2.1 I2V 14B 480P: 14 transformer shards and the CLIP vision image encoder', async () => {
    const { check, params } = await layout('wan2.1-i2v-14b-480p');
    expect(params.transformer).toBe(
      indexParams('Wan2.1-I2V-14B-480P-Diffusers/transformer/diffusion_pytorch_model.safetensors.index.json'),
    );
    expect(check.pipeline).toBe('WanImageToVideoPipeline');
    expect(check.components.map((c) => c.name)).toEqual([
      'image_encoder',
      'text_encoder',
      'transformer',
      'vae',
    ]);
  });

  it('the check-model command prints the components and exits 0; a bad folder exits 1 naming it', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { cwd: root, out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    await writeFullSizeLayout('wan2.1-t2v-1.3b', join(root, 'cli'));
    expect(await runCheckModel(['cli'], io)).toBe(0);
    expect(out.join('')).toMatch(/transformer\s+WanTransformer3DModel\s+2\s+825\s+1,418,996,800\s+F32×825/);
    // Without --device it prints the plan for both: fp32 as published on the CPU, bf16 on a GPU.
    expect(out.join('')).toMatch(/\(wan, cpu\)\n(.*\n)*?\s+transformer\s+1418996800 params\s+F32\s+-> fp32/);
    expect(out.join('')).toMatch(/\(wan, cuda\)\n(.*\n)*?\s+transformer\s+1418996800 params\s+F32\s+-> bf16/);
    // The reason precision matters: WAN 1.3B at 832x480x81 fits a 24 GiB GPU in bf16, not in fp32.
    const plan = async (dtype: string) => {
      out.length = 0;
      expect(
        await runCheckModel(['cli', '--device', 'cuda', '--max-memory', '24GiB', '--dtype', dtype], io),
      ).toBe(0);
      return out.join('');
    };
    expect(await plan('auto')).toMatch(/budget\s+25\.77 GB \(GPUQ_MAX_MEMORY\): fits/);
    expect(await plan('fp32')).toMatch(/budget\s+25\.77 GB \(GPUQ_MAX_MEMORY\): does NOT fit/);
    expect(await runCheckModel(['cli', '--dtype', 'fp8'], io)).toBe(2);
    expect(err.join('')).toMatch(/--dtype, got fp8/);
    rmSync(join(root, 'cli', 'text_encoder', 'model-00003-of-00005.safetensors'));
    expect(await runCheckModel(['cli'], io)).toBe(1);
    expect(err.join('')).toMatch(
      /\[GPUQ_NOT_FOUND\] .*text_encoder: shard model-00003-of-00005\.safetensors named by model\.safetensors\.index\.json is missing/,
    );
  });
});
