import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModelBytes } from './gguf/tiny-model.js';
import { ensureTinyModel } from './tiny-model-file.js';

describe('ensureTinyModel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiny-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the model once per seed into a nested folder and reuses it', async () => {
    const folder = join(dir, 'models', 'llm');
    const path = await ensureTinyModel(folder, { seed: 3 });
    const first = await stat(path);
    expect(await ensureTinyModel(folder, { seed: 3 })).toBe(path);
    expect((await stat(path)).mtimeMs).toBe(first.mtimeMs);
    expect((await readFile(path)).equals(tinyModelBytes({ seed: 3 }))).toBe(true);
    expect(await ensureTinyModel(folder, { seed: 4 })).not.toBe(path);
    expect((await readdir(folder)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
