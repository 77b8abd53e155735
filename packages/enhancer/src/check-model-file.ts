/**
 * Fails fast, with a message naming the path and the problem, before node-llama-cpp touches the
 * file: llama.cpp's own errors for a missing or foreign file are generic ("failed to load model"),
 * and node-llama-cpp's metadata reader can spin on a corrupted header (see gguf-reader.ts).
 */
import { stat } from 'node:fs/promises';
import { ModelInvalidError } from './errors/model-invalid-error.js';
import { ModelNotFoundError } from './errors/model-not-found-error.js';
import { GgufFormatError, type GgufSummary, readGgufSummary } from './gguf/gguf-reader.js';

export async function checkModelFile(modelPath: string): Promise<GgufSummary> {
  const info = await stat(modelPath).catch((cause: unknown) => {
    throw new ModelNotFoundError(modelPath, { cause });
  });
  if (!info.isFile()) throw new ModelNotFoundError(modelPath);
  try {
    return await readGgufSummary(modelPath);
  } catch (error) {
    if (error instanceof GgufFormatError)
      throw new ModelInvalidError(modelPath, error.message, { cause: error });
    throw error;
  }
}
