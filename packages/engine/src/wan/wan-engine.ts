import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { checkPositiveInt } from '../common/argument-checks.js';
import { EngineError } from '../common/engine-error.js';
import type { GenerateOptions } from '../common/generate-options.js';
import type { LoadOptions } from '../common/load-options.js';
import { type NativeWanPipeline, native, type StageOutput } from '../common/native.js';
import { encodePng } from '../common/png.js';
import { runNativeGeneration } from '../common/run-native-generation.js';
import { checkTensor, type TensorF32 } from '../common/tensor.js';
import { checkGenerationFits, planLoad } from '../memory/load-plan.js';
import type { MemoryPlan } from '../memory/plan-memory.js';
import { wanPromptClean } from '../tokenizer/prompt-clean.js';
import { UnigramTokenizer } from '../tokenizer/unigram-tokenizer.js';
import {
  checkNonNegative,
  checkWanImage,
  checkWanScheduler,
  toWanIds,
  type WanGenerateRequest,
  type WanGenerateResult,
  type WanTokenIds,
} from './wan-request.js';

export type { NativeWanPipeline, StageOutput } from '../common/native.js';

/**
 * WAN 2.1 text-to-video (and text-to-image with numFrames 1) on the native core; image-to-video
 * with an I2V checkpoint (`supportsImageConditioning`, `request.image`).
 */
export class WanEngine {
  private constructor(
    private readonly pipe: NativeWanPipeline,
    readonly dir: string,
    private readonly tokenizer: UnigramTokenizer | undefined,
    /** The memory plan the checkpoint was loaded by. */
    readonly memoryPlan: MemoryPlan,
  ) {}

  static async load(dir: string, options: LoadOptions = {}): Promise<WanEngine> {
    if (typeof dir !== 'string' || dir === '') {
      throw new EngineError('GPUQ_INVALID_ARGUMENT', `expected a directory path for dir, got ${String(dir)}`);
    }
    if (options.threads !== undefined) checkPositiveInt(options.threads, 'threads', 1024);
    const { plan, componentDtypes, releaseTextEncoders } = planLoad(dir, options);
    try {
      const pipe = await native().loadWan(dir, {
        device: options.device ?? 'auto',
        threads: options.threads ?? availableParallelism(),
        componentDtypes,
        releaseTextEncoders,
      });
      // tokenizer.json first: it is what transformers' AutoTokenizer (so diffusers) runs when a
      // folder has both, and it can differ from spiece.model (converted files drop byte fallback).
      const tokenizerFile = ['tokenizer.json', 'spiece.model']
        .map((name) => join(dir, 'tokenizer', name))
        .find((path) => existsSync(path));
      return new WanEngine(
        pipe,
        dir,
        tokenizerFile ? await UnigramTokenizer.fromFile(tokenizerFile) : undefined,
        plan,
      );
    } catch (err) {
      throw EngineError.fromNative(err, `load ${dir}`);
    }
  }

  get info() {
    return this.pipe.info();
  }

  /**
   * Whether the checkpoint is image-to-video (its transformer has image_dim / added_kv_proj_dim):
   * then generate requires `image`; otherwise it refuses one.
   */
  get supportsImageConditioning(): boolean {
    return this.pipe.info().supportsImage;
  }

  get hasTokenizer(): boolean {
    return this.tokenizer !== undefined;
  }

  /** UMT5 ids and mask of `text` after WanPipeline's prompt cleaning, padded to `maxLength`. */
  tokenize(text: string, maxLength = 512): WanTokenIds {
    if (!this.tokenizer) {
      throw new EngineError(
        'GPUQ_NOT_FOUND',
        `${this.dir} has no tokenizer/spiece.model or tokenizer/tokenizer.json: pass token ids instead of text`,
      );
    }
    return this.tokenizer.encode(
      wanPromptClean(text),
      checkPositiveInt(maxLength, 'maxSequenceLength', 4096),
    );
  }

  /** prompt_embeds [1, L, text_dim]: UMT5's last hidden state, zeroed past the prompt. */
  async encodeText(
    prompt: string | WanTokenIds,
    options: { trace?: boolean; maxSequenceLength?: number } = {},
  ) {
    const t = typeof prompt === 'string' ? this.tokenize(prompt, options.maxSequenceLength) : prompt;
    const [ids, mask] = toWanIds(t, 'prompt', this.info.vocabSize);
    try {
      return await this.pipe.encodeText(ids, mask, options.trace ?? false);
    } catch (err) {
      throw EngineError.fromNative(err, 'encodeText');
    }
  }

  /** One transformer forward (batch 1): the velocity [1, C, F, H, W]. */
  async transformerForward(
    inputs: { hiddenStates: TensorF32; timestep: number; encoderHiddenStates: TensorF32 },
    options: { trace?: boolean } = {},
  ): Promise<StageOutput> {
    const x = checkTensor(inputs.hiddenStates, 'hiddenStates', [
      1,
      this.info.latentChannels,
      null,
      null,
      null,
    ]);
    checkTensor(inputs.encoderHiddenStates, 'encoderHiddenStates', [1, null, null]);
    if (!Number.isFinite(inputs.timestep)) {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `expected a finite number for timestep, got ${inputs.timestep}`,
      );
    }
    try {
      return await this.pipe.transformerForward(
        x,
        inputs.timestep,
        inputs.encoderHiddenStates,
        options.trace ?? false,
      );
    } catch (err) {
      throw EngineError.fromNative(err, 'transformerForward');
    }
  }

  /** The causal VAE decode of z (= latents * std + mean): video [B, 3, F, H, W] in [-1, 1]. */
  async vaeDecode(z: TensorF32, options: { trace?: boolean } = {}): Promise<StageOutput> {
    checkTensor(z, 'z', [null, this.info.latentChannels, null, null, null]);
    try {
      return await this.pipe.vaeDecode(z, options.trace ?? false);
    } catch (err) {
      throw EngineError.fromNative(err, 'vaeDecode');
    }
  }

  async generate(request: WanGenerateRequest, options: GenerateOptions = {}): Promise<WanGenerateResult> {
    const req = this.nativeRequest(request);
    checkGenerationFits(this.memoryPlan, {
      width: req.width as number,
      height: req.height as number,
      frames: req.numFrames as number,
    });
    this.pipe.takePeakDeviceBytes();
    const r = await runNativeGeneration((progress) => this.pipe.generate(req, progress), options);
    const peakDeviceBytes = this.pipe.takePeakDeviceBytes();
    const [, numFrames, height, width] = r.framesU8.shape as [number, number, number, number, number];
    const frameBytes = height * width * 3;
    return {
      width,
      height,
      numFrames,
      rgb: r.framesU8.data,
      poster: encodePng(r.framesU8.data.subarray(0, frameBytes), width, height),
      latents: r.latents,
      frames: r.frames,
      peakDeviceBytes,
    };
  }

  private nativeRequest(request: WanGenerateRequest): Record<string, unknown> {
    if (!request || typeof request !== 'object') {
      throw new EngineError('GPUQ_INVALID_ARGUMENT', 'expected a request object for generate');
    }
    const info = this.info;
    const maxLength = request.maxSequenceLength ?? 512;
    const ids = (p: string | WanTokenIds, what: string) =>
      toWanIds(typeof p === 'string' ? this.tokenize(p, maxLength) : p, what, info.vocabSize);
    const [promptIds, promptMask] = ids(request.prompt, 'prompt');
    // No negative prompt: WanPipeline encodes "" (the native side does the same for token ids).
    const negativeInput = request.negativePrompt ?? (this.tokenizer ? '' : undefined);
    const negative = negativeInput === undefined ? undefined : ids(negativeInput, 'negativePrompt');
    const unit = info.vaeScaleSpatial * info.patchSize;
    const height = checkPositiveInt(request.height ?? 480, 'height', 16384);
    const width = checkPositiveInt(request.width ?? 832, 'width', 16384);
    if (height % unit !== 0 || width % unit !== 0) {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `expected height and width divisible by ${unit}, got ${height} x ${width}`,
      );
    }
    const numFrames = checkPositiveInt(request.numFrames ?? 81, 'numFrames', 10000);
    const seed = request.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `expected a non-negative safe integer for seed, got ${seed}`,
      );
    }
    const t = info.vaeScaleTemporal;
    const frames = numFrames % t === 1 || t === 1 ? numFrames : Math.floor(numFrames / t) * t + 1;
    if (request.initialLatents) {
      checkTensor(request.initialLatents, 'initialLatents', [
        1,
        info.latentChannels,
        Math.floor((frames - 1) / t) + 1,
        height / info.vaeScaleSpatial,
        width / info.vaeScaleSpatial,
      ]);
    }
    return {
      promptIds,
      promptMask,
      negativeIds: negative?.[0],
      negativeMask: negative?.[1],
      height,
      width,
      numFrames,
      steps: checkPositiveInt(request.steps ?? 50, 'steps', 1000),
      guidanceScale: checkNonNegative(request.guidanceScale ?? 5, 'guidanceScale'),
      scheduler: checkWanScheduler(request.scheduler) ?? '',
      flowShift: checkNonNegative(request.flowShift ?? 0, 'flowShift'),
      seed,
      initialLatents: request.initialLatents,
      // Whether the checkpoint takes an image is checked natively (one rule, one message).
      image: request.image === undefined ? undefined : checkWanImage(request.image),
    };
  }
}
