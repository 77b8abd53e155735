import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModelFile } from './check-model-file.js';
import { ModelInvalidError } from './errors/model-invalid-error.js';
import { ModelNotFoundError } from './errors/model-not-found-error.js';
import { tinyModelBytes } from './gguf/tiny-model.js';

describe('checkModelFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the path when the file is missing', async () => {
    const path = join(dir, 'absent.gguf');
    const error = await checkModelFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect((error as ModelNotFoundError).message).toContain(path);
    expect((error as ModelNotFoundError).code).toBe('model_not_found');
  });

  it('treats a directory as not found', async () => {
    await expect(checkModelFile(dir)).rejects.toBeInstanceOf(ModelNotFoundError);
  });

  it('rejects a file without the GGUF magic', async () => {
    const path = join(dir, 'weights.safetensors');
    await writeFile(path, Buffer.alloc(64, 7));
    await expect(checkModelFile(path)).rejects.toThrow(/no GGUF magic/);
  });

  it('rejects a GGUF header of an unknown version and a too-short file', async () => {
    const header = Buffer.alloc(24);
    header.write('GGUF', 0, 'latin1');
    header.writeUInt32LE(99, 4);
    const path = join(dir, 'future.gguf');
    await writeFile(path, header);
    await expect(checkModelFile(path)).rejects.toThrow(/unsupported GGUF version 99/);
    await writeFile(path, 'GGUF');
    await expect(checkModelFile(path)).rejects.toBeInstanceOf(ModelInvalidError);
  });

  it('rejects tensor or key counts the file is too small to hold', async () => {
    const header = Buffer.alloc(4096);
    header.write('GGUF', 0, 'latin1');
    header.writeUInt32LE(3, 4);
    header.writeBigUInt64LE(1n << 40n, 8);
    const path = join(dir, 'counts.gguf');
    await writeFile(path, header);
    await expect(checkModelFile(path)).rejects.toThrow(
      /claims 1099511627776 tensors and 0 keys in 4096 bytes/,
    );
    header.writeBigUInt64LE(2n, 8);
    header.writeBigUInt64LE(10_000n, 16);
    await writeFile(path, header);
    await expect(checkModelFile(path)).rejects.toThrow(/10000 keys/);
  });

  it("reads a valid file's summary", async () => {
    const path = join(dir, 'tiny.gguf');
    await writeFile(path, tinyModelBytes());
    expect(await checkModelFile(path)).toMatchObject({ version: 3, architecture: 'llama', alignment: 32 });
  });
});
