/**
 * The SDXL engine as the workers use it: load a diffusers folder once, then generate images or
 * run single stages. Every call validates its arguments here ("expected X for Y, got Z"), runs on
 * a native background thread and returns a Promise; native failures become EngineError with the
 * C++ message and code.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { checkPair, checkPositiveInt, toIds } from '../common/argument-checks.js';
import { EngineError } from '../common/engine-error.js';
import type { GenerateOptions } from '../common/generate-options.js';
import type { LoadOptions } from '../common/load-options.js';
import { type NativePipeline, type NativeTensor, native } from '../common/native.js';
import { encodePng } from '../common/png.js';
import { runNativeGeneration } from '../common/run-native-generation.js';
import { Scheduler, type SchedulerName } from '../common/scheduler.js';
import { checkTensor, type TensorF32 } from '../common/tensor.js';
import { checkGenerationFits, planLoad } from '../memory/load-plan.js';
import type { MemoryPlan } from '../memory/plan-memory.js';
import type { ClipTokenizer } from '../tokenizer/clip-tokenizer.js';
import { sdxlTokenizers } from '../tokenizer/sdxl-tokenizers.js';
import {
  checkScheduler,
  type GenerateRequest,
  type GenerateResult,
  type TokenIds,
} from './generate-request.js';
import { resolveSdxlModelPath } from './sdxl-model-path.js';

export interface ClipEncoderOutput {
  /** hidden_states[0] = embeddings, [i] = after layer i-1 (no final norm). */
  readonly hiddenStates: readonly TensorF32[];
  readonly lastHiddenState: TensorF32;
  readonly pooled: TensorF32;
  /** text_encoder_2 only: the projected pooled output. */
  readonly textEmbeds?: TensorF32;
}

export interface TextEncoding {
  readonly promptEmbeds: TensorF32;
  readonly pooledPromptEmbeds: TensorF32;
  readonly textEncoder1: ClipEncoderOutput;
  readonly textEncoder2: ClipEncoderOutput;
}

export interface UNetInputs {
  readonly sample: TensorF32;
  readonly timestep: number;
  readonly encoderHiddenStates: TensorF32;
  readonly textEmbeds?: TensorF32;
  readonly timeIds?: TensorF32;
}

export class SdxlEngine {
  private constructor(
    private readonly pipe: NativePipeline,
    readonly dir: string,
    private readonly schedulerConfig: string,
    private readonly tokenizers: readonly [ClipTokenizer, ClipTokenizer] | undefined,
    /** The memory plan the checkpoint was loaded by. */
    readonly memoryPlan: MemoryPlan,
  ) {}

  /**
   * Loads a diffusers SDXL folder, or a single-file checkpoint when `dir` ends in `.safetensors`.
   * Tokenizers are optional (absent: prompts must be token ids).
   */
  static async load(dir: string, options: LoadOptions = {}): Promise<SdxlEngine> {
    if (typeof dir !== 'string' || dir === '') {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `expected a folder or .safetensors path for dir, got ${String(dir)}`,
      );
    }
    const model = resolveSdxlModelPath(dir, options.configDir);
    if (options.threads !== undefined) checkPositiveInt(options.threads, 'threads', 1024);
    const { plan, componentDtypes, releaseTextEncoders } = planLoad(
      model.configDir,
      model.singleFile ? { ...options, singleFile: dir } : options,
    );
    let pipe: NativePipeline;
    try {
      pipe = await native().load(dir, {
        device: options.device ?? 'auto',
        threads: options.threads ?? availableParallelism(),
        componentDtypes,
        releaseTextEncoders,
        ...(model.singleFile ? { configDir: model.configDir } : {}),
      });
    } catch (err) {
      throw EngineError.fromNative(err, `load ${dir}`);
    }
    const schedulerPath = join(model.configDir, 'scheduler', 'scheduler_config.json');
    const schedulerConfig = existsSync(schedulerPath) ? await readFile(schedulerPath, 'utf8') : '{}';
    return new SdxlEngine(
      pipe,
      dir,
      schedulerConfig,
      await sdxlTokenizers(model.configDir, pipe.info().maxTokens),
      plan,
    );
  }

  get info() {
    return this.pipe.info();
  }

  get hasTokenizer(): boolean {
    return this.tokenizers !== undefined;
  }

  /** Token ids of `text` for both encoders (needs the tokenizer folders). */
  tokenize(text: string): TokenIds {
    if (!this.tokenizers) {
      throw new EngineError(
        'GPUQ_NOT_FOUND',
        `${this.dir} has no tokenizer files: pass token ids instead of text`,
      );
    }
    return { textEncoder1: this.tokenizers[0].encode(text), textEncoder2: this.tokenizers[1].encode(text) };
  }

  /** Both CLIP encoders and the SDXL prompt assembly from token ids. */
  async encodeText(ids: TokenIds): Promise<TextEncoding> {
    const n = this.info.maxTokens;
    const a = toIds(ids.textEncoder1, 'textEncoder1 ids', n);
    const b = toIds(ids.textEncoder2, 'textEncoder2 ids', n);
    try {
      return await this.pipe.encodeText(a, b);
    } catch (err) {
      throw EngineError.fromNative(err, 'encodeText');
    }
  }

  /** One UNet evaluation; with `trace`, every intermediate named as in the reference fixtures. */
  async unetForward(
    inputs: UNetInputs,
    options: { trace?: boolean } = {},
  ): Promise<{ noisePred: TensorF32; trace?: Record<string, NativeTensor> }> {
    const sample = checkTensor(inputs.sample, 'sample');
    if (sample.shape.length !== 4)
      throw new EngineError('GPUQ_INVALID_ARGUMENT', 'expected a 4-d sample [B, C, h, w]');
    const batch = sample.shape[0]!;
    checkTensor(inputs.encoderHiddenStates, 'encoderHiddenStates', [batch, null, null]);
    if (inputs.textEmbeds) checkTensor(inputs.textEmbeds, 'textEmbeds', [batch, null]);
    if (inputs.timeIds) checkTensor(inputs.timeIds, 'timeIds', [batch, 6]);
    if (!Number.isFinite(inputs.timestep)) {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `expected a finite number for timestep, got ${inputs.timestep}`,
      );
    }
    try {
      return await this.pipe.unetForward({ ...inputs, trace: options.trace ?? false });
    } catch (err) {
      throw EngineError.fromNative(err, 'unetForward');
    }
  }

  /** VAE decode of z (latents already divided by the scaling factor) to an NCHW image in ~[-1, 1]. */
  async vaeDecode(
    z: TensorF32,
    options: { trace?: boolean } = {},
  ): Promise<{ image: TensorF32; trace?: Record<string, NativeTensor> }> {
    checkTensor(z, 'z', [null, this.info.latentChannels, null, null]);
    try {
      return await this.pipe.vaeDecode(z, options.trace ?? false);
    } catch (err) {
      throw EngineError.fromNative(err, 'vaeDecode');
    }
  }

  /** A sampler over this checkpoint's scheduler config (or a named variant of it). */
  scheduler(steps: number, name?: SchedulerName): Scheduler {
    return Scheduler.create(this.schedulerConfig, steps, name);
  }

  /** Text to image. Progress after every step; an abort stops the loop before the next step. */
  async generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    const native = this.nativeRequest(request);
    checkGenerationFits(this.memoryPlan, { width: native.width as number, height: native.height as number });
    this.pipe.takePeakDeviceBytes();
    const r = await runNativeGeneration((progress) => this.pipe.generate(native, progress), options);
    const peakDeviceBytes = this.pipe.takePeakDeviceBytes();
    const [, height, width] = r.imageU8.shape as [number, number, number, number];
    return {
      width,
      height,
      rgb: r.imageU8.data,
      png: encodePng(r.imageU8.data, width, height),
      latents: r.latents,
      image: r.image,
      peakDeviceBytes,
    };
  }

  private nativeRequest(request: GenerateRequest): Record<string, unknown> {
    if (!request || typeof request !== 'object') {
      throw new EngineError('GPUQ_INVALID_ARGUMENT', 'expected a request object for generate');
    }
    const n = this.info.maxTokens;
    const ids = (p: string | TokenIds, what: string) => {
      const t = typeof p === 'string' ? this.tokenize(p) : p;
      if (!t || typeof t !== 'object')
        throw new EngineError('GPUQ_INVALID_ARGUMENT', `expected text or token ids for ${what}`);
      return [
        toIds(t.textEncoder1, `${what}.textEncoder1`, n),
        toIds(t.textEncoder2, `${what}.textEncoder2`, n),
      ];
    };
    const [p1, p2] = ids(request.prompt, 'prompt');
    // No negative prompt: zero embeddings where the checkpoint says so (SDXL base), otherwise the
    // pipeline encodes an empty prompt, which needs the tokenizer.
    const negativeInput =
      request.negativePrompt ?? (this.info.forceZerosForEmptyPrompt || !this.tokenizers ? undefined : '');
    const negative = negativeInput === undefined ? undefined : ids(negativeInput, 'negativePrompt');
    const height = checkPositiveInt(request.height ?? 1024, 'height', 16384);
    const width = checkPositiveInt(request.width ?? 1024, 'width', 16384);
    const steps = checkPositiveInt(request.steps ?? 30, 'steps', 1000);
    const guidanceScale = request.guidanceScale ?? 5;
    if (!Number.isFinite(guidanceScale) || guidanceScale < 0) {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `expected a non-negative number for guidanceScale, got ${guidanceScale}`,
      );
    }
    const seed = request.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `expected a non-negative safe integer for seed, got ${seed}`,
      );
    }
    const f = this.info.vaeScaleFactor;
    const latentShape = [1, this.info.latentChannels, Math.floor(height / f), Math.floor(width / f)];
    if (request.initialLatents) checkTensor(request.initialLatents, 'initialLatents', latentShape);
    for (const [i, t] of (request.stepNoise ?? []).entries()) checkTensor(t, `stepNoise[${i}]`, latentShape);
    return {
      promptIds1: p1,
      promptIds2: p2,
      negativeIds1: negative?.[0],
      negativeIds2: negative?.[1],
      height,
      width,
      steps,
      guidanceScale,
      scheduler: checkScheduler(request.scheduler) ?? '',
      seed,
      originalSize: checkPair(request.originalSize, 'originalSize'),
      cropsCoordsTopLeft: checkPair(request.cropsCoordsTopLeft, 'cropsCoordsTopLeft'),
      targetSize: checkPair(request.targetSize, 'targetSize'),
      initialLatents: request.initialLatents,
      stepNoise: request.stepNoise,
    };
  }
}
