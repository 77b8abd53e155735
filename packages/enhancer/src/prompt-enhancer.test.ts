/**
 * The enhancer end to end on the generated tiny GGUF: the same node-llama-cpp path (native
 * binary, GGUF loader, tokenizer, chat template, sampler) that the real 7B model takes.
 */
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveChatWrapper } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnhancementAbortedError } from './errors/enhancement-aborted-error.js';
import { EnhancerError } from './errors/enhancer-error.js';
import { InvalidPromptError } from './errors/invalid-prompt-error.js';
import { ModelInvalidError } from './errors/model-invalid-error.js';
import { ModelNotFoundError } from './errors/model-not-found-error.js';
import { getLlamaRuntime } from './llama-runtime.js';
import { PromptEnhancer } from './prompt-enhancer.js';
import { buildEnhancerMessages, renderChatMl } from './prompt-template.js';
import { ensureTinyModel } from './tiny-model-file.js';

// One thread: ggml's worker threads spin, which crawls on a shared two-core CI box.
const CPU = { gpu: false, threads: 1 } as const;

describe('PromptEnhancer on the tiny model', () => {
  let dir: string;
  let modelPath: string;
  let enhancer: PromptEnhancer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enhancer-'));
    modelPath = await ensureTinyModel(dir);
    // `timeoutMs: undefined` (an unset env value) must keep the default, not disable the bound.
    enhancer = await PromptEnhancer.load({
      ...CPU,
      modelPath,
      maxTokens: 48,
      maxChars: 200,
      timeoutMs: undefined,
    });
  });
  afterAll(async () => {
    await enhancer?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('produces non-empty, trimmed text within the token and character bounds', async () => {
    const result = await enhancer.enhance('a fox in the snow', { seed: 1 });
    expect(result.prompt.length).toBeGreaterThan(0);
    expect(result.prompt.length).toBeLessThanOrEqual(200);
    expect(result.prompt).toBe(result.prompt.trim());
    expect(result.prompt).not.toMatch(/\n|<\|im_/);
    expect(result.tokens).toBeGreaterThan(0);
    expect(result.tokens).toBeLessThanOrEqual(48);
    expect(['eos', 'maxTokens']).toContain(result.stopReason);
  });

  it('is repeatable for a seed, and runs calls one after another', async () => {
    const [a, b] = await Promise.all([
      enhancer.enhance('a lighthouse', { seed: 7, target: 'image' }),
      enhancer.enhance('a lighthouse', { seed: 7, target: 'image' }),
    ]);
    expect(a.prompt).toBe(b.prompt);
  });

  it('stops at the wall-time bound', async () => {
    const slow = await PromptEnhancer.load({ ...CPU, modelPath, maxTokens: 1000, timeoutMs: 30 });
    try {
      const outcome = await slow.enhance('a storm at sea', { seed: 2 }).catch((error: unknown) => error);
      // Either text cut at the deadline, or nothing yet and a timeout error: never a hang.
      if (outcome instanceof EnhancerError) expect(outcome.code).toBe('timeout');
      else expect(outcome).toMatchObject({ stopReason: 'timeout' });
    } finally {
      await slow.dispose();
    }
  });

  it('runs the chat template embedded in the GGUF, on the CPU as asked', () => {
    expect(enhancer.info).toMatchObject({ chatFormat: 'ChatML', gpu: false, contextSize: 2048 });
  });

  it("renders our messages through the model's own template into the ChatML we document", async () => {
    const llama = await getLlamaRuntime(false);
    const model = await llama.loadModel({ modelPath });
    try {
      const messages = buildEnhancerMessages('a fox in the snow', 'video');
      const { contextText } = resolveChatWrapper(model).generateContextState({
        chatHistory: [
          { type: 'system', text: messages.system },
          { type: 'user', text: messages.user },
          { type: 'model', response: [] },
        ],
      });
      expect(contextText.toString()).toContain(renderChatMl(messages));
      expect(model.detokenize(contextText.tokenize(model.tokenizer), true)).toContain(
        'user\nRewrite this prompt:\na fox in the snow',
      );
    } finally {
      await model.dispose();
    }
  });

  it("throws EnhancementAbortedError when the caller's signal fires, before or during generation", async () => {
    const controller = new AbortController();
    controller.abort(new Error('job cancelled'));
    await expect(enhancer.enhance('a cat', { signal: controller.signal })).rejects.toBeInstanceOf(
      EnhancementAbortedError,
    );

    const long = await PromptEnhancer.load({ ...CPU, modelPath, maxTokens: 3000, contextSize: 4096 });
    try {
      const during = new AbortController();
      const pending = long.enhance('a cat', { signal: during.signal, seed: 3 });
      setTimeout(() => during.abort(new Error('job cancelled')), 20);
      await expect(pending).rejects.toBeInstanceOf(EnhancementAbortedError);
    } finally {
      await long.dispose();
    }
  });

  it('rejects an empty prompt and one that leaves no room in the context', async () => {
    await expect(enhancer.enhance('   ')).rejects.toBeInstanceOf(InvalidPromptError);
    await expect(enhancer.enhance('word '.repeat(3000))).rejects.toThrow(/leaves too little room/);
  });

  it('fails clearly for a missing model file', async () => {
    const path = join(dir, 'nope.gguf');
    await expect(PromptEnhancer.load({ ...CPU, modelPath: path })).rejects.toBeInstanceOf(ModelNotFoundError);
  });

  it('fails clearly for a file that is not GGUF', async () => {
    const path = join(dir, 'model.bin');
    await writeFile(path, 'definitely not a model, just some text that is long enough');
    await expect(PromptEnhancer.load({ ...CPU, modelPath: path })).rejects.toBeInstanceOf(ModelInvalidError);
  });

  it("fails with llama.cpp's reason for a GGUF whose header is sound but last tensor is cut", async () => {
    const path = join(dir, 'truncated.gguf');
    await copyFile(modelPath, path);
    await truncate(path, (await readFile(modelPath)).length - 100);
    const error = await PromptEnhancer.load({ ...CPU, modelPath: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelInvalidError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/not within the file bounds/); // llama.cpp's reason
  });
});
