/**
 * Serializes float32 tensors to the safetensors format: an 8-byte little-endian header length, a
 * JSON header (tensors sorted by name, padded with spaces to an 8-byte boundary) and the raw
 * little-endian data, laid out in header order.
 */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function encodeSafetensors(tensors: readonly NamedTensor[]): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of sorted) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new Error(`${t.name}: shape [${t.shape.join(', ')}] needs ${count} values, got ${t.data.length}`);
    }
    if (t.name in header) throw new Error(`duplicate tensor name ${t.name}`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  let json = JSON.stringify(header);
  const jsonBytes = () => Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytes() % 8)) % 8);
  const headerLen = jsonBytes();
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(Buffer.from(json, 'utf8'), 8);
  let pos = 8 + headerLen;
  for (const t of sorted) {
    for (const v of t.data) {
      view.setFloat32(pos, v, true);
      pos += 4;
    }
  }
  return out;
}
