/**
 * The SentencePiece unigram tokenizer of T5 / UMT5 checkpoints (WAN 2.1's `tokenizer/spiece.model`):
 * the model's normalizer, the Viterbi segmentation over the vocabulary (SentencePiece's
 * tie-breaking: the first best path in order of start, then length), unknown characters as their
 * UTF-8 byte pieces when the model has byte fallback, then eos, truncation and padding as the
 * transformers tokenizer does with padding="max_length".
 */
import { readFile } from 'node:fs/promises';
import { EngineError } from '../common/engine-error.js';
import { PrecompiledNormalizer } from './precompiled-normalizer.js';
import { PieceType, parseSentencePieceModel, type SentencePieceModel } from './sentencepiece-model.js';
import { parseUnigramTokenizerJson } from './tokenizer-json.js';

/** SentencePiece's penalty for an unknown character, below the lowest piece score. */
const UNK_PENALTY = 10;
const encoder = new TextEncoder();

export interface UnigramEncoding {
  readonly ids: Int32Array;
  readonly attentionMask: Int32Array;
}

export class UnigramTokenizer {
  private readonly vocab = new Map<string, number>();
  private readonly normalizer: PrecompiledNormalizer;
  private readonly maxPieceChars: number;
  private readonly minScore: number;
  private readonly maxScore: number;

  constructor(private readonly model: SentencePieceModel) {
    if (model.modelType !== 1) {
      throw new EngineError('GPUQ_UNSUPPORTED', `SentencePiece model type ${model.modelType} (only unigram)`);
    }
    let maxChars = 1;
    let minScore = Number.POSITIVE_INFINITY;
    let maxScore = Number.NEGATIVE_INFINITY;
    model.pieces.forEach((p, id) => {
      // Only these types take part in segmentation; control, unknown and byte pieces are reserved.
      if (p.type !== PieceType.NORMAL && p.type !== PieceType.USER_DEFINED && p.type !== PieceType.UNUSED)
        return;
      this.vocab.set(p.piece, id);
      maxChars = Math.max(maxChars, [...p.piece].length);
      if (p.type === PieceType.NORMAL) {
        minScore = Math.min(minScore, p.score);
        maxScore = Math.max(maxScore, p.score);
      }
    });
    this.maxPieceChars = maxChars;
    this.minScore = minScore;
    this.maxScore = maxScore;
    this.normalizer = new PrecompiledNormalizer(model.precompiledCharsmap, model);
  }

  /** A SentencePiece `.model` file, or a Hugging Face `tokenizer.json` with a Unigram model. */
  static async fromFile(path: string): Promise<UnigramTokenizer> {
    if (path.endsWith('.json'))
      return new UnigramTokenizer(parseUnigramTokenizerJson(await readFile(path, 'utf8'), path));
    return new UnigramTokenizer(parseSentencePieceModel(new Uint8Array(await readFile(path))));
  }

  get eosId(): number {
    return this.model.eosId;
  }

  get padId(): number {
    return Math.max(0, this.model.padId);
  }

  get vocabSize(): number {
    return this.model.pieces.length;
  }

  /** Token ids of `text` without eos or padding. */
  tokenize(text: string): number[] {
    const chars = [...this.normalizer.normalize(text)];
    const n = chars.length;
    if (n === 0) return [];
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
    const from = new Int32Array(n + 1).fill(-1);
    const ids = new Int32Array(n + 1).fill(-1);
    best[0] = 0;
    const unkScore = this.minScore - UNK_PENALTY;
    for (let start = 0; start < n; start++) {
      const base = best[start]!;
      let single = false;
      let piece = '';
      for (let len = 1; len <= this.maxPieceChars && start + len <= n; len++) {
        piece += chars[start + len - 1];
        const id = this.vocab.get(piece);
        if (id === undefined) continue;
        const p = this.model.pieces[id]!;
        if (p.type === PieceType.UNUSED) continue;
        const score =
          p.type === PieceType.USER_DEFINED ? encoder.encode(piece).length * this.maxScore - 0.1 : p.score;
        // float32 path scores, as SentencePiece keeps them.
        const candidate = Math.fround(base + score);
        const end = start + len;
        if (from[end] === -1 || candidate > best[end]!) {
          best[end] = candidate;
          from[end] = start;
          ids[end] = id;
        }
        if (len === 1) single = true;
      }
      if (!single) {
        const candidate = Math.fround(base + unkScore);
        if (from[start + 1] === -1 || candidate > best[start + 1]!) {
          best[start + 1] = candidate;
          from[start + 1] = start;
          ids[start + 1] = this.model.unkId;
        }
      }
    }
    const out: number[] = [];
    for (let end = n; end > 0; end = from[end]!) {
      const id = ids[end]!;
      const surface = chars.slice(from[end]!, end).join('');
      if (id === this.model.unkId && this.model.byteFallback) {
        const bytes = encoder.encode(surface);
        for (let i = bytes.length - 1; i >= 0; i--) out.push(this.byteId(bytes[i]!));
      } else if (id !== this.model.unkId || out[out.length - 1] !== id) {
        // A run of unknown characters is one unknown token, in SentencePiece and in tokenizers.
        out.push(id);
      }
    }
    return out.reverse();
  }

  /** ids + eos, truncated to `maxLength` (eos kept) and padded with the pad id; mask 1 on tokens. */
  encode(text: string, maxLength: number): UnigramEncoding {
    const tokens = this.tokenize(text).slice(0, Math.max(0, maxLength - 1));
    tokens.push(this.eosId);
    const ids = new Int32Array(maxLength).fill(this.padId);
    const attentionMask = new Int32Array(maxLength);
    tokens.slice(0, maxLength).forEach((id, i) => {
      ids[i] = id;
      attentionMask[i] = 1;
    });
    return { ids, attentionMask };
  }

  private byteIds: Map<number, number> | undefined;

  private byteId(b: number): number {
    if (!this.byteIds) {
      this.byteIds = new Map();
      this.model.pieces.forEach((p, id) => {
        const m = p.type === PieceType.BYTE ? /^<0x([0-9A-F]{2})>$/.exec(p.piece) : null;
        if (m) this.byteIds!.set(Number.parseInt(m[1]!, 16), id);
      });
    }
    return this.byteIds.get(b) ?? this.model.unkId;
  }
}
