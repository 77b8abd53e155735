import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type ComponentPlan, modelPlan } from '../check-model/model-check.js';
import { FULL_SIZE_LAYOUTS, type FullSizeLayoutName } from './full-size-layouts.js';

/**
 * Our parameter lists for the real configs against the lists diffusers and transformers
 * themselves give (test/real-configs/<model>/<component>/reference-params.json.gz, written by
 * scripts/dump_reference_params.py) and against every tensor name the real shard indexes list.
 */
const REAL_CONFIGS = fileURLToPath(new URL('../../test/real-configs/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'gpuq-reference-params-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface ReferenceParams {
  readonly producedBy: string;
  readonly tensors: number;
  readonly parameters: number;
  readonly params: readonly (readonly [string, readonly number[]])[];
}

function readReference(folder: string): ReferenceParams {
  return JSON.parse(gunzipSync(readFileSync(join(folder, 'reference-params.json.gz'))).toString('utf8'));
}

/** The real-config folder a layout's component comes from: the last overlay that holds it. */
function sourceFolder(layout: FullSizeLayoutName, component: string): string {
  const holders = FULL_SIZE_LAYOUTS[layout]
    .map((source) => join(REAL_CONFIGS, source, component))
    .filter((folder) => existsSync(join(folder, 'config.json')));
  return holders.at(-1)!;
}

function shardIndexNames(folder: string): string[] | null {
  const index = readdirSync(folder).find((f) => f.endsWith('.safetensors.index.json'));
  if (!index) return null;
  return Object.keys(JSON.parse(readFileSync(join(folder, index), 'utf8')).weight_map);
}

const byName = (list: readonly (readonly [string, readonly number[]])[]) =>
  Object.fromEntries(list.map(([name, shape]) => [name, [...shape]]));
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

const plans = new Map<FullSizeLayoutName, Record<string, ComponentPlan>>();
async function planOf(layout: FullSizeLayoutName) {
  if (!plans.has(layout)) {
    const dir = join(root, layout);
    for (const source of FULL_SIZE_LAYOUTS[layout])
      cpSync(join(REAL_CONFIGS, source), dir, { recursive: true });
    plans.set(layout, await modelPlan(dir));
  }
  return plans.get(layout)!;
}

// Every component of every layout, with the counts diffusers / transformers report for it.
const CASES: readonly [FullSizeLayoutName, string, string, number][] = [
  ['sdxl-base-1.0', 'unet', 'diffusers 0.33.1 UNet2DConditionModel', 1680],
  ['sdxl-base-1.0', 'vae', 'diffusers 0.33.1 AutoencoderKL', 248],
  ['sdxl-base-1.0', 'text_encoder', 'transformers 4.57.6 CLIPTextModel', 196],
  ['sdxl-base-1.0', 'text_encoder_2', 'transformers 4.57.6 CLIPTextModelWithProjection', 517],
  ['wan2.1-t2v-1.3b', 'transformer', 'diffusers 0.33.1 WanTransformer3DModel', 825],
  ['wan2.1-t2v-1.3b', 'vae', 'diffusers 0.33.1 AutoencoderKLWan', 194],
  ['wan2.1-t2v-1.3b', 'text_encoder', 'transformers 4.57.6 UMT5EncoderModel', 242],
  ['wan2.1-t2v-14b', 'transformer', 'diffusers 0.33.1 WanTransformer3DModel', 1095],
  ['wan2.1-i2v-14b-480p', 'transformer', 'diffusers 0.33.1 WanTransformer3DModel', 1303],
  ['wan2.1-i2v-14b-480p', 'image_encoder', 'transformers 4.57.6 CLIPVisionModel', 519],
];

describe('parameter lists against diffusers / transformers for the real configs', () => {
  it.each(CASES)('%s %s: the same names and shapes as %s', async (layout, component, producedBy, tensors) => {
    const plan = (await planOf(layout))[component];
    expect(plan, `${layout} has no ${component}`).toBeDefined();
    const reference = readReference(sourceFolder(layout, component));
    expect(reference.producedBy).toBe(producedBy);
    expect(reference.params).toHaveLength(tensors);
    // Same names with the same shapes (a failure lists the differing entries).
    expect(byName(plan!.tensors)).toEqual(byName(reference.params));
    expect(plan!.tensors).toHaveLength(reference.tensors);
    expect(plan!.tensors.reduce((n, [, shape]) => n + numel(shape), 0)).toBe(reference.parameters);
  });

  it('every component of every layout is covered by a reference list', async () => {
    const covered = new Set(CASES.map(([layout, component]) => sourceFolder(layout, component)));
    for (const layout of Object.keys(FULL_SIZE_LAYOUTS) as FullSizeLayoutName[]) {
      for (const component of Object.keys(await planOf(layout)))
        expect(covered.has(sourceFolder(layout, component)), `${layout}/${component}`).toBe(true);
    }
  });

  // The published indexes (the SDXL components ship single files, no index).
  const indexed = CASES.filter(([layout, component]) => shardIndexNames(sourceFolder(layout, component)));
  it('four WAN transformers / text encoder indexes are checked', () => {
    expect(indexed.map(([layout, component]) => `${layout}/${component}`)).toEqual([
      'wan2.1-t2v-1.3b/transformer',
      'wan2.1-t2v-1.3b/text_encoder',
      'wan2.1-t2v-14b/transformer',
      'wan2.1-i2v-14b-480p/transformer',
    ]);
  });

  it.each(indexed)(
    '%s %s: the shard index lists exactly the reference names and ours',
    async (layout, component) => {
      const folder = sourceFolder(layout, component);
      const indexNames = [...shardIndexNames(folder)!].sort();
      expect(indexNames).toEqual(
        readReference(folder)
          .params.map(([name]) => name)
          .sort(),
      );
      const plan = (await planOf(layout))[component]!;
      expect(indexNames).toEqual(plan.tensors.map(([name]) => name).sort());
    },
  );
});
