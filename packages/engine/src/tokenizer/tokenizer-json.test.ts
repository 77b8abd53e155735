import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSentencePieceModel } from './sentencepiece-model.js';
import { parseUnigramTokenizerJson } from './tokenizer-json.js';
import { UnigramTokenizer } from './unigram-tokenizer.js';

// The test SentencePiece model converted to tokenizer.json by transformers' T5Converter, and the
// ids Hugging Face's `tokenizers` gives with that file (test/data/README.md says how both were made).
const data = join(import.meta.dirname, '..', '..', 'test', 'data');
const json = gunzipSync(readFileSync(join(data, 'spm-unigram.tokenizer.json.gz'))).toString('utf8');
const cases = JSON.parse(readFileSync(join(data, 'spm-unigram-tokenizer-json-cases.json'), 'utf8')) as {
  text: string;
  ids: number[];
}[];

describe('tokenizer.json with a Unigram model', () => {
  const model = parseUnigramTokenizerJson(json);

  it('carries the same pieces, scores, special ids and character map as the .model file', () => {
    const spm = parseSentencePieceModel(gunzipSync(readFileSync(join(data, 'spm-unigram.model.gz'))));
    expect(model.pieces.map((p) => p.piece)).toEqual(spm.pieces.map((p) => p.piece));
    expect(model.pieces.map((p) => Math.fround(p.score))).toEqual(spm.pieces.map((p) => p.score));
    expect([model.padId, model.eosId, model.unkId]).toEqual([spm.padId, spm.eosId, spm.unkId]);
    expect(Buffer.from(model.precompiledCharsmap).equals(Buffer.from(spm.precompiledCharsmap))).toBe(true);
    // The converter drops byte fallback: unknown characters become <unk>, as the file says.
    expect(model.byteFallback).toBe(false);
  });

  it.each(cases)('gives the ids Hugging Face tokenizers gives for %j', ({ text, ids }) => {
    expect(new UnigramTokenizer(model).tokenize(text)).toEqual(ids);
  });

  it('rejects other models and malformed files, naming the file', () => {
    expect(() => parseUnigramTokenizerJson('{"model":{"type":"BPE"}}', 'x/tokenizer.json')).toThrow(
      /x\/tokenizer.json: model type BPE/,
    );
    expect(() => parseUnigramTokenizerJson('{', 'x/tokenizer.json')).toThrow(/x\/tokenizer.json is not JSON/);
    expect(() => parseUnigramTokenizerJson('{"model":{"type":"Unigram","vocab":[]}}')).toThrow(/vocab/);
  });
});
