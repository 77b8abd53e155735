/**
 * The tiny model's SentencePiece-style ("llama") vocabulary: control tokens, ChatML markers, the
 * 256 byte-fallback tokens llama.cpp's SPM tokenizer needs for any input, printable characters,
 * and a few whole words (with SPM's `▁` word-start marker) so sampled text reads as words.
 */

/** llama.cpp token types (`tokenizer.ggml.token_type`). */
export const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export interface TinyVocab {
  tokens: string[];
  scores: number[];
  types: number[];
  /** Ids the model metadata and the weight bias refer to. */
  ids: { unk: number; bos: number; eos: number; imStart: number; imEnd: number };
  /** Whole words and `,` `.`: the ids the tiny model's weights make likely, so output reads as words. */
  favored: number[];
}

const WORDS = [
  'a',
  'the',
  'of',
  'and',
  'with',
  'in',
  'at',
  'on',
  'over',
  'under',
  'through',
  'soft',
  'golden',
  'hour',
  'light',
  'lighting',
  'cinematic',
  'shot',
  'wide',
  'angle',
  'close-up',
  'slow',
  'motion',
  'camera',
  'pan',
  'tracking',
  'detailed',
  'texture',
  'mist',
  'rain',
  'sunset',
  'dawn',
  'night',
  'city',
  'forest',
  'river',
  'mountain',
  'ocean',
  'street',
  'neon',
  'warm',
  'cold',
  'vivid',
  'colors',
  'shallow',
  'depth',
  'field',
  'film',
  'grain',
  'reflections',
  'glowing',
  'drifting',
  'gentle',
  'breeze',
  'atmosphere',
  'dramatic',
  'shadows',
  'highly',
  'realistic',
  '35mm',
  'lens',
  'bokeh',
  'background',
];

const SPACE = '\u2581'; // SentencePiece's visible space

export function buildTinyVocab(): TinyVocab {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const add = (text: string, type: number, score: number): number => {
    tokens.push(text);
    types.push(type);
    scores.push(score);
    return tokens.length - 1;
  };

  const unk = add('<unk>', TokenType.unknown, 0);
  const bos = add('<s>', TokenType.control, 0);
  add('</s>', TokenType.control, 0);
  const imStart = add('<|im_start|>', TokenType.control, 0);
  const imEnd = add('<|im_end|>', TokenType.control, 0);
  for (let byte = 0; byte < 256; byte++) {
    add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.byte, 0);
  }
  // Single characters score lowest so the SPM merge prefers longer pieces when they exist.
  add(SPACE, TokenType.normal, -1000);
  for (let code = 0x21; code < 0x7f; code++) add(String.fromCharCode(code), TokenType.normal, -1000 - code);
  const favored = WORDS.map((word, i) => add(`${SPACE}${word}`, TokenType.normal, -10 - i));
  favored.push(tokens.indexOf(','), tokens.indexOf('.'));
  return { tokens, scores, types, ids: { unk, bos, eos: imEnd, imStart, imEnd }, favored };
}
