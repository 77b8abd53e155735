import { describe, expect, it } from 'vitest';
import { cleanEnhancedText } from './clean-output.js';

describe('cleanEnhancedText', () => {
  it('trims, joins lines and drops labels and wrapping quotes', () => {
    expect(cleanEnhancedText('  Enhanced prompt: "A red fox\n\nin snow."  ', 100)).toBe('A red fox in snow.');
  });

  it('cuts at a word boundary within the bound', () => {
    const text = cleanEnhancedText('one two three four five six', 13);
    expect(text).toBe('one two three');
    expect(text.length).toBeLessThanOrEqual(13);
  });

  it('cuts a single long word hard rather than returning nothing', () => {
    expect(cleanEnhancedText('x'.repeat(50), 10)).toBe('x'.repeat(10));
  });

  it('returns an empty string for whitespace', () => {
    expect(cleanEnhancedText(' \n\t ', 10)).toBe('');
  });
});
