/**
 * Writes a safetensors file whose header is real (names, dtypes, shapes, offsets) and whose data
 * section is a hole: the file is extended to its full length with ftruncate, so a 10 GB file
 * takes one header's worth of disk. Readers that only read headers (the model check) see the real
 * layout; a reader of the data sees zeros.
 */
import { open } from 'node:fs/promises';
import { encodeSafetensorsHeader } from '../checkpoint-writer/safetensors-writer.js';
import { SAFETENSORS_DTYPE_BYTES } from '../memory/weight-dtype.js';

export interface TensorLayout {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

// The reader's element sizes, and F8 too: the model check's tests write files it must refuse.
const DTYPE_BYTES: Readonly<Record<string, number>> = { ...SAFETENSORS_DTYPE_BYTES, F8_E4M3: 1 };

/** Writes `tensors` in order; returns the file's length in bytes. */
export async function writeSparseSafetensors(
  path: string,
  tensors: readonly TensorLayout[],
): Promise<number> {
  const { header, dataLength } = encodeSafetensorsHeader(
    tensors.map((t) => {
      const bytes = DTYPE_BYTES[t.dtype];
      if (bytes === undefined)
        throw new Error(`${path}: no element size known for dtype ${t.dtype} (${t.name})`);
      return { ...t, byteLength: t.shape.reduce((a, b) => a * b, 1) * bytes };
    }),
  );
  const file = await open(path, 'w');
  try {
    await file.write(header);
    const length = header.length + dataLength;
    await file.truncate(length);
    return length;
  } finally {
    await file.close();
  }
}
