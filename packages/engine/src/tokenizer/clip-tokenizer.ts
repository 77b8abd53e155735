/**
 * CLIP's BPE tokenizer, read from a checkpoint's `tokenizer/vocab.json` + `merges.txt`, giving
 * the ids Hugging Face's CLIPTokenizer gives (the tokenizers-backed one of transformers 5, which
 * matches the ftfy path of the older pure-Python one): the special tokens (bos, eos and the pad
 * token, which is "!" for SDXL's bigG tokenizer) split out first as whole tokens; NFC,
 * whitespace collapsed, lower case; CLIP's pre-tokenisation pattern; byte-level BPE with a `</w>`
 * end-of-word marker; bos + ids + eos, truncated and padded to `maxLength`.
 * It lives in TS rather than the C++ core because the pattern needs Unicode letter / number
 * classes, which JS regexes have built in. It is our own code rather than a tokenizer library:
 * `@huggingface/tokenizers` (pure JS) only reads `tokenizer.json`, which SDXL's tokenizer folders
 * do not ship, and the `tokenizers` Node binding brings a native binary per platform for what is
 * here some 150 lines checked id for id against the reference (sdxl-tokenizers.test.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../common/engine-error.js';
import { byteEncode } from './byte-encoder.js';

const PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;
// transformers keeps merges[1 : 49152 - 256 - 2 + 1]: CLIP's vocabulary size fixes the count.
const MAX_MERGES = 49152 - 256 - 2;

export interface ClipTokenizerOptions {
  /** Total length including bos and eos (default 77). */
  maxLength?: number;
  bosToken?: string;
  eosToken?: string;
  /** Padding token; CLIP ViT-L pads with eos, SDXL's bigG tokenizer with "!". Default: eos. */
  padToken?: string;
}

export class ClipTokenizer {
  private readonly cache = new Map<string, string[]>();
  /** Tokens that are never split or merged: matched in the text before anything else. */
  private readonly special: ReadonlySet<string>;
  readonly maxLength: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly ranks: ReadonlyMap<string, number>,
    options: ClipTokenizerOptions = {},
  ) {
    this.maxLength = options.maxLength ?? 77;
    this.bosId = this.idOf(options.bosToken ?? '<|startoftext|>');
    this.eosId = this.idOf(options.eosToken ?? '<|endoftext|>');
    this.padId = this.idOf(options.padToken ?? options.eosToken ?? '<|endoftext|>');
    this.special = new Set(
      [options.bosToken ?? '<|startoftext|>', options.eosToken ?? '<|endoftext|>', options.padToken].filter(
        (t): t is string => t !== undefined,
      ),
    );
  }

  /** Parses vocab.json text and merges.txt text. Throws GPUQ_BAD_FORMAT on malformed input. */
  static fromStrings(vocabJson: string, mergesTxt: string, options?: ClipTokenizerOptions): ClipTokenizer {
    let parsed: unknown;
    try {
      parsed = JSON.parse(vocabJson);
    } catch (err) {
      throw new EngineError('GPUQ_BAD_FORMAT', `vocab.json is not JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (!parsed || typeof parsed !== 'object')
      throw new EngineError('GPUQ_BAD_FORMAT', 'vocab.json must be an object');
    const vocab = new Map<string, number>();
    for (const [token, id] of Object.entries(parsed as Record<string, unknown>)) {
      if (!Number.isInteger(id))
        throw new EngineError('GPUQ_BAD_FORMAT', `vocab.json: id of ${token} is not an integer`);
      vocab.set(token, id as number);
    }
    const ranks = new Map<string, number>();
    const lines = mergesTxt.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#version'));
    for (const line of lines.slice(0, MAX_MERGES)) {
      const parts = line.trim().split(' ');
      if (parts.length !== 2) throw new EngineError('GPUQ_BAD_FORMAT', `merges.txt: bad line "${line}"`);
      ranks.set(`${parts[0]} ${parts[1]}`, ranks.size);
    }
    return new ClipTokenizer(vocab, ranks, options);
  }

  /** Reads `<dir>/vocab.json` and `<dir>/merges.txt`. */
  static async fromDir(dir: string, options?: ClipTokenizerOptions): Promise<ClipTokenizer> {
    try {
      const [vocab, merges] = await Promise.all([
        readFile(join(dir, 'vocab.json'), 'utf8'),
        readFile(join(dir, 'merges.txt'), 'utf8'),
      ]);
      return ClipTokenizer.fromStrings(vocab, merges, options);
    } catch (err) {
      if (err instanceof EngineError) throw err;
      throw new EngineError('GPUQ_NOT_FOUND', `cannot read tokenizer files in ${dir}`, { cause: err });
    }
  }

  /** Token strings of `text` without bos/eos. */
  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const piece of splitOn(text, this.special)) {
      if (this.special.has(piece)) {
        out.push(piece);
        continue;
      }
      for (const match of normalize(piece).matchAll(PATTERN)) {
        // Lower-casing can turn "<|STARTOFTEXT|>" into a special token too, as in the reference.
        if (this.special.has(match[0])) out.push(match[0]);
        else out.push(...this.bpe(byteEncode(match[0])));
      }
    }
    return out;
  }

  /** bos + ids + eos, truncated to maxLength and padded with padId: what the pipeline feeds CLIP. */
  encode(text: string): Int32Array {
    const ids = this.tokenize(text).map((t) => this.vocab.get(t) ?? this.eosId);
    const body = ids.slice(0, this.maxLength - 2);
    const out = new Int32Array(this.maxLength).fill(this.padId);
    out.set([this.bosId, ...body, this.eosId]);
    return out;
  }

  private idOf(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new EngineError('GPUQ_BAD_FORMAT', `vocabulary has no ${token} token`);
    return id;
  }

  private bpe(token: string): string[] {
    const hit = this.cache.get(token);
    if (hit) return hit;
    const chars = Array.from(token);
    let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      // Merge every occurrence of the best pair, left to right, as the reference does.
      const first = word[best]!;
      const second = word[best + 1]!;
      const merged: string[] = [];
      for (let i = 0; i < word.length; ) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i += 2;
        } else {
          merged.push(word[i]!);
          i += 1;
        }
      }
      word = merged;
    }
    this.cache.set(token, word);
    return word;
  }
}

/** `text` cut before and after every occurrence of a special token (kept as its own piece). */
function splitOn(text: string, special: ReadonlySet<string>): string[] {
  if (special.size === 0) return [text];
  const escaped = [...special].map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return text.split(new RegExp(`(${escaped.join('|')})`, 'u')).filter((p) => p !== '');
}

/** The reference's normalizer: NFC, every whitespace run to one space, lower case. */
function normalize(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').toLowerCase();
}
