/**
 * Loads the compiled addon (build/gpuq_engine.node) once. The types here mirror what
 * binding/*.cpp exports; the public API wraps them in sdxl/sdxl-engine.ts and wan/wan-engine.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorageDtype } from '../memory/weight-dtype.js';
import { EngineError } from './engine-error.js';
import type { TensorF32 } from './tensor.js';

export interface NativeTensor {
  data: Float32Array | Uint8Array | Float64Array;
  shape: number[];
}

export interface NativeClipOutput {
  hiddenStates: TensorF32[];
  lastHiddenState: TensorF32;
  pooled: TensorF32;
  textEmbeds?: TensorF32;
}

export interface NativePipeline {
  info(): {
    backend: string;
    vaeScaleFactor: number;
    latentChannels: number;
    maxTokens: number;
    vaeScalingFactor: number;
    forceZerosForEmptyPrompt: boolean;
    weightBytes: number;
    components: NativeComponentMemory;
  };
  encodeText(
    ids1: Int32Array,
    ids2: Int32Array,
  ): Promise<{
    promptEmbeds: TensorF32;
    pooledPromptEmbeds: TensorF32;
    textEncoder1: NativeClipOutput;
    textEncoder2: NativeClipOutput;
  }>;
  unetForward(inputs: {
    sample: TensorF32;
    timestep: number;
    encoderHiddenStates: TensorF32;
    textEmbeds?: TensorF32;
    timeIds?: TensorF32;
    trace?: boolean;
  }): Promise<{ noisePred: TensorF32; trace?: Record<string, NativeTensor> }>;
  vaeDecode(
    z: TensorF32,
    trace: boolean,
  ): Promise<{ image: TensorF32; trace?: Record<string, NativeTensor> }>;
  generate(
    request: Record<string, unknown>,
    onProgress: ((step: number, total: number) => void) | undefined,
  ): {
    promise: Promise<{
      latents: TensorF32;
      image: TensorF32;
      imageU8: { data: Uint8Array; shape: number[] };
    }>;
    cancel(): void;
  };
  /** The device memory peak since the last call (then reset); null on the CPU. */
  takePeakDeviceBytes(): number | null;
}

/** What load() / loadWan() take; "auto" is resolved by the wrapper before the call. */
export interface NativeLoadOptions {
  device?: string;
  threads?: number;
  weightDtype?: StorageDtype;
  componentDtypes?: Record<string, StorageDtype>;
  /** Free the text encoders after each job's encoding; they load again for the next. */
  releaseTextEncoders?: boolean;
  /** load() only: `dir` is a single-file checkpoint whose configs (and tokenizers) live here. */
  configDir?: string;
}

/** Per loaded component: the dtype its matrices are kept in and the bytes its tensors hold. */
export type NativeComponentMemory = Record<string, { dtype: StorageDtype; bytes: number }>;

export interface NativeScheduler {
  tables(): {
    timesteps: Float64Array;
    sigmas: Float32Array;
    integerTimesteps: boolean;
    initNoiseSigma: number;
    needsNoise: boolean;
  };
  inputScale(step: number): number;
  step(modelOutput: TensorF32, step: number, sample: TensorF32, noise?: TensorF32): TensorF32;
}

export interface ReplayRow {
  file: string;
  name: string;
  compared: boolean;
  pass: boolean;
  maxAbs: number;
  worstRatio: number;
  differing: number;
  note: string;
}

/** The start-up self-check of a device backend (core/src/pipeline/device_self_check.h). */
export interface DeviceSelfCheck {
  passed: boolean;
  /** The device backend's name, e.g. `cuda:0 NVIDIA H100 80GB HBM3`. */
  backend: string;
  /** The op (`op rope`) or UNet tensor that differed or threw; empty when passed. */
  failedAt: string;
  detail: string;
  opsChecked: number;
  tensorsChecked: number;
  seconds: number;
  /** One line for the log. */
  summary: string;
}

export interface NativeAddon {
  load(dir: string, options: NativeLoadOptions): Promise<NativePipeline>;
  loadWan(dir: string, options: NativeLoadOptions): Promise<NativeWanPipeline>;
  replay(
    fixtureDir: string,
    outDir: string,
    options: { device?: string; threads?: number },
  ): Promise<{ pipeline: string; rows: ReplayRow[]; ok: boolean; text: string }>;
  makeTinyCheckpoint(dir: string, seed: number): Promise<string>;
  /** The latest device self-check of this process; null while every load ran on the CPU. */
  deviceSelfCheck(): DeviceSelfCheck | null;
  /** JSON reports (src/check-model/model-check.ts types them). */
  checkModel(dir: string): Promise<string>;
  modelPlan(dir: string): Promise<string>;
  /** Free bytes of the CUDA device a GPUQ_DEVICE value selects; null for the CPU or no device. */
  cudaFreeMemory(device: string): number | null;
  NativeScheduler: new (configJson: string, name: string, steps: number) => NativeScheduler;
  build: { sgemm: string; cuda: boolean; hardwareThreads: number };
}

let cached: NativeAddon | undefined;

/**
 * Debian's OpenBLAS 0.3.21 does not recognise AMD Zen 4 and uses its AVX2 kernels; on AVX-512
 * CPUs its SkylakeX kernels are 1.5-2x faster. OpenBLAS reads OPENBLAS_CORETYPE once, when the
 * addon (linked to it) is loaded, so it is set here first unless the user chose a value.
 */
function tuneBlas(): void {
  if (process.env.OPENBLAS_CORETYPE || process.platform !== 'linux' || process.arch !== 'x64') return;
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
    if (/\bavx512f\b/.test(flags) && /\bavx512bw\b/.test(flags)) process.env.OPENBLAS_CORETYPE = 'SkylakeX';
  } catch {
    // no /proc: keep OpenBLAS's own choice
  }
}

/** The addon, loaded on first use; one helpful error when the binary is missing or broken. */
export function native(): NativeAddon {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const path = join(here, '..', '..', 'build', 'gpuq_engine.node');
  if (!existsSync(path)) {
    throw new EngineError(
      'GPUQ_ADDON_LOAD',
      `native addon not built (${path} missing): run \`pnpm --filter @gpuq/engine build\` ` +
        '(needs cmake, g++ and, for speed, libopenblas-dev)',
    );
  }
  tuneBlas();
  try {
    cached = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    throw new EngineError('GPUQ_ADDON_LOAD', `cannot load ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return cached;
}

/** A stage's result: its output and, when asked, every intermediate under the fixtures' names. */
export interface StageOutput {
  readonly output: TensorF32;
  readonly trace?: Record<string, NativeTensor>;
}

/** What the native WAN pipeline object exposes (binding/wan_pipeline_wrap.cpp). */
export interface NativeWanPipeline {
  info(): {
    backend: string;
    vaeScaleSpatial: number;
    vaeScaleTemporal: number;
    patchSize: number;
    latentChannels: number;
    vocabSize: number;
    scheduler: string;
    flowShift: number;
    supportsImage: boolean;
    components: NativeComponentMemory;
  };
  encodeText(ids: Int32Array, mask: Int32Array, trace: boolean): Promise<StageOutput>;
  transformerForward(
    hiddenStates: TensorF32,
    timestep: number,
    encoderHiddenStates: TensorF32,
    trace: boolean,
  ): Promise<StageOutput>;
  vaeDecode(z: TensorF32, trace: boolean): Promise<StageOutput>;
  generate(
    request: Record<string, unknown>,
    onProgress: ((step: number, total: number) => void) | undefined,
  ): {
    promise: Promise<{
      latents: { data: Float32Array; shape: number[] };
      frames: { data: Float32Array; shape: number[] };
      framesU8: { data: Uint8Array; shape: number[] };
    }>;
    cancel(): void;
  };
  /** The device memory peak since the last call (then reset); null on the CPU. */
  takePeakDeviceBytes(): number | null;
}
