/**
 * The 7B prompt enhancer: a GGUF chat model run through node-llama-cpp that rewrites a short
 * prompt into a detailed one. One instance holds one loaded model and one context sequence, so
 * calls run one at a time (a 7B model saturates the device anyway); `enhance` queues behind any
 * call in flight.
 */

import { availableParallelism } from 'node:os';
import {
  LlamaChatSession,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  resolveChatWrapper,
} from 'node-llama-cpp';
import { checkModelFile } from './check-model-file.js';
import { cleanEnhancedText } from './clean-output.js';
import { EmptyEnhancementError } from './errors/empty-enhancement-error.js';
import { EnhancementAbortedError } from './errors/enhancement-aborted-error.js';
import { EnhancementTimeoutError } from './errors/enhancement-timeout-error.js';
import { InvalidPromptError } from './errors/invalid-prompt-error.js';
import { ModelInvalidError } from './errors/model-invalid-error.js';
import { type EnhancerGpu, getLlamaRuntime, llamaErrorMark, llamaErrorsSince } from './llama-runtime.js';
import { buildEnhancerMessages, type EnhanceTarget } from './prompt-template.js';

export interface PromptEnhancerOptions {
  /** The GGUF file (LLM_MODEL_PATH, or the generated tiny model). */
  modelPath: string;
  /** Default `auto`: CUDA when available, else CPU. */
  gpu?: EnhancerGpu;
  /**
   * CPU threads; default half the machine's cores (at least 1). ggml's threads spin while they
   * wait for each other, so oversubscribed cores are catastrophic: on a shared 2-core box the tiny
   * model ran 831 tokens/s with 1 thread and 26 with 2. The WAN engine and ffmpeg need the rest.
   */
  threads?: number;
  /** Context size in tokens; default 2048 (instructions + prompt + answer with room). */
  contextSize?: number;
  /** Upper bound on generated tokens; default 256. */
  maxTokens?: number;
  /** Wall-time budget per call in ms; default 60 000. */
  timeoutMs?: number;
  /** Upper bound on the returned prompt's length; default 2000 characters. */
  maxChars?: number;
  /** Sampling temperature; default 0.7. */
  temperature?: number;
}

export interface EnhanceOptions {
  /** Default `video`. */
  target?: EnhanceTarget;
  /** The job's cancellation; aborting throws EnhancementAbortedError. */
  signal?: AbortSignal;
  /** Fixes sampling for repeatable output; default random. */
  seed?: number;
}

export interface EnhanceResult {
  prompt: string;
  /** `eos`: the model finished; `maxTokens` / `timeout`: cut at a bound, text kept. */
  stopReason: 'eos' | 'maxTokens' | 'timeout';
  tokens: number;
  durationMs: number;
}

const DEFAULTS = {
  gpu: 'auto',
  contextSize: 2048,
  maxTokens: 256,
  timeoutMs: 60_000,
  maxChars: 2000,
  temperature: 0.7,
} as const;

type ResolvedOptions = Required<PromptEnhancerOptions>;

export class PromptEnhancer {
  readonly #options: ResolvedOptions;
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;
  readonly #sequence: LlamaContextSequence;
  #queue: Promise<unknown> = Promise.resolve();
  /** What the loaded model runs on and which chat format its template resolved to, for logs. */
  readonly info: { modelPath: string; chatFormat: string; gpu: string | false; contextSize: number };

  private constructor(options: ResolvedOptions, model: LlamaModel, context: LlamaContext) {
    this.#options = options;
    this.#model = model;
    this.#context = context;
    this.#sequence = context.getSequence();
    this.info = {
      modelPath: options.modelPath,
      chatFormat: resolveChatWrapper(model).wrapperName,
      gpu: model.llama.gpu,
      contextSize: context.contextSize,
    };
  }

  /** Checks the file, loads the model and allocates its context; typed errors for a bad file. */
  static async load(options: PromptEnhancerOptions): Promise<PromptEnhancer> {
    const threads = Math.max(1, Math.floor(availableParallelism() / 2));
    // Drop explicit undefineds (typical of env-derived options) so they do not erase defaults.
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    const resolved = { ...DEFAULTS, threads, ...given } as ResolvedOptions;
    await checkModelFile(resolved.modelPath);
    const llama = await getLlamaRuntime(resolved.gpu);
    const mark = llamaErrorMark();
    const model = await llama
      .loadModel({ modelPath: resolved.modelPath, gpuLayers: resolved.gpu === false ? 0 : 'auto' })
      .catch(async (cause: unknown) => {
        throw new ModelInvalidError(resolved.modelPath, await loadFailureReason(mark, cause), { cause });
      });
    try {
      const context = await model.createContext({
        contextSize: resolved.contextSize,
        sequences: 1,
        threads: resolved.threads,
      });
      return new PromptEnhancer(resolved, model, context);
    } catch (cause) {
      await model.dispose();
      throw cause;
    }
  }

  /** Rewrites `prompt`; resolves with the cleaned text or rejects with an EnhancerError. */
  enhance(prompt: string, options: EnhanceOptions = {}): Promise<EnhanceResult> {
    const run = this.#queue.then(() => this.#enhanceNow(prompt, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #enhanceNow(prompt: string, options: EnhanceOptions): Promise<EnhanceResult> {
    if (options.signal?.aborted) throw new EnhancementAbortedError({ cause: options.signal.reason });
    const { maxTokens, timeoutMs, maxChars, temperature } = this.#options;
    const messages = buildEnhancerMessages(prompt, options.target ?? 'video');
    this.#checkFits(prompt, messages.system);

    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const session = new LlamaChatSession({
      contextSequence: this.#sequence,
      systemPrompt: messages.system,
      autoDisposeSequence: false,
    });
    const started = performance.now();
    let tokens = 0;
    try {
      const answer = await session
        .promptWithMeta(messages.user, {
          maxTokens,
          temperature,
          signal,
          stopOnAbortSignal: true, // keeps text generated before the deadline
          onToken: (chunk) => {
            tokens += chunk.length;
          },
          ...(options.seed === undefined ? {} : { seed: options.seed }),
        })
        .catch((cause: unknown) => {
          // An abort while the prompt is still being read throws instead of returning text.
          if (options.signal?.aborted) throw new EnhancementAbortedError({ cause });
          if (timeout.aborted) throw new EnhancementTimeoutError(timeoutMs, { cause });
          throw cause;
        });
      if (options.signal?.aborted) throw new EnhancementAbortedError({ cause: options.signal.reason });
      const text = cleanEnhancedText(answer.responseText, maxChars);
      const stopReason =
        answer.stopReason === 'abort' ? 'timeout' : answer.stopReason === 'maxTokens' ? 'maxTokens' : 'eos';
      if (text === '')
        throw stopReason === 'timeout' ? new EnhancementTimeoutError(timeoutMs) : new EmptyEnhancementError();
      return { prompt: text, stopReason, tokens, durationMs: Math.round(performance.now() - started) };
    } finally {
      session.dispose({ disposeSequence: false });
      await this.#sequence.clearHistory();
    }
  }

  /** Rejects prompts that would leave no room for the answer instead of letting the context shift. */
  #checkFits(prompt: string, system: string): void {
    if (prompt.trim() === '') throw new InvalidPromptError('it is empty');
    const used = this.#model.tokenize(system).length + this.#model.tokenize(prompt).length + 32; // template overhead
    const room = this.#context.contextSize - used;
    if (room < this.#options.maxTokens) {
      throw new InvalidPromptError(
        `it needs ${used} tokens; the ${this.#context.contextSize}-token context leaves too little room`,
      );
    }
  }

  async dispose(): Promise<void> {
    await this.#queue;
    await this.#context.dispose();
    await this.#model.dispose();
  }
}

/**
 * llama.cpp's log names the problem (e.g. a tensor past the end of a truncated file) where the
 * thrown error only says "Failed to load model". Its lines reach JS through a thread-safe callback
 * that can run after the rejection, so give them a moment first; a load failure is rare.
 */
async function loadFailureReason(mark: number, cause: unknown): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const lines = llamaErrorsSince(mark).map((line) => line.replace(/^\w+: /, ''));
  return lines.length > 0 ? lines.join('; ') : cause instanceof Error ? cause.message : String(cause);
}
