import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byteEncode } from './byte-encoder.js';
import { ClipTokenizer } from './clip-tokenizer.js';

// A tiny vocabulary in the real files' formats. Expected ids are worked out by hand from CLIP's
// rules: lower case, the pre-tokenisation pattern, `</w>` on each word's last symbol, merges
// applied lowest rank first.
const vocab = {
  'a</w>': 1,
  s: 2,
  'at</w>': 3,
  'cat</w>': 4,
  '.</w>': 5,
  c: 6,
  a: 7,
  't</w>': 8,
  ca: 9,
  '<|startoftext|>': 10,
  '<|endoftext|>': 11,
  '!': 12,
  'Ã©</w>': 13,
};
const merges = ['#version: 0.2', 'c a', 'a t</w>', 'ca t</w>', 'Ã ©</w>', ''].join('\n');

function writeTokenizer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-tok-'));
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
  writeFileSync(join(dir, 'merges.txt'), merges);
  return dir;
}

describe('ClipTokenizer', () => {
  it('applies merges by rank and marks word ends', async () => {
    const tok = await ClipTokenizer.fromDir(writeTokenizer(), { maxLength: 8 });
    // "cat": (c,a) rank 0 -> ca, then (ca,t</w>) rank 2 -> cat</w>. "sat": only (a,t</w>) -> s + at</w>.
    expect(tok.tokenize('a cat sat.')).toEqual(['a</w>', 'cat</w>', 's', 'at</w>', '.</w>']);
    expect(Array.from(tok.encode('a cat sat.'))).toEqual([10, 1, 4, 2, 3, 5, 11, 11]);
  });

  it('lower-cases, collapses whitespace and pads with the configured token', () => {
    const tok = ClipTokenizer.fromStrings(JSON.stringify(vocab), merges, { maxLength: 6, padToken: '!' });
    expect(Array.from(tok.encode('  A \n CAT '))).toEqual([10, 1, 4, 11, 12, 12]);
  });

  it('truncates to maxLength keeping bos and eos', () => {
    const tok = ClipTokenizer.fromStrings(JSON.stringify(vocab), merges, { maxLength: 4 });
    expect(Array.from(tok.encode('a cat a cat'))).toEqual([10, 1, 4, 11]);
  });

  it('splits contractions and maps unknown symbols to the unknown token (endoftext)', () => {
    const tok = ClipTokenizer.fromStrings(JSON.stringify(vocab), merges, { maxLength: 8 });
    expect(tok.tokenize("cat's")).toEqual(['cat</w>', "'", 's</w>']);
    expect(Array.from(tok.encode("cat's"))).toEqual([10, 4, 11, 11, 11, 11, 11, 11]);
  });

  it('encodes UTF-8 bytes through the byte-level alphabet', () => {
    expect(byteEncode(' ')).toBe('Ġ');
    expect(byteEncode('é')).toBe('Ã©');
    const tok = ClipTokenizer.fromStrings(JSON.stringify(vocab), merges, { maxLength: 4 });
    expect(Array.from(tok.encode('É'))).toEqual([10, 13, 11, 11]);
  });

  it('rejects malformed files', () => {
    expect(() => ClipTokenizer.fromStrings('{', merges)).toThrow(/vocab.json is not JSON/);
    expect(() => ClipTokenizer.fromStrings(JSON.stringify(vocab), 'a b c\n')).toThrow(/bad line/);
    expect(() => ClipTokenizer.fromStrings(JSON.stringify({ a: 1 }), '')).toThrow(/startoftext/);
  });
});
