import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdxlTokenizers } from './sdxl-tokenizers.js';

/**
 * SDXL base 1.0's real tokenizer folders (configs/stable-diffusion-xl-base-1.0/tokenizer{,_2},
 * copied verbatim from the published model) against the ids Hugging Face's CLIPTokenizer gives
 * for the same prompts (test/data/sdxl-tokenizer-ids.json; test/data/README.md says how it was
 * made).
 */
const packageDir = join(import.meta.dirname, '..', '..');
const configDir = join(packageDir, 'configs', 'stable-diffusion-xl-base-1.0');
const reference = JSON.parse(
  readFileSync(join(packageDir, 'test', 'data', 'sdxl-tokenizer-ids.json'), 'utf8'),
) as { cases: { prompt: string; tokenizer: number[]; tokenizer_2: number[] }[] };

describe('SDXL base 1.0 tokenizers', async () => {
  const tokenizers = await sdxlTokenizers(configDir, 77);
  if (!tokenizers) throw new Error(`no tokenizer folders in ${configDir}`);
  const [clipL, bigG] = tokenizers;

  it('read the special tokens of each folder: tokenizer_2 pads with "!"', () => {
    expect([clipL.bosId, clipL.eosId, clipL.padId]).toEqual([49406, 49407, 49407]);
    expect([bigG.bosId, bigG.eosId, bigG.padId]).toEqual([49406, 49407, 0]);
  });

  it.each(reference.cases.map((c) => [JSON.stringify(c.prompt).slice(0, 60), c] as const))(
    'gives the reference ids for %s',
    (_, c) => {
      expect(Array.from(clipL.encode(c.prompt))).toEqual(c.tokenizer);
      expect(Array.from(bigG.encode(c.prompt))).toEqual(c.tokenizer_2);
    },
  );
});
