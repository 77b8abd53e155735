/**
 * A minimal protobuf (proto2/proto3 wire format) encoder: varint, fixed32 float and
 * length-delimited fields, nested messages as byte strings. Enough to write a SentencePiece
 * ModelProto.
 */
const utf8 = new TextEncoder();

export class ProtoWriter {
  private readonly chunks: number[] = [];

  /** An int32 / int64 / enum / bool field; negative values take ten bytes, as protobuf writes them. */
  varint(field: number, value: number | boolean): this {
    this.key(field, 0);
    this.rawVarint(BigInt.asUintN(64, BigInt(typeof value === 'boolean' ? Number(value) : value)));
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.chunks.push(...b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.rawVarint(BigInt(value.length));
    for (const b of value) this.chunks.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private key(field: number, wire: number): void {
    this.rawVarint(BigInt(field) * 8n + BigInt(wire));
  }

  private rawVarint(v: bigint): void {
    let rest = v;
    while (rest >= 0x80n) {
      this.chunks.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.chunks.push(Number(rest));
  }
}
