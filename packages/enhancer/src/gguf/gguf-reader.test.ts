/**
 * Corruptions of a real (tiny) model file: each must fail fast with a reason. The tensor-count
 * case is the one that made node-llama-cpp's own reader spin for minutes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGgufSummary } from './gguf-reader.js';
import { tinyModelBytes } from './tiny-model.js';

describe('readGgufSummary', () => {
  let dir: string;
  const good = tinyModelBytes();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gguf-reader-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const read = async (bytes: Buffer) => {
    const path = join(dir, `${Math.random()}.gguf`);
    await writeFile(path, bytes);
    return readGgufSummary(path);
  };
  const corrupt = (edit: (bytes: Buffer) => void) => {
    const bytes = Buffer.from(good);
    edit(bytes);
    return bytes;
  };

  it('summarizes a valid file', async () => {
    const summary = await read(good);
    expect(summary).toMatchObject({
      version: 3,
      tensorCount: 21,
      keyCount: 25,
      architecture: 'llama',
      alignment: 32,
    });
    expect(summary.dataOffset % 32).toBe(0);
  });

  it.each([
    [
      'a few extra tensors',
      (b: Buffer) => b.writeBigUInt64LE(40n, 8),
      /runs past the end|dimensions|claims|outside/,
    ],
    ['a huge tensor count', (b: Buffer) => b.writeBigUInt64LE(1n << 40n, 8), /claims 1099511627776 tensors/],
    ['a huge key length', (b: Buffer) => b.writeBigUInt64LE(1n << 50n, 24), /metadata key 0 .* claims/],
    [
      'a wrong value type',
      (b: Buffer) => b.writeUInt32LE(77, 24 + 8 + 'general.architecture'.length),
      /unknown value type 77/,
    ],
  ])('rejects %s', async (_name, edit, reason) => {
    await expect(read(corrupt(edit))).rejects.toThrow(reason);
  });

  it('rejects a file cut inside its metadata or its tensor data', async () => {
    await expect(read(good.subarray(0, 3000))).rejects.toThrow(/runs past the end of the file/);
    await expect(read(good.subarray(0, good.length - 40_000))).rejects.toThrow(/outside the .*data section/);
  });
});
