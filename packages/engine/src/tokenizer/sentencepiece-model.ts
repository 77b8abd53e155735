/**
 * Reads a SentencePiece `.model` file (the `spiece.model` of T5 / UMT5 checkpoints): a protobuf
 * ModelProto. Only the fields a unigram encoder needs are decoded; everything else is skipped by
 * wire type, so newer files with extra fields still load.
 */
import { EngineError } from '../common/engine-error.js';

/** SentencePiece.Type values from sentencepiece_model.proto. */
export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

export interface SentencePieceModel {
  readonly pieces: readonly { piece: string; score: number; type: number }[];
  /** 1 = unigram, 2 = BPE, 3 = word, 4 = char (TrainerSpec.model_type). */
  readonly modelType: number;
  readonly byteFallback: boolean;
  readonly unkId: number;
  readonly eosId: number;
  readonly padId: number;
  /** NormalizerSpec: the compiled normalization rules (empty = identity) and the whitespace flags. */
  readonly precompiledCharsmap: Uint8Array;
  readonly addDummyPrefix: boolean;
  readonly removeExtraWhitespaces: boolean;
  readonly escapeWhitespaces: boolean;
}

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  }

  /** A varint read as a signed 64-bit value (proto int32 fields store -1 in ten bytes). */
  signed(): number {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, v));
      shift += 7n;
    }
  }

  /** Calls `field(number, wireType)` for each field; the callback consumes or skips the value. */
  fields(field: (num: number, wire: number) => boolean): void {
    while (this.pos < this.end) {
      const key = this.varint();
      const num = Math.floor(key / 8);
      const wire = key & 7;
      if (!field(num, wire)) this.skip(wire);
    }
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const n = this.varint(); // read before `pos` is: `pos += varint()` would use the old pos
      this.pos += n;
    } else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire} at byte ${this.pos}`);
  }

  bytes(): Uint8Array {
    const n = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  float(): number {
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  sub(): Reader {
    const n = this.varint();
    const r = new Reader(this.buf, this.pos + n);
    r.pos = this.pos;
    this.pos += n;
    return r;
  }
}

const utf8 = new TextDecoder('utf-8');

export function parseSentencePieceModel(data: Uint8Array): SentencePieceModel {
  const pieces: { piece: string; score: number; type: number }[] = [];
  const trainer = { modelType: 1, byteFallback: false, unkId: 0, eosId: 2, padId: -1 };
  const norm = {
    precompiledCharsmap: new Uint8Array(0) as Uint8Array,
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  try {
    const top = new Reader(data);
    top.fields((num, wire) => {
      if (wire !== 2 || num < 1 || num > 3) return false;
      const r = top.sub();
      if (num === 1) {
        const p = { piece: '', score: 0, type: PieceType.NORMAL as number };
        r.fields((n, w) => {
          if (n === 1 && w === 2) p.piece = utf8.decode(r.bytes());
          else if (n === 2 && w === 5) p.score = r.float();
          else if (n === 3 && w === 0) p.type = r.varint();
          else return false;
          return true;
        });
        pieces.push(p);
      } else if (num === 2) {
        r.fields((n, w) => {
          if (w !== 0) return false;
          // Ids are int32: -1 (disabled) arrives as a ten-byte varint.
          const v = r.signed();
          const id = v;
          if (n === 3) trainer.modelType = v;
          else if (n === 35) trainer.byteFallback = v !== 0;
          else if (n === 40) trainer.unkId = id;
          else if (n === 42) trainer.eosId = id;
          else if (n === 43) trainer.padId = id;
          return true;
        });
      } else {
        r.fields((n, w) => {
          if (n === 2 && w === 2) norm.precompiledCharsmap = r.bytes();
          else if (n === 3 && w === 0) norm.addDummyPrefix = r.varint() !== 0;
          else if (n === 4 && w === 0) norm.removeExtraWhitespaces = r.varint() !== 0;
          else if (n === 5 && w === 0) norm.escapeWhitespaces = r.varint() !== 0;
          else return false;
          return true;
        });
      }
      return true;
    });
  } catch (err) {
    throw new EngineError('GPUQ_BAD_FORMAT', `not a SentencePiece model: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (pieces.length === 0) throw new EngineError('GPUQ_BAD_FORMAT', 'SentencePiece model has no pieces');
  return { pieces, ...trainer, ...norm };
}
