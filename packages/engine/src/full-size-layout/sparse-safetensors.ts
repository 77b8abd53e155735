/**
 * Writes a safetensors file whose header is real (names, dtypes, shapes, offsets) and whose data
 * section is a hole: the file is extended to its full length with ftruncate, so a 10 GB file
 * takes one header's worth of disk. Readers that only read headers (the model check) see the real
 * layout; a reader of the data sees zeros.
 */
import { open } from 'node:fs/promises';

export interface TensorLayout {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, I64: 8 };

/** Writes `tensors` in order; returns the file's length in bytes. */
export async function writeSparseSafetensors(
  path: string,
  tensors: readonly TensorLayout[],
): Promise<number> {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const bytes = DTYPE_BYTES[t.dtype];
    if (bytes === undefined)
      throw new Error(`${path}: no element size known for dtype ${t.dtype} (${t.name})`);
    const end = offset + t.shape.reduce((a, b) => a * b, 1) * bytes;
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const text = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(text.length));
  const file = await open(path, 'w');
  try {
    await file.write(Buffer.concat([prefix, text]));
    const length = 8 + text.length + offset;
    await file.truncate(length);
    return length;
  } finally {
    await file.close();
  }
}
