import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gguf } from './gguf-value.js';
import { encodeGguf } from './gguf-writer.js';
import { buildTinyModel, tinyModelBytes } from './tiny-model.js';

// node-llama-cpp's own GGUF reader is an independent check of our writer.
describe('encodeGguf', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gguf-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the v3 header and typed metadata that a GGUF reader reads back', async () => {
    const bytes = encodeGguf({
      metadata: [
        ['general.architecture', gguf.str('llama')],
        ['test.u32', gguf.u32(7)],
        ['test.f32', gguf.f32(0.5)],
        ['test.bool', gguf.bool(true)],
        ['test.names', gguf.strings(['a', 'βγ'])],
        ['test.ints', gguf.i32s([-1, 2])],
      ],
      tensors: [{ name: 't', dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
    });
    expect(bytes.toString('latin1', 0, 4)).toBe('GGUF');
    expect(bytes.readUInt32LE(4)).toBe(3);
    const path = join(dir, 'small.gguf');
    await writeFile(path, bytes);

    const info = await readGgufFileInfo(path, { readTensorInfo: true });
    const meta = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(meta.test).toEqual({ u32: 7, f32: 0.5, bool: true, names: ['a', 'βγ'], ints: [-1, 2] });
    expect(info.tensorInfo?.[0]).toMatchObject({ name: 't', dimensions: [3, 2], offset: 0 });
    // The data section starts aligned and holds the floats as written.
    const dataStart = bytes.length - 32; // one 24-byte tensor padded to 32
    expect(dataStart % 32).toBe(0);
    expect(bytes.readFloatLE(dataStart + 20)).toBe(6);
  });

  it('rejects a tensor whose data does not match its dims', () => {
    expect(() =>
      encodeGguf({ metadata: [], tensors: [{ name: 'bad', dims: [4], data: new Float32Array(3) }] }),
    ).toThrow(/dims hold 4 values, data has 3/);
  });

  it('generates the same tiny model bytes for the same seed and different ones for another', () => {
    expect(tinyModelBytes({ seed: 5 }).equals(tinyModelBytes({ seed: 5 }))).toBe(true);
    expect(tinyModelBytes({ seed: 5 }).equals(tinyModelBytes({ seed: 6 }))).toBe(false);
  });

  it('describes a llama model with an embedded vocabulary and chat template', () => {
    const model = buildTinyModel();
    const keys = new Map(model.metadata);
    expect(keys.get('general.architecture')).toEqual(gguf.str('llama'));
    expect(keys.get('tokenizer.ggml.model')).toEqual(gguf.str('llama'));
    const tokens = keys.get('tokenizer.ggml.tokens');
    expect(tokens?.type === 'array' && tokens.values).toContain('<|im_end|>');
    expect(model.tensors.map((t) => t.name)).toContain('blk.1.ffn_down.weight');
  });
});
