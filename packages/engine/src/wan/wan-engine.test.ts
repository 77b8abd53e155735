import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { f32, fixtureDir, ids, readSafetensors, tolerances, worstRatio } from '../../test/fixtures.js';
import { decodePng, EngineError, UnigramTokenizer, WanEngine, wanPromptClean } from '../index.js';

const dir = fixtureDir('wan-tiny');
const ref = (file: string) => readSafetensors(join(dir, 'reference', file));

describe('WanEngine on wan-tiny', () => {
  let engine: WanEngine;
  let tol: ReturnType<typeof tolerances>;
  let text: ReturnType<typeof readSafetensors>;
  let loops: ReturnType<typeof readSafetensors>;

  beforeAll(async () => {
    engine = await WanEngine.load(dir, { threads: 2 });
    tol = tolerances(dir);
    text = ref('text_encoder.safetensors');
    loops = ref('loops.safetensors');
  });

  const prompt = (who: string) => ({
    ids: ids(text, `${who}.input_ids`),
    attentionMask: ids(text, `${who}.attention_mask`),
  });
  const request = (scheduler: 'flow_euler' | 'unipc', shift: number) => ({
    prompt: prompt('prompt'),
    negativePrompt: prompt('negative'),
    height: 32,
    width: 48,
    numFrames: 9,
    steps: 3,
    guidanceScale: 6,
    scheduler,
    flowShift: shift,
    initialLatents: f32(loops, 'initial_latents'),
  });

  it('reproduces both reference loops with CFG, step by step to the frames', async () => {
    for (const [name, scheduler, shift] of [
      ['flow_euler', 'flow_euler', 7],
      ['unipc_flow', 'unipc', 3],
    ] as const) {
      const steps: number[] = [];
      const r = await engine.generate(request(scheduler, shift), {
        onProgress: ({ step }) => steps.push(step),
      });
      expect(steps).toEqual([1, 2, 3]);
      expect([r.numFrames, r.height, r.width]).toEqual([9, 32, 48]);
      const key = `reference/loops.safetensors:${name}.`;
      expect(
        worstRatio(r.latents.data, f32(loops, `${name}.step2.latents`).data, tol.get(`${key}step2.latents`)!),
      ).toBeLessThanOrEqual(1);
      expect(
        worstRatio(r.frames.data, f32(loops, `${name}.frames_np`).data, tol.get(`${key}frames_np`)!),
      ).toBeLessThanOrEqual(1);
      const u8 = loops.get(`${name}.frames_uint8`)!.u8!;
      let worst = 0;
      for (let i = 0; i < u8.length; i++) worst = Math.max(worst, Math.abs(u8[i]! - r.rgb[i]!));
      expect(worst).toBeLessThanOrEqual(1);
      const poster = decodePng(r.poster);
      expect([poster.width, poster.height]).toEqual([48, 32]);
    }
  }, 60_000);

  it('runs each stage on its stored inputs within tolerance, with intermediates', async () => {
    const te = await engine.encodeText(prompt('prompt'), { trace: true });
    const key = (file: string, name: string) => tol.get(`reference/${file}:${name}`)!;
    expect(
      worstRatio(
        te.output.data,
        f32(text, 'prompt.prompt_embeds').data,
        key('text_encoder.safetensors', 'prompt.prompt_embeds'),
      ),
    ).toBeLessThanOrEqual(1);
    expect(Object.keys(te.trace!)).toContain('block.1.relative_attention_bias');
    const tf = ref('transformer_forward.safetensors');
    const fwd = await engine.transformerForward(
      {
        hiddenStates: f32(tf, 'in.hidden_states'),
        timestep: f32(tf, 'in.timestep').data[0]!,
        encoderHiddenStates: f32(tf, 'in.encoder_hidden_states'),
      },
      { trace: true },
    );
    expect(
      worstRatio(fwd.output.data, f32(tf, 'output').data, key('transformer_forward.safetensors', 'output')),
    ).toBeLessThanOrEqual(1);
    expect(fwd.trace!['rope.cos']!.shape).toEqual([1, 1, 18, 6]);
    const vd = ref('vae_decode.safetensors');
    const video = await engine.vaeDecode(f32(vd, 'z'), { trace: true });
    expect(
      worstRatio(video.output.data, f32(vd, 'video').data, key('vae_decode.safetensors', 'video')),
    ).toBeLessThanOrEqual(1);
    expect(video.trace!['decoder_chunk.1']!.shape).toEqual([1, 3, 4, 32, 48]);
  });

  it('makes a single image with numFrames 1 and a seeded start', async () => {
    const r = await engine.generate({
      prompt: prompt('prompt'),
      height: 32,
      width: 48,
      numFrames: 1,
      steps: 2,
    });
    expect(r.frames.shape).toEqual([1, 1, 32, 48, 3]);
    expect(r.latents.shape).toEqual([1, 16, 1, 4, 6]);
  });

  it('encodes a missing negative prompt as "" ([eos], padding) and rounds frames to 4k + 1', async () => {
    const base = { ...request('flow_euler', 7), steps: 1, numFrames: 10 };
    const eos = new Int32Array(16);
    eos[0] = 1;
    const explicit = await engine.generate({ ...base, negativePrompt: { ids: eos, attentionMask: eos } });
    const omitted = await engine.generate({ ...base, negativePrompt: undefined });
    expect(omitted.numFrames).toBe(9);
    expect(Array.from(omitted.latents.data)).toEqual(Array.from(explicit.latents.data));
  });

  it('stops on abort with GPUQ_CANCELLED', async () => {
    const controller = new AbortController();
    const run = engine.generate(
      { ...request('flow_euler', 7), steps: 50 },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ code: 'GPUQ_CANCELLED' });
  });

  it("tokenizes text with the checkpoint's spiece.model or tokenizer.json after WanPipeline's prompt cleaning", async () => {
    await expect(engine.generate({ prompt: 'a lighthouse' })).rejects.toMatchObject({
      code: 'GPUQ_NOT_FOUND',
    });
    // A copy of the checkpoint with a SentencePiece model (test/data) as its tokenizer.
    const copy = mkdtempSync(join(tmpdir(), 'gpuq-wan-tok-'));
    for (const name of ['model_index.json', 'scheduler', 'text_encoder', 'transformer', 'vae'])
      symlinkSync(join(dir, name), join(copy, name));
    mkdirSync(join(copy, 'tokenizer'));
    const model = gunzipSync(
      readFileSync(
        join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'data', 'spm-unigram.model.gz'),
      ),
    );
    writeFileSync(join(copy, 'tokenizer', 'spiece.model'), model);
    try {
      const withTok = await WanEngine.load(copy, { threads: 2 });
      expect(withTok.hasTokenizer).toBe(true);
      const tok = await UnigramTokenizer.fromFile(join(copy, 'tokenizer', 'spiece.model'));
      expect(wanPromptClean('  a &amp;amp;\n lighthouse  ')).toBe('a & lighthouse');
      const ids = withTok.tokenize('  a &amp;amp;\n lighthouse  ', 16);
      expect(Array.from(ids.ids as Int32Array)).toEqual(Array.from(tok.encode('a & lighthouse', 16).ids));

      // With a tokenizer.json beside it (the same model converted by transformers), that file wins,
      // as in transformers: its ids are Hugging Face tokenizers' (unknown characters as <unk>).
      const data = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'data');
      writeFileSync(
        join(copy, 'tokenizer', 'tokenizer.json'),
        gunzipSync(readFileSync(join(data, 'spm-unigram.tokenizer.json.gz'))),
      );
      const cases = JSON.parse(readFileSync(join(data, 'spm-unigram-tokenizer-json-cases.json'), 'utf8')) as {
        text: string;
        ids: number[];
      }[];
      const rare = cases.find((c) => c.ids.includes(2) && wanPromptClean(c.text) === c.text)!;
      const withJson = await WanEngine.load(copy, { threads: 2 });
      const jsonIds = Array.from(withJson.tokenize(rare.text, 64).ids as Int32Array);
      expect(jsonIds.slice(0, rare.ids.length + 1)).toEqual([...rare.ids, 1]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('rejects bad requests before the native call', async () => {
    await expect(engine.generate({ ...request('flow_euler', 7), height: 30 })).rejects.toBeInstanceOf(
      EngineError,
    );
    await expect(
      engine.generate({ ...request('flow_euler', 7), scheduler: 'ddim' as never }),
    ).rejects.toMatchObject({ code: 'GPUQ_INVALID_ARGUMENT' });
    await expect(
      engine.generate({ ...request('flow_euler', 7), prompt: { ids: [300, 1] } }),
    ).rejects.toMatchObject({ code: 'GPUQ_INVALID_ARGUMENT' });
    await expect(WanEngine.load('/nonexistent')).rejects.toMatchObject({ code: 'GPUQ_NOT_FOUND' });
  });
});
