/**
 * A growable little-endian byte buffer. GGUF headers are a few hundred kilobytes at most for the
 * models we write, so one doubling buffer is simpler than streaming and keeps offsets easy.
 */
// Every writer reserves before touching #buffer: reserving may replace the buffer.
export class ByteSink {
  #buffer = Buffer.alloc(4096);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  #reserve(bytes: number): number {
    const at = this.#length;
    const needed = at + bytes;
    if (needed > this.#buffer.length) {
      const grown = Buffer.alloc(Math.max(needed, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, at);
      this.#buffer = grown;
    }
    this.#length = needed;
    return at;
  }

  u8(value: number): void {
    const at = this.#reserve(1);
    this.#buffer.writeUInt8(value, at);
  }

  u32(value: number): void {
    const at = this.#reserve(4);
    this.#buffer.writeUInt32LE(value, at);
  }

  i32(value: number): void {
    const at = this.#reserve(4);
    this.#buffer.writeInt32LE(value, at);
  }

  f32(value: number): void {
    const at = this.#reserve(4);
    this.#buffer.writeFloatLE(value, at);
  }

  u64(value: bigint | number): void {
    const at = this.#reserve(8);
    this.#buffer.writeBigUInt64LE(BigInt(value), at);
  }

  bytes(data: Uint8Array): void {
    const at = this.#reserve(data.length);
    this.#buffer.set(data, at);
  }

  /** Zero bytes up to the next multiple of `alignment`. */
  pad(alignment: number): void {
    const rest = this.#length % alignment;
    if (rest !== 0) this.#reserve(alignment - rest);
  }

  toBuffer(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
}
