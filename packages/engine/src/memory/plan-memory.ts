/**
 * The memory plan of a model folder, made before loading: each component's resident bytes (from
 * its safetensors headers: parameters × the storage dtype's size; vectors stay fp32, as the
 * native loader keeps them), the working set for the requested size (working-set.ts) and whether
 * the sum fits the budget (`maxMemoryBytes`, else the CUDA device's free memory or, on the CPU,
 * the host's available memory). `pnpm check-model` prints it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../common/engine-error.js';
import { componentDtype, type ModelFamily, type PlanDevice } from './component-dtypes.js';
import { readComponentHeaders, singleFileComponentHeaders } from './safetensors-header.js';
import { STORAGE_BYTES, type StorageDtype, storageOfPublished, type WeightDtype } from './weight-dtype.js';
import {
  type GenerationSize,
  sdxlWorkingSet,
  textEncoderWorkingSet,
  type WorkingSetEstimate,
  wanWorkingSet,
} from './working-set.js';

export interface MemoryPlanOptions {
  /** Default "auto". */
  readonly weightDtype?: WeightDtype;
  /** Default "cpu". */
  readonly device?: PlanDevice;
  /** Default: SDXL at its UNet's sample_size (1024x1024 for SDXL base), WAN 832x480 with 81 frames. */
  readonly size?: GenerationSize;
  /** The budget; unset: `deviceFreeBytes` on CUDA, the host's available memory on the CPU. */
  readonly maxMemoryBytes?: number;
  /** The CUDA device's free memory (the engine reads it when it loads); unset: no CUDA budget. */
  readonly deviceFreeBytes?: number;
  /** CPU threads (attention score buffers in flight); default os.availableParallelism(). */
  readonly threads?: number;
  /** An SDXL single-file checkpoint holding the weights; `dir` then holds only the configs. */
  readonly singleFile?: string;
}

export interface ComponentPlan {
  readonly name: string;
  readonly parameters: number;
  /** The safetensors dtype most parameters are published in. */
  readonly publishedDtype: string;
  readonly storage: StorageDtype;
  readonly bytes: number;
}

export interface MemoryPlan {
  readonly dir: string;
  readonly family: ModelFamily;
  readonly device: PlanDevice;
  /** CPU threads the working set counts attention score blocks for; 0 on CUDA. */
  readonly threads: number;
  readonly size: GenerationSize;
  readonly components: readonly ComponentPlan[];
  readonly weightBytes: number;
  readonly workingSet: WorkingSetEstimate;
  /** What encoding the prompts needs beside the weights. */
  readonly encodeBytes: number;
  /**
   * `resident`: every component stays loaded. `released after encoding`: the text encoders and
   * the denoising working set do not fit together, so the engine frees the text encoders once the
   * prompts are encoded and loads them again for the next job.
   */
  readonly textEncoders: 'resident' | 'released after encoding';
  /** The most memory the job needs at once under that choice. */
  readonly peakBytes: number;
  readonly budgetBytes: number | null;
  readonly budgetSource: 'GPUQ_MAX_MEMORY' | 'device free memory' | 'host available memory' | 'none';
  readonly fits: boolean;
}

const TEXT_ENCODERS = new Set(['text_encoder', 'text_encoder_2']);

const COMPONENTS: Record<ModelFamily, readonly string[]> = {
  sdxl: ['text_encoder', 'text_encoder_2', 'unet', 'vae'],
  wan: ['text_encoder', 'transformer', 'vae', 'image_encoder'],
};

export function planMemory(dir: string, options: MemoryPlanOptions = {}): MemoryPlan {
  const family = modelFamily(dir);
  const device = options.device ?? 'cpu';
  const setting = options.weightDtype ?? 'auto';
  const size = options.size ?? defaultSize(dir, family);
  const components = COMPONENTS[family]
    .filter((name) => name !== 'image_encoder' || existsSync(join(dir, name, 'config.json')))
    .map((name) => planComponent(dir, family, name, setting, device, options.singleFile));
  const threads = device === 'cpu' ? (options.threads ?? availableParallelism()) : 0;
  const workingSet = workingSetOf(dir, family, size, threads);
  const weightBytes = components.reduce((sum, c) => sum + c.bytes, 0);
  const encoders = components.filter((c) => TEXT_ENCODERS.has(c.name));
  const encodeBytes = encoders.reduce((sum, c) => sum + textEncoderWorkingSet(readConfig(dir, c.name)), 0);
  const [budgetBytes, budgetSource] = budget(device, options);
  const base = {
    dir,
    family,
    device,
    threads,
    components,
    weightBytes,
    encodeBytes,
    budgetBytes,
    budgetSource,
  } as const;
  const resident = settle({ ...base, size, workingSet, textEncoders: 'resident' });
  if (resident.fits) return resident;
  const released = settle({ ...base, size, workingSet, textEncoders: 'released after encoding' });
  return released.peakBytes < resident.peakBytes ? released : resident;
}

/**
 * The plan of a loaded model for another generation size: same weights, budget and text-encoder
 * choice (fixed at load), the working set of `size`. A job whose plan does not fit is refused.
 */
export function planForSize(plan: MemoryPlan, size: GenerationSize): MemoryPlan {
  return settle({ ...plan, size, workingSet: workingSetOf(plan.dir, plan.family, size, plan.threads) });
}

function budget(device: PlanDevice, options: MemoryPlanOptions): [number | null, MemoryPlan['budgetSource']] {
  if (options.maxMemoryBytes !== undefined) return [options.maxMemoryBytes, 'GPUQ_MAX_MEMORY'];
  if (device === 'cpu') return [freemem(), 'host available memory'];
  if (options.deviceFreeBytes !== undefined) return [options.deviceFreeBytes, 'device free memory'];
  return [null, 'none'];
}

/** Peak and fit of a plan from its parts. */
function settle(plan: Omit<MemoryPlan, 'peakBytes' | 'fits'>): MemoryPlan {
  const encoderBytes = plan.components
    .filter((c) => TEXT_ENCODERS.has(c.name))
    .reduce((sum, c) => sum + c.bytes, 0);
  const peakBytes =
    plan.textEncoders === 'resident'
      ? plan.weightBytes + Math.max(plan.workingSet.bytes, plan.encodeBytes)
      : Math.max(
          plan.weightBytes + plan.encodeBytes,
          plan.weightBytes - encoderBytes + plan.workingSet.bytes,
        );
  return { ...plan, peakBytes, fits: plan.budgetBytes === null || peakBytes <= plan.budgetBytes };
}

function workingSetOf(
  dir: string,
  family: ModelFamily,
  size: GenerationSize,
  threads: number,
): WorkingSetEstimate {
  return family === 'sdxl'
    ? sdxlWorkingSet(readConfig(dir, 'unet'), readConfig(dir, 'vae'), size, threads)
    : wanWorkingSet(readConfig(dir, 'transformer'), readConfig(dir, 'vae'), size, threads);
}

function planComponent(
  dir: string,
  family: ModelFamily,
  name: string,
  setting: WeightDtype,
  device: PlanDevice,
  singleFile: string | undefined,
): ComponentPlan {
  const tensors = singleFile
    ? singleFileComponentHeaders(singleFile, name)
    : readComponentHeaders(join(dir, name));
  const byDtype = new Map<string, number>();
  let parameters = 0;
  let vectorParameters = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    parameters += n;
    if (t.shape.length < 2) vectorParameters += n;
    byDtype.set(t.dtype, (byDtype.get(t.dtype) ?? 0) + n);
  }
  const publishedDtype = [...byDtype.entries()].reduce((a, b) => (b[1] > a[1] ? b : a), ['F32', 0])[0];
  const config = readConfig(dir, name);
  const storage = componentDtype(
    family,
    { name, published: storageOfPublished(publishedDtype), forceUpcast: config.force_upcast === true },
    setting,
    device,
  );
  const bytes = (parameters - vectorParameters) * STORAGE_BYTES[storage] + vectorParameters * 4;
  return { name, parameters, publishedDtype, storage, bytes };
}

/** The size the checkpoint was trained for: what a request that names none gets. */
function defaultSize(dir: string, family: ModelFamily): GenerationSize {
  if (family === 'wan') return { width: 832, height: 480, frames: 81 };
  const levels = (readConfig(dir, 'vae').block_out_channels as unknown[] | undefined)?.length ?? 4;
  const side = Number(readConfig(dir, 'unet').sample_size ?? 128) * 2 ** (levels - 1);
  return { width: side, height: side };
}

function readConfig(dir: string, component: string): Record<string, unknown> {
  const path = join(dir, component, 'config.json');
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function modelFamily(dir: string): ModelFamily {
  const path = join(dir, 'model_index.json');
  if (!existsSync(path)) throw new EngineError('GPUQ_NOT_FOUND', `no model_index.json in ${dir}`);
  const index = JSON.parse(readFileSync(path, 'utf8')) as { _class_name?: string };
  const name = index._class_name ?? '';
  if (name.startsWith('StableDiffusionXL')) return 'sdxl';
  if (name.startsWith('Wan')) return 'wan';
  throw new EngineError(
    'GPUQ_UNSUPPORTED',
    `${path}: pipeline ${name || '(none)'} is neither SDXL nor WAN 2.1`,
  );
}
