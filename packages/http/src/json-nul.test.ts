import { describe, expect, it } from 'vitest';
import { jsonHasNulEscape } from './json-nul.js';

describe('NUL in JSON strings', () => {
  it('finds a \\u0000 escape in a value or a key', () => {
    expect(jsonHasNulEscape(JSON.stringify({ run_id: 'a\u0000b' }))).toBe(true);
    expect(jsonHasNulEscape(JSON.stringify({ 'k\u0000': 1 }))).toBe(true);
    expect(jsonHasNulEscape(JSON.stringify({ text: '\\\u0000' }))).toBe(true);
  });

  it('leaves an escaped backslash followed by u0000 alone', () => {
    expect(jsonHasNulEscape(JSON.stringify({ text: '\\u0000' }))).toBe(false);
    expect(jsonHasNulEscape(JSON.stringify({ text: 'C:\\\\u0000' }))).toBe(false);
    expect(jsonHasNulEscape(JSON.stringify({ text: 'plain' }))).toBe(false);
  });
});
