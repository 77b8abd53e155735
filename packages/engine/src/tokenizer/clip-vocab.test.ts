import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BYTE_ENCODER } from './byte-encoder.js';
import { ClipTokenizer } from './clip-tokenizer.js';

/**
 * The real CLIP vocabulary, rebuilt from its merges (test/data/README.md names the source) the
 * way CLIP defines it: byte symbols in the byte encoder's order (printable bytes first), the same
 * with `</w>`, one token per merge, then <|startoftext|> and <|endoftext|> — 49,408 entries, the
 * vocab.json SDXL ships.
 */
function realTokenizerDir(): string {
  const merges = gunzipSync(
    readFileSync(join(import.meta.dirname, '..', '..', 'test', 'data', 'clip-merges.txt.gz')),
  ).toString('utf8');
  const order: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) order.push(b);
  for (let b = 0xa1; b <= 0xac; b++) order.push(b);
  for (let b = 0xae; b <= 0xff; b++) order.push(b);
  for (let b = 0; b < 256; b++) if (!order.includes(b)) order.push(b);
  const tokens = order.map((b) => BYTE_ENCODER[b]!);
  tokens.push(...tokens.map((t) => `${t}</w>`));
  const lines = merges
    .split('\n')
    .slice(1, 49152 - 256 - 2 + 1)
    .filter(Boolean);
  for (const line of lines) tokens.push(line.replace(' ', ''));
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-clip-vocab-'));
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(Object.fromEntries(tokens.map((t, i) => [t, i]))));
  writeFileSync(join(dir, 'merges.txt'), merges);
  return dir;
}

describe('ClipTokenizer with the real CLIP vocabulary', () => {
  const dir = realTokenizerDir();

  it('is the vocab.json and merges.txt SDXL base 1.0 ships (configs/)', () => {
    const shipped = join(
      import.meta.dirname,
      '..',
      '..',
      'configs',
      'stable-diffusion-xl-base-1.0',
      'tokenizer',
    );
    expect(JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(shipped, 'vocab.json'), 'utf8')),
    );
    expect(readFileSync(join(dir, 'merges.txt'), 'utf8')).toBe(
      readFileSync(join(shipped, 'merges.txt'), 'utf8'),
    );
  });

  it('has CLIP special ids', async () => {
    const tok = await ClipTokenizer.fromDir(dir);
    expect(tok.bosId).toBe(49406);
    expect(tok.eosId).toBe(49407);
  });

  it('gives the ids CLIP gives', async () => {
    const tok = await ClipTokenizer.fromDir(dir);
    const ids = Array.from(tok.encode('a photo of a cat'));
    expect(ids.slice(0, 7)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(ids.slice(7).every((id) => id === 49407)).toBe(true);
    expect(ids).toHaveLength(77);
  });

  it('pads with "!" for SDXL bigG tokenizer', async () => {
    const tok = await ClipTokenizer.fromDir(dir, { padToken: '!' });
    expect(tok.padId).toBe(0);
    expect(Array.from(tok.encode('a cat')).slice(0, 6)).toEqual([49406, 320, 2368, 49407, 0, 0]);
  });

  it('splits words, numbers and punctuation as CLIP does', async () => {
    const tok = await ClipTokenizer.fromDir(dir);
    expect(tok.tokenize("A DSLR photo, 4K: the cat's hat!!")).toEqual([
      'a</w>',
      'dslr</w>',
      'photo</w>',
      ',</w>',
      '4</w>',
      'k</w>',
      ':</w>',
      'the</w>',
      'cat</w>',
      "'s</w>",
      'hat</w>',
      '!!</w>',
    ]);
  });
});
