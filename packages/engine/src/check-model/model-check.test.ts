import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TensorLayout, writeSparseSafetensors } from '../full-size-layout/sparse-safetensors.js';
import { createTinyCheckpoint } from '../sdxl/tiny-checkpoint.js';
import { createTinyWanCheckpoint, tinyWanTensorShapes } from '../wan/tiny-wan-checkpoint.js';
import { WanEngine } from '../wan/wan-engine.js';
import { checkModel, modelPlan } from './model-check.js';

const root = mkdtempSync(join(tmpdir(), 'gpuq-model-check-'));
const tinyWan = join(root, 'wan-tiny');
let transformer: TensorLayout[] = [];
let n = 0;

beforeAll(async () => {
  await createTinyWanCheckpoint(tinyWan, { seed: 3 });
  const plan = await modelPlan(tinyWan);
  transformer = plan.transformer!.tensors.map(([name, shape]) => ({ name, shape, dtype: 'F32' }));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the tiny WAN checkpoint whose transformer is rewritten as `shards` (file -> tensors). */
async function withTransformer(shards: Record<string, TensorLayout[]>, index = true): Promise<string> {
  const dir = join(root, `case-${n++}`);
  cpSync(tinyWan, dir, { recursive: true });
  const folder = join(dir, 'transformer');
  unlinkSync(join(folder, 'diffusion_pytorch_model.safetensors'));
  const weightMap: Record<string, string> = {};
  for (const [file, tensors] of Object.entries(shards)) {
    await writeSparseSafetensors(join(folder, file), tensors);
    for (const t of tensors) weightMap[t.name] = file;
  }
  const indexJson = { metadata: { total_size: 0 }, weight_map: weightMap };
  if (index)
    writeFileSync(join(folder, 'diffusion_pytorch_model.safetensors.index.json'), JSON.stringify(indexJson));
  return dir;
}

const SHARD_1 = 'diffusion_pytorch_model-00001-of-00002.safetensors';
const SHARD_2 = 'diffusion_pytorch_model-00002-of-00002.safetensors';
const halves = () => ({ [SHARD_1]: transformer.slice(0, 20), [SHARD_2]: transformer.slice(20) });

describe('model check (load-time validation)', () => {
  it('passes the tiny WAN and SDXL checkpoints, with their parameter counts', async () => {
    const wan = await checkModel(tinyWan);
    const shapes = tinyWanTensorShapes();
    const count = (file: string) =>
      Object.values(shapes[file]!).reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
    const params = Object.fromEntries(wan.components.map((c) => [c.name, c.params]));
    expect(params.transformer).toBe(count('transformer/diffusion_pytorch_model.safetensors'));
    expect(params.text_encoder).toBe(count('text_encoder/model.safetensors'));
    const sdxl = join(root, 'sdxl-tiny');
    await createTinyCheckpoint(sdxl, { seed: 1 });
    const check = await checkModel(sdxl);
    expect(check.components.map((c) => c.name)).toEqual(['text_encoder', 'text_encoder_2', 'unet', 'vae']);
  });

  it('reads a sharded component through its index', async () => {
    const check = await checkModel(await withTransformer(halves()));
    const t = check.components.find((c) => c.name === 'transformer')!;
    expect(t.index).toBe('diffusion_pytorch_model.safetensors.index.json');
    expect(t.files).toEqual([SHARD_1, SHARD_2]);
  });

  it('missing shard: names the folder, the shard and the index', async () => {
    const dir = await withTransformer(halves());
    unlinkSync(join(dir, 'transformer', SHARD_2));
    await expect(checkModel(dir)).rejects.toMatchObject({
      code: 'GPUQ_NOT_FOUND',
      message: expect.stringContaining(
        `transformer: shard ${SHARD_2} named by diffusion_pytorch_model.safetensors.index.json is missing`,
      ),
    });
  });

  it('index naming a file that does not exist', async () => {
    const dir = await withTransformer(halves());
    const path = join(dir, 'transformer', 'diffusion_pytorch_model.safetensors.index.json');
    const index = JSON.parse(readFileSync(path, 'utf8'));
    index.weight_map['proj_out.bias'] = 'diffusion_pytorch_model-00003-of-00002.safetensors';
    writeFileSync(path, JSON.stringify(index));
    await expect(checkModel(dir)).rejects.toThrow(
      /shard diffusion_pytorch_model-00003-of-00002\.safetensors named by/,
    );
  });

  it('missing tensor: names the folder, the tensor and its expected shape', async () => {
    const dir = await withTransformer(
      {
        'diffusion_pytorch_model.safetensors': transformer.filter(
          (t) => t.name !== 'blocks.1.ffn.net.2.weight',
        ),
      },
      false,
    );
    await expect(checkModel(dir)).rejects.toMatchObject({
      code: 'GPUQ_NOT_FOUND',
      message: expect.stringMatching(
        /transformer: tensor blocks\.1\.ffn\.net\.2\.weight \[24, 32\] is missing/,
      ),
    });
  });

  it('wrong shape: names file and tensor, expected and found shapes', async () => {
    const bad = transformer.map((t) =>
      t.name === 'blocks.0.attn1.to_q.weight' ? { ...t, shape: [24, 12] } : t,
    );
    const dir = await withTransformer({ 'diffusion_pytorch_model.safetensors': bad }, false);
    await expect(checkModel(dir)).rejects.toMatchObject({
      code: 'GPUQ_BAD_FORMAT',
      message: expect.stringMatching(
        /transformer\/diffusion_pytorch_model\.safetensors: tensor blocks\.0\.attn1\.to_q\.weight has shape \[24, 12\], expected \[24, 24\]/,
      ),
    });
  });

  it('F8_E4M3 dtype: Unsupported, naming file and tensor', async () => {
    const bad = transformer.map((t) => (t.name === 'proj_out.weight' ? { ...t, dtype: 'F8_E4M3' } : t));
    const dir = await withTransformer({ 'diffusion_pytorch_model.safetensors': bad }, false);
    await expect(checkModel(dir)).rejects.toMatchObject({
      code: 'GPUQ_UNSUPPORTED',
      message: expect.stringMatching(
        /diffusion_pytorch_model\.safetensors: tensor proj_out\.weight has dtype F8_E4M3/,
      ),
    });
  });

  it('duplicate tensor across files', async () => {
    const dir = await withTransformer(
      { 'a.safetensors': transformer, 'b.safetensors': transformer.slice(0, 1) },
      false,
    );
    await expect(checkModel(dir)).rejects.toMatchObject({
      code: 'GPUQ_BAD_FORMAT',
      message: expect.stringMatching(/transformer: tensor \S+ is in both a\.safetensors and b\.safetensors/),
    });
  });

  it('stray tensor: not a parameter of the model', async () => {
    const extra = [...transformer, { name: 'blocks.0.attn1.to_r.weight', shape: [24, 24], dtype: 'F32' }];
    const dir = await withTransformer({ 'diffusion_pytorch_model.safetensors': extra }, false);
    await expect(checkModel(dir)).rejects.toMatchObject({
      code: 'GPUQ_BAD_FORMAT',
      message: expect.stringMatching(
        /unexpected tensor blocks\.0\.attn1\.to_r\.weight \[24, 24\] \(not a parameter of WanTransformer3DModel/,
      ),
    });
  });

  it('missing config.json: no silent defaults', async () => {
    const dir = join(root, `case-${n++}`);
    cpSync(tinyWan, dir, { recursive: true });
    unlinkSync(join(dir, 'transformer', 'config.json'));
    await expect(checkModel(dir)).rejects.toMatchObject({
      code: 'GPUQ_NOT_FOUND',
      message: expect.stringMatching(/transformer\/config\.json is missing/),
    });
  });

  it('loading runs the same check before any weight is read or computed with', async () => {
    const dir = await withTransformer(halves());
    unlinkSync(join(dir, 'transformer', SHARD_1));
    await expect(WanEngine.load(dir, { threads: 1 })).rejects.toMatchObject({
      code: 'GPUQ_NOT_FOUND',
      message: expect.stringContaining(`shard ${SHARD_1} named by`),
    });
  });
});
