/**
 * A strict, bounds-checked pass over a GGUF file's header, metadata and tensor infos, run before
 * node-llama-cpp sees the file. Its own reader trusts lengths and counts: a corrupted tensor count
 * made it spin for minutes. Here every length is checked against the bytes the file really has,
 * so a damaged or foreign file fails in milliseconds with a reason.
 *
 * The header is read into memory in growing windows (most real headers are under 16 MiB: Qwen2.5's
 * 152k-token vocabulary and merges are about 10 MiB) and parsed synchronously.
 */
import { open } from 'node:fs/promises';
import { GgufType } from './gguf-value.js';

export class GgufFormatError extends Error {
  override name = 'GgufFormatError';
}

export interface GgufSummary {
  version: number;
  tensorCount: number;
  keyCount: number;
  architecture: string | undefined;
  alignment: number;
  /** Where the tensor data section starts. */
  dataOffset: number;
}

const FIRST_WINDOW = 16 * 1024 * 1024;
const MAX_WINDOW = 512 * 1024 * 1024;
const MAX_DIMS = 4; // GGML_MAX_DIMS
const MAX_KEY_BYTES = 65535; // the spec's limit on key length
const SCALAR_BYTES = new Map<number, number>([
  [GgufType.uint8, 1],
  [GgufType.int8, 1],
  [GgufType.uint16, 2],
  [GgufType.int16, 2],
  [GgufType.uint32, 4],
  [GgufType.int32, 4],
  [GgufType.float32, 4],
  [GgufType.bool, 1],
  [GgufType.uint64, 8],
  [GgufType.int64, 8],
  [GgufType.float64, 8],
]);

/** Thrown inside the parser when the window ends before the file does: read more and retry. */
const NEED_MORE = Symbol('need more bytes');

export async function readGgufSummary(path: string): Promise<GgufSummary> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    for (let window = FIRST_WINDOW; ; window *= 4) {
      const length = Math.min(size, window);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, 0);
      try {
        return parseGguf(buffer, size);
      } catch (error) {
        if (error !== NEED_MORE) throw error;
        if (window >= MAX_WINDOW) throw new GgufFormatError(`metadata is larger than ${MAX_WINDOW} bytes`);
      }
    }
  } finally {
    await file.close();
  }
}

function parseGguf(buffer: Buffer, fileSize: number): GgufSummary {
  let pos = 0;
  const need = (bytes: number | bigint, what: string): number => {
    const n = Number(bytes);
    if (pos + n > fileSize) throw new GgufFormatError(`${what} at byte ${pos} runs past the end of the file`);
    if (pos + n > buffer.length) throw NEED_MORE;
    const at = pos;
    pos += n;
    return at;
  };
  const u32 = (what: string) => buffer.readUInt32LE(need(4, what));
  const u64 = (what: string) => buffer.readBigUInt64LE(need(8, what));
  const string = (what: string, limit = fileSize) => {
    const length = u64(`${what} length`);
    if (length > BigInt(limit))
      throw new GgufFormatError(`${what} at byte ${pos - 8} claims ${length} bytes`);
    const at = need(length, what);
    return buffer.toString('utf8', at, at + Number(length));
  };

  if (buffer.toString('latin1', need(4, 'magic'), 4) !== 'GGUF') throw new GgufFormatError('no GGUF magic');
  const version = u32('version');
  if (version !== 2 && version !== 3) throw new GgufFormatError(`unsupported GGUF version ${version}`);
  const tensorCount = u64('tensor count');
  const keyCount = u64('metadata count');
  // Counts the file cannot hold are corruption: even empty entries take 13 (key) / 33 (tensor) bytes.
  if (tensorCount * 33n > BigInt(fileSize) || keyCount * 13n > BigInt(fileSize)) {
    throw new GgufFormatError(
      `header claims ${tensorCount} tensors and ${keyCount} keys in ${fileSize} bytes`,
    );
  }

  let architecture: string | undefined;
  let alignment = 32;
  const skipValue = (type: number, what: string, depth = 0): void => {
    const scalar = SCALAR_BYTES.get(type);
    if (scalar !== undefined) need(scalar, what);
    else if (type === GgufType.string) string(what);
    else if (type === GgufType.array && depth === 0) {
      const itemType = u32(`${what} item type`);
      const count = u64(`${what} count`);
      const itemBytes = SCALAR_BYTES.get(itemType);
      if (itemBytes !== undefined) need(count * BigInt(itemBytes), what);
      else if (count > BigInt(fileSize)) throw new GgufFormatError(`${what} claims ${count} items`);
      else for (let i = 0n; i < count; i++) skipValue(itemType, what, depth + 1);
    } else throw new GgufFormatError(`${what} has unknown value type ${type}`);
  };
  for (let k = 0n; k < keyCount; k++) {
    const key = string(`metadata key ${k}`, MAX_KEY_BYTES);
    const type = u32(`type of ${key}`);
    if (key === 'general.architecture' && type === GgufType.string) architecture = string(key);
    else if (key === 'general.alignment' && type === GgufType.uint32) alignment = u32(key);
    else skipValue(type, key);
  }
  if (alignment === 0 || alignment % 8 !== 0)
    throw new GgufFormatError(`invalid general.alignment ${alignment}`);

  const offsets: bigint[] = [];
  for (let t = 0n; t < tensorCount; t++) {
    const name = string(`tensor ${t} name`, MAX_KEY_BYTES);
    const dims = u32(`${name} dimension count`);
    if (dims < 1 || dims > MAX_DIMS) throw new GgufFormatError(`tensor ${name} has ${dims} dimensions`);
    for (let d = 0; d < dims; d++)
      if (u64(`${name} dimension`) === 0n) throw new GgufFormatError(`tensor ${name} has an empty dimension`);
    u32(`${name} type`);
    offsets.push(u64(`${name} offset`));
  }
  const dataOffset = Math.ceil(pos / alignment) * alignment;
  const dataBytes = BigInt(fileSize - dataOffset);
  for (const offset of offsets) {
    if (offset >= dataBytes || offset % BigInt(alignment) !== 0n) {
      throw new GgufFormatError(
        `a tensor's data offset ${offset} is outside the ${dataBytes}-byte data section`,
      );
    }
  }
  return {
    version,
    tensorCount: Number(tensorCount),
    keyCount: Number(keyCount),
    architecture,
    alignment,
    dataOffset,
  };
}
