/**
 * Reads a Hugging Face `tokenizer.json` holding a Unigram model (what T5 / UMT5 folders ship beside
 * or instead of `spiece.model`, and what transformers' fast tokenizer runs) into the same
 * SentencePieceModel the `.model` reader gives, so one UnigramTokenizer serves both files:
 * pieces and scores from model.vocab, the special tokens from added_tokens, byte fallback from the
 * model, the compiled character map from the Precompiled normalizer, and the whitespace rules
 * from the Metaspace pre-tokenizer and the whitespace normalizers.
 * Not @huggingface/tokenizers (pure JS, 0.2.0): it would bring a second Unigram implementation
 * for the files we already tokenize, and the `tokenizers` Node binding (0.23.2) is a native
 * binary per platform; this reader is some 80 lines, checked against Hugging Face `tokenizers`.
 */
import { EngineError } from '../common/engine-error.js';
import { PieceType, type SentencePieceModel } from './sentencepiece-model.js';

interface Component {
  type?: string;
  normalizers?: Component[];
  pretokenizers?: Component[];
  precompiled_charsmap?: string | null;
  pattern?: { Regex?: string; String?: string };
  prepend_scheme?: string;
  add_prefix_space?: boolean;
}

interface TokenizerJson {
  model?: { type?: string; vocab?: [string, number][]; unk_id?: number | null; byte_fallback?: boolean };
  added_tokens?: { id: number; content: string; special?: boolean }[];
  normalizer?: Component | null;
  pre_tokenizer?: Component | null;
}

/** The component and the members of Sequence components, flattened. */
function flatten(c: Component | null | undefined): Component[] {
  if (!c) return [];
  return [c, ...(c.normalizers ?? []).flatMap(flatten), ...(c.pretokenizers ?? []).flatMap(flatten)];
}

export function parseUnigramTokenizerJson(text: string, source = 'tokenizer.json'): SentencePieceModel {
  let json: TokenizerJson;
  try {
    json = JSON.parse(text) as TokenizerJson;
  } catch (err) {
    throw new EngineError('GPUQ_BAD_FORMAT', `${source} is not JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const model = json.model;
  if (model?.type !== 'Unigram') {
    throw new EngineError(
      'GPUQ_UNSUPPORTED',
      `${source}: model type ${String(model?.type)} (only Unigram tokenizer.json files are read)`,
    );
  }
  if (!Array.isArray(model.vocab) || model.vocab.length === 0) {
    throw new EngineError('GPUQ_BAD_FORMAT', `${source}: model.vocab is missing or empty`);
  }
  const unkId = model.unk_id ?? -1;
  const special = new Map((json.added_tokens ?? []).filter((t) => t.special).map((t) => [t.content, t.id]));
  const pieces = model.vocab.map(([piece, score], id) => {
    if (typeof piece !== 'string' || typeof score !== 'number') {
      throw new EngineError('GPUQ_BAD_FORMAT', `${source}: vocab entry ${id} is not [piece, score]`);
    }
    let type: number = PieceType.NORMAL;
    if (id === unkId) type = PieceType.UNKNOWN;
    else if (special.get(piece) === id) type = PieceType.CONTROL;
    else if (/^<0x[0-9A-F]{2}>$/.test(piece)) type = PieceType.BYTE;
    return { piece, score, type };
  });
  const normalizers = flatten(json.normalizer);
  const pre = flatten(json.pre_tokenizer);
  const metaspace = pre.find((p) => p.type === 'Metaspace');
  const charsmap = normalizers.find((n) => n.type === 'Precompiled')?.precompiled_charsmap;
  return {
    pieces,
    modelType: 1,
    byteFallback: model.byte_fallback ?? false,
    unkId,
    eosId: special.get('</s>') ?? -1,
    padId: special.get('<pad>') ?? -1,
    precompiledCharsmap: charsmap ? new Uint8Array(Buffer.from(charsmap, 'base64')) : new Uint8Array(0),
    addDummyPrefix:
      metaspace !== undefined && metaspace.prepend_scheme !== 'never' && metaspace.add_prefix_space !== false,
    // SentencePiece's remove_extra_whitespaces becomes a " {2,}" Replace in converted files.
    removeExtraWhitespaces: normalizers.some((n) => n.type === 'Replace' && n.pattern?.Regex === ' {2,}'),
    escapeWhitespaces: metaspace !== undefined,
  };
}
