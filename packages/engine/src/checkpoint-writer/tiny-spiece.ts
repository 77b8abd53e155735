/**
 * A tiny SentencePiece unigram model (`spiece.model`) laid out as UMT5 expects: <pad>=0, </s>=1,
 * <unk>=2, the 256 byte-fallback pieces, then normal pieces — common words, "▁"+letter, "▁" and
 * every printable ASCII character — with descending scores, so words beat spelling them out and
 * anything else falls back to bytes. Identity normalizer (no precompiled map).
 */
import { PieceType } from '../tokenizer/sentencepiece-model.js';
import { ProtoWriter } from './protobuf-writer.js';

const SPACE = '\u2581';

const WORDS = (
  'the a an of in on and with at to is fox snow dog cat red blue green white black man woman ' +
  'city forest river sky sun night light water tree mountain car street running walking ' +
  'video photo high quality blurry low worst static'
).split(' ');

export interface TinySpiece {
  readonly bytes: Uint8Array;
  readonly pieces: readonly { piece: string; score: number; type: number }[];
}

export function tinySpiecePieces(): { piece: string; score: number; type: number }[] {
  const pieces = [
    { piece: '<pad>', score: 0, type: PieceType.CONTROL as number },
    { piece: '</s>', score: 0, type: PieceType.CONTROL },
    { piece: '<unk>', score: 0, type: PieceType.UNKNOWN },
  ];
  for (let b = 0; b < 256; b++) {
    pieces.push({
      piece: `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`,
      score: 0,
      type: PieceType.BYTE,
    });
  }
  // Float32-exact scores, as the file stores them.
  const normal = (piece: string, score: number): void => {
    pieces.push({ piece, score: Math.fround(score), type: PieceType.NORMAL });
  };
  for (const [i, w] of WORDS.entries()) normal(SPACE + w, -2 - 0.05 * i);
  for (let c = 0x61; c <= 0x7a; c++) normal(SPACE + String.fromCharCode(c), -6 - 0.01 * (c - 0x61));
  normal(SPACE, -7);
  for (let c = 0x21; c <= 0x7e; c++) normal(String.fromCharCode(c), -8 - 0.01 * (c - 0x21));
  return pieces;
}

/** The ModelProto bytes (pieces = field 1, trainer_spec = 2, normalizer_spec = 3). */
export function encodeTinySpiece(): TinySpiece {
  const pieces = tinySpiecePieces();
  const model = new ProtoWriter();
  for (const p of pieces) {
    const sp = new ProtoWriter().string(1, p.piece).float(2, p.score);
    // type NORMAL is the default and, as SentencePiece writes it, omitted.
    if (p.type !== PieceType.NORMAL) sp.varint(3, p.type);
    model.message(1, sp);
  }
  const trainer = new ProtoWriter()
    .varint(3, 1) // model_type UNIGRAM
    .varint(4, pieces.length) // vocab_size
    .varint(35, true) // byte_fallback
    .varint(40, 2) // unk_id
    .varint(41, -1) // bos_id: none
    .varint(42, 1) // eos_id
    .varint(43, 0); // pad_id
  model.message(2, trainer);
  const normalizer = new ProtoWriter()
    .string(1, 'identity')
    .varint(3, true) // add_dummy_prefix
    .varint(4, true) // remove_extra_whitespaces
    .varint(5, true); // escape_whitespaces
  model.message(3, normalizer);
  return { bytes: model.finish(), pieces };
}
