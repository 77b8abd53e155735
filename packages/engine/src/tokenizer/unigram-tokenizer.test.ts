import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSentencePieceModel } from './sentencepiece-model.js';
import { UnigramTokenizer } from './unigram-tokenizer.js';

// A unigram model trained by Debian's spm_train with UMT5's layout (pad 0, eos 1, unk 2, byte
// fallback, nmt_nfkc), and the ids Debian's spm_encode gives for each case (test/data/README.md).
const data = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'data');
const model = parseSentencePieceModel(gunzipSync(readFileSync(join(data, 'spm-unigram.model.gz'))));
const cases = JSON.parse(readFileSync(join(data, 'spm-unigram-cases.json'), 'utf8')) as {
  text: string;
  ids: number[];
}[];

describe('UnigramTokenizer', () => {
  const tok = new UnigramTokenizer(model);

  it('reads the model: UMT5 special ids, byte fallback, a charsmap', () => {
    expect([model.padId, model.eosId, model.unkId, model.byteFallback]).toEqual([0, 1, 2, true]);
    expect(model.pieces.length).toBe(600);
    expect(model.precompiledCharsmap.length).toBeGreaterThan(1000);
  });

  it.each(cases)('matches spm_encode on %j', ({ text, ids }) => {
    expect(tok.tokenize(text)).toEqual(ids);
  });

  it('appends eos, truncates keeping it, pads with 0 and masks the padding', () => {
    const short = tok.encode('a lighthouse', 16);
    const n = tok.tokenize('a lighthouse').length;
    expect(short.ids[n]).toBe(1);
    expect(Array.from(short.attentionMask)).toEqual([...Array(n + 1).fill(1), ...Array(15 - n).fill(0)]);
    expect(short.ids[15]).toBe(0);
    const cut = tok.encode(cases[0]!.text, 4);
    expect(Array.from(cut.ids)).toEqual([...cases[0]!.ids.slice(0, 3), 1]);
    expect(Array.from(tok.encode('', 3).ids)).toEqual([1, 0, 0]);
  });
});
