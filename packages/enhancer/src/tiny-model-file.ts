/**
 * Where the generated tiny GGUF lives when no LLM_MODEL_PATH is configured. The file is a pure
 * function of its seed, so it is written once per cache folder and reused; a temporary name plus
 * rename keeps a concurrent reader from seeing half a file.
 */
import { randomUUID } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TinyModelOptions, tinyModelBytes } from './gguf/tiny-model.js';

/** Bump when the generator's output changes, so old cached files are not reused. */
const FORMAT_REVISION = 2;

export async function ensureTinyModel(dir: string, options: TinyModelOptions = {}): Promise<string> {
  const path = join(dir, `tiny-enhancer-r${FORMAT_REVISION}-seed${options.seed ?? 1}.gguf`);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists) return path;
  await mkdir(dir, { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, tinyModelBytes(options));
  await rename(temporary, path);
  return path;
}
