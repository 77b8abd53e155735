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

export interface SafetensorsHeaderEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

/**
 * A safetensors file up to its data: the 8-byte little-endian length, then the JSON header (the
 * entries in the order given, each one's data right after the previous one's) padded with spaces
 * to an 8-byte boundary. Also the data section's length.
 */
export function encodeSafetensorsHeader(entries: readonly SafetensorsHeaderEntry[]): {
  header: Buffer;
  dataLength: number;
} {
  const json: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const entry of entries) {
    json[entry.name] = {
      dtype: entry.dtype,
      shape: entry.shape,
      data_offsets: [offset, offset + entry.byteLength],
    };
    offset += entry.byteLength;
  }
  let text = JSON.stringify(json);
  text += ' '.repeat((8 - (Buffer.byteLength(text, 'utf8') % 8)) % 8);
  const body = Buffer.from(text, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(body.length));
  return { header: Buffer.concat([prefix, body]), dataLength: offset };
}

export function encodeSafetensors(tensors: readonly NamedTensor[]): Uint8Array {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = new Set<string>();
  for (const t of sorted) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new Error(`${t.name}: shape [${t.shape.join(', ')}] needs ${count} values, got ${t.data.length}`);
    }
    if (names.has(t.name)) throw new Error(`duplicate tensor name ${t.name}`);
    names.add(t.name);
  }
  const { header, dataLength } = encodeSafetensorsHeader(
    sorted.map((t) => ({ name: t.name, dtype: 'F32', shape: t.shape, byteLength: t.data.length * 4 })),
  );
  const out = new Uint8Array(header.length + dataLength);
  out.set(header, 0);
  const view = new DataView(out.buffer);
  let pos = header.length;
  for (const t of sorted) {
    for (const v of t.data) {
      view.setFloat32(pos, v, true);
      pos += 4;
    }
  }
  return out;
}
