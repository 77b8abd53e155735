/**
 * Turns a raw completion into a prompt we can store: models like to wrap answers in quotes, prefix
 * them with a label or stop mid-sentence at the token limit. The result is one line, at most
 * `maxChars` long, cut at a word boundary.
 */

const LABEL = /^(?:enhanced|rewritten|detailed|improved)?\s*prompt\s*:\s*/i;
const WRAPPING_QUOTES = /^["'“”‘’`]+|["'“”‘’`]+$/g;

export function cleanEnhancedText(raw: string, maxChars: number): string {
  let text = raw.replace(/\s+/g, ' ').trim();
  text = text.replace(LABEL, '').replace(WRAPPING_QUOTES, '').trim();
  if (text.length <= maxChars) return text;
  // One character more so a word ending exactly at the bound is kept.
  const lastSpace = text.slice(0, maxChars + 1).lastIndexOf(' ');
  const cut = text.slice(0, maxChars);
  // A single enormous "word" has no boundary to respect: cut it hard.
  return (lastSpace > maxChars / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:]+$/, '');
}
