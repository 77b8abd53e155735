/**
 * Full-size checkpoint layouts of the published models without their weights: the real configs
 * and shard indexes (test/real-configs, sources in its README), the real weight file names and
 * shard split, every tensor at its real shape and the published dtype (fp32), written as sparse
 * files. What `check-model` and the load-time check need, at the size users download.
 */
import { cp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelPlan } from '../check-model/model-check.js';
import { writeSparseSafetensors } from './sparse-safetensors.js';

const REAL_CONFIGS = fileURLToPath(new URL('../../test/real-configs/', import.meta.url));

/** Each layout: the real-config folders copied in order (later ones overlay earlier ones). */
export const FULL_SIZE_LAYOUTS = {
  'sdxl-base-1.0': ['stable-diffusion-xl-base-1.0'],
  'wan2.1-t2v-1.3b': ['Wan2.1-T2V-1.3B-Diffusers'],
  // The 14B repositories ship the same text encoder, VAE and scheduler as the 1.3B one.
  'wan2.1-t2v-14b': ['Wan2.1-T2V-1.3B-Diffusers', 'Wan2.1-T2V-14B-Diffusers'],
  'wan2.1-i2v-14b-480p': ['Wan2.1-T2V-1.3B-Diffusers', 'Wan2.1-I2V-14B-480P-Diffusers'],
} as const satisfies Record<string, readonly string[]>;

export type FullSizeLayoutName = keyof typeof FULL_SIZE_LAYOUTS;

export interface WrittenLayout {
  readonly dir: string;
  readonly files: number;
  /** Apparent size of the weight files (the published download size, give or take headers). */
  readonly bytes: number;
}

const PUBLISHED_DTYPE = 'F32';

/** The reference parameter lists kept next to the configs are ours, not part of a published folder. */
const isPublishedFile = (path: string) => !path.endsWith('reference-params.json.gz');

/** Tensor name -> file, from the component's shard index, or one file named as the library names it. */
async function placeTensors(folder: string, library: string, names: readonly string[]) {
  const index = (await readdir(folder)).find((f) => f.endsWith('.safetensors.index.json'));
  if (!index) {
    const file = library === 'diffusers' ? 'diffusion_pytorch_model.safetensors' : 'model.safetensors';
    return new Map(names.map((n) => [n, file]));
  }
  const weightMap = JSON.parse(await readFile(join(folder, index), 'utf8')).weight_map as Record<
    string,
    string
  >;
  const listed = new Set(names);
  const missing = names.filter((n) => !(n in weightMap));
  const extra = Object.keys(weightMap).filter((n) => !listed.has(n));
  if (missing.length || extra.length) {
    throw new Error(
      `${folder}/${index} disagrees with the parameter list: not in the index [${missing.slice(0, 5).join(', ')}], ` +
        `not in the list [${extra.slice(0, 5).join(', ')}]`,
    );
  }
  return new Map(names.map((n) => [n, weightMap[n]!]));
}

export async function writeFullSizeLayout(name: FullSizeLayoutName, dir: string): Promise<WrittenLayout> {
  for (const source of FULL_SIZE_LAYOUTS[name])
    await cp(join(REAL_CONFIGS, source), dir, { recursive: true, filter: isPublishedFile });
  const modelIndex = JSON.parse(await readFile(join(dir, 'model_index.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  let files = 0;
  let bytes = 0;
  for (const [component, plan] of Object.entries(await modelPlan(dir))) {
    const library = (modelIndex[component] as [string, string])[0];
    const folder = join(dir, component);
    const placement = await placeTensors(
      folder,
      library,
      plan.tensors.map(([n]) => n),
    );
    const byFile = new Map<string, { name: string; shape: readonly number[]; dtype: string }[]>();
    for (const [tensor, shape] of plan.tensors) {
      const file = placement.get(tensor)!;
      const list = byFile.get(file) ?? [];
      list.push({ name: tensor, shape, dtype: PUBLISHED_DTYPE });
      byFile.set(file, list);
    }
    for (const [file, tensors] of byFile) {
      bytes += await writeSparseSafetensors(join(folder, file), tensors);
      files += 1;
    }
  }
  return { dir, files, bytes };
}
