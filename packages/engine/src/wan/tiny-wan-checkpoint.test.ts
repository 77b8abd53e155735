import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDir, readSafetensors } from '../../test/fixtures.js';
import { encodeTinySpiece } from '../checkpoint-writer/tiny-spiece.js';
import {
  createTinyWanCheckpoint,
  parseSentencePieceModel,
  tinyWanTensorShapes,
  WanEngine,
} from '../index.js';

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

describe('tiny random WAN checkpoint', () => {
  const root = mkdtempSync(join(tmpdir(), 'gpuq-tiny-wan-'));
  let a: string;
  let b: string;
  let engine: WanEngine;

  beforeAll(async () => {
    a = await createTinyWanCheckpoint(join(root, 'a'), { seed: 3 });
    b = await createTinyWanCheckpoint(join(root, 'b'), { seed: 3 });
    engine = await WanEngine.load(a, { device: 'cpu', threads: 2 });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the diffusers layout, the same bytes for the same seed', async () => {
    expect(files(a)).toEqual([
      'model_index.json',
      'scheduler/scheduler_config.json',
      'text_encoder/config.json',
      'text_encoder/model.safetensors',
      'tokenizer/spiece.model',
      'tokenizer/tokenizer_config.json',
      'transformer/config.json',
      'transformer/diffusion_pytorch_model.safetensors',
      'vae/config.json',
      'vae/diffusion_pytorch_model.safetensors',
    ]);
    for (const f of files(a)) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
    const c = await createTinyWanCheckpoint(join(root, 'c'), { seed: 4 });
    const w = 'transformer/diffusion_pytorch_model.safetensors';
    expect(readFileSync(join(a, w)).equals(readFileSync(join(c, w)))).toBe(false);
    const vae = readSafetensors(join(a, 'vae/diffusion_pytorch_model.safetensors'));
    expect(vae.size).toBe(146);
  });

  it('has the fixture tensor names and shapes (a larger vocabulary for its tokenizer)', () => {
    const fixture = fixtureDir('wan-tiny');
    const manifest = JSON.parse(readFileSync(join(fixture, 'manifest.json'), 'utf8')) as {
      checkpoint: { file: string; tensors?: Record<string, number[]> }[];
    };
    const mine = tinyWanTensorShapes();
    const vocab = encodeTinySpiece().pieces.length;
    for (const { file, tensors } of manifest.checkpoint) {
      if (!tensors) continue;
      const expected = { ...tensors };
      if (expected['shared.weight']) expected['shared.weight'] = [vocab, expected['shared.weight'][1]!];
      expect(mine[file]).toEqual(expected);
    }
  });

  it('writes a SentencePiece unigram model the tokenizer reads', () => {
    const model = parseSentencePieceModel(readFileSync(join(a, 'tokenizer/spiece.model')));
    expect(model.modelType).toBe(1);
    expect(model.byteFallback).toBe(true);
    expect([model.padId, model.eosId, model.unkId]).toEqual([0, 1, 2]);
    expect(model.pieces.slice(0, 4).map((p) => p.piece)).toEqual(['<pad>', '</s>', '<unk>', '<0x00>']);
    expect(model.pieces.length).toBe(engine.info.vocabSize);
    const piece = (id: number) => model.pieces[id]!.piece;
    const t = engine.tokenize('a fox in the snow', 16);
    const n = Array.from(t.attentionMask ?? []).reduce((s, v) => s + v, 0);
    expect(Array.from(t.ids.slice(0, n), piece)).toEqual(['▁a', '▁fox', '▁in', '▁the', '▁snow', '</s>']);
    expect(Array.from(t.ids.slice(n))).toEqual(new Array(16 - n).fill(0));
    // Unknown characters fall back to their UTF-8 bytes.
    const u = engine.tokenize('é', 8);
    expect(Array.from(u.ids.slice(0, 4), piece)).toEqual(['▁', '<0xC3>', '<0xA9>', '</s>']);
  });

  it('generates 9 frames from a text prompt, deterministically', async () => {
    expect(engine.hasTokenizer).toBe(true);
    expect(engine.info.scheduler).toBe('unipc');
    expect(engine.info.flowShift).toBe(3);
    const req = { prompt: 'a fox in the snow', width: 48, height: 32, numFrames: 9, steps: 2, seed: 7 };
    const steps: number[] = [];
    const r = await engine.generate(req, { onProgress: ({ step }) => steps.push(step) });
    expect(steps).toEqual([1, 2]);
    expect([r.numFrames, r.height, r.width]).toEqual([9, 32, 48]);
    expect(r.rgb.length).toBe(9 * 32 * 48 * 3);
    expect(r.latents.shape).toEqual([1, 16, 3, 4, 6]);
    expect(r.frames.data.every(Number.isFinite)).toBe(true);
    const again = await engine.generate(req);
    expect(Buffer.from(again.rgb).equals(Buffer.from(r.rgb))).toBe(true);
    const other = await WanEngine.load(b, { device: 'cpu', threads: 2 });
    expect(Buffer.from((await other.generate(req)).rgb).equals(Buffer.from(r.rgb))).toBe(true);
  });

  it('rejects a bad seed', async () => {
    await expect(createTinyWanCheckpoint(join(root, 'd'), { seed: -1 })).rejects.toMatchObject({
      code: 'GPUQ_INVALID_ARGUMENT',
    });
  });
});
