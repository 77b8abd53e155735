import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTinyCheckpoint, decodePng, SdxlEngine } from '../index.js';

describe('tiny random checkpoint', () => {
  const root = mkdtempSync(join(tmpdir(), 'gpuq-tiny-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('generates from a text prompt through the tokenizer, deterministically', async () => {
    const dir = await createTinyCheckpoint(join(root, 'a'), { seed: 3 });
    const engine = await SdxlEngine.load(dir, { device: 'cpu', threads: 2 });
    expect(engine.hasTokenizer).toBe(true);
    const ids = engine.tokenize('a red cat');
    expect(ids.textEncoder1[0]).toBe(512); // <|startoftext|>
    expect(ids.textEncoder1[1]).toBe(256 + 'a'.charCodeAt(0)); // "a</w>": word-final byte symbol
    const req = { prompt: 'a red cat', negativePrompt: 'blurry', width: 64, height: 48, steps: 3, seed: 5 };
    const a = await engine.generate(req);
    const b = await engine.generate(req);
    expect(a.width).toBe(64);
    expect(a.height).toBe(48);
    expect(decodePng(a.png).rgb).toEqual(a.rgb);
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    expect(engine.scheduler(3, 'euler_a').tables.needsNoise).toBe(true);
    const s = engine.scheduler(3, 'dpmpp_2m_karras');
    expect(s.tables.integerTimesteps).toBe(true);
    expect(s.steps).toBe(3);
  });

  it('rejects a bad seed', async () => {
    await expect(createTinyCheckpoint(join(root, 'b'), { seed: -1 })).rejects.toMatchObject({
      code: 'GPUQ_INVALID_ARGUMENT',
    });
  });
});
