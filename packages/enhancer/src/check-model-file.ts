/**
 * Fails fast, with a message naming the path, before node-llama-cpp touches the file: llama.cpp's
 * own errors for a missing or foreign file are generic ("failed to load model").
 */
import { open, stat } from 'node:fs/promises';
import { ModelInvalidError } from './errors/model-invalid-error.js';
import { ModelNotFoundError } from './errors/model-not-found-error.js';

const GGUF_MAGIC = 'GGUF';
/** Versions 2 and 3 differ only in 64-bit counts; llama.cpp reads both. */
const SUPPORTED_VERSIONS = new Set([2, 3]);
const HEADER_BYTES = 24; // magic, version, tensor count, metadata count

export async function checkModelFile(modelPath: string): Promise<void> {
  const info = await stat(modelPath).catch((cause: unknown) => {
    throw new ModelNotFoundError(modelPath, { cause });
  });
  if (!info.isFile()) throw new ModelNotFoundError(modelPath);
  if (info.size < HEADER_BYTES) throw new ModelInvalidError(modelPath, `only ${info.size} bytes`);

  const file = await open(modelPath, 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    await file.read(header, 0, HEADER_BYTES, 0);
    const magic = header.toString('latin1', 0, 4);
    if (magic !== GGUF_MAGIC) {
      throw new ModelInvalidError(modelPath, `expected the GGUF magic, found ${JSON.stringify(magic)}`);
    }
    const version = header.readUInt32LE(4);
    if (!SUPPORTED_VERSIONS.has(version)) {
      throw new ModelInvalidError(modelPath, `unsupported GGUF version ${version}`);
    }
  } finally {
    await file.close();
  }
}
