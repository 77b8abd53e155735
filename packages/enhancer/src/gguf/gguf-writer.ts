/**
 * Serializes a GGUF version 3 file: header, typed metadata, tensor infos, then the tensor data,
 * each tensor aligned to `general.alignment` (32 bytes by default) so llama.cpp can mmap it.
 * Only F32 tensors are written: the tiny test model is small and exactness beats size here.
 */
import { ByteSink } from './byte-sink.js';
import { GgufType, type GgufValue } from './gguf-value.js';

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const VERSION = 3;
const DEFAULT_ALIGNMENT = 32;
const GGML_TYPE_F32 = 0;

export interface GgufTensor {
  /** Tensor name as llama.cpp looks it up, e.g. `blk.0.attn_q.weight`. */
  name: string;
  /** ggml order: dims[0] is the innermost (contiguous) dimension. */
  dims: readonly number[];
  data: Float32Array;
}

export interface GgufFile {
  /** Keys in file order; `general.architecture` should come first by convention. */
  metadata: ReadonlyArray<readonly [string, GgufValue]>;
  tensors: readonly GgufTensor[];
}

function writeString(sink: ByteSink, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  sink.u64(bytes.length);
  sink.bytes(bytes);
}

function writeScalar(sink: ByteSink, type: string, value: unknown): void {
  switch (type) {
    case 'uint32':
      sink.u32(value as number);
      return;
    case 'int32':
      sink.i32(value as number);
      return;
    case 'float32':
      sink.f32(value as number);
      return;
    case 'uint64':
      sink.u64(value as bigint);
      return;
    case 'bool':
      sink.u8(value ? 1 : 0); // GGUF stores bools as one byte
      return;
    case 'string':
      writeString(sink, value as string);
      return;
    default:
      throw new TypeError(`unsupported GGUF value type ${type}`);
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  sink.u32(GgufType[value.type]);
  if (value.type !== 'array') {
    writeScalar(sink, value.type, value.value);
    return;
  }
  sink.u32(GgufType[value.itemType]);
  sink.u64(value.values.length);
  for (const item of value.values) writeScalar(sink, value.itemType, item);
}

function alignmentOf(file: GgufFile): number {
  const entry = file.metadata.find(([key]) => key === 'general.alignment');
  return entry && entry[1].type === 'uint32' ? entry[1].value : DEFAULT_ALIGNMENT;
}

export function encodeGguf(file: GgufFile): Buffer {
  const alignment = alignmentOf(file);
  const sink = new ByteSink();
  sink.u32(MAGIC);
  sink.u32(VERSION);
  sink.u64(file.tensors.length);
  sink.u64(file.metadata.length);
  for (const [key, value] of file.metadata) {
    writeString(sink, key);
    writeValue(sink, value);
  }

  // Offsets are relative to the start of the data section and each one is aligned.
  let offset = 0;
  for (const tensor of file.tensors) {
    const elements = tensor.dims.reduce((a, b) => a * b, 1);
    if (elements !== tensor.data.length) {
      throw new RangeError(
        `tensor ${tensor.name}: dims hold ${elements} values, data has ${tensor.data.length}`,
      );
    }
    writeString(sink, tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offset += Math.ceil(tensor.data.byteLength / alignment) * alignment;
  }

  sink.pad(alignment);
  for (const tensor of file.tensors) {
    sink.bytes(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.pad(alignment);
  }
  return sink.toBuffer();
}
