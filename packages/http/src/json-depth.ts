/**
 * How deeply a JSON text nests, measured on the text before it is parsed: a body of a few
 * kilobytes can nest thousands of levels, and recursive code further on (serialisers, schema
 * checks, Postgres' jsonb input) overflows its stack on it. No request of this API nests
 * anywhere near the limit.
 */

/** Objects and arrays inside one another, counting the outermost; deeper bodies are refused. */
export const JSON_MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when `text` opens more than `maxDepth` objects/arrays inside one another. Brackets inside
 * strings do not count; strings are skipped with `indexOf`, so long base64 values cost little.
 * Malformed text is not judged here (JSON.parse refuses it next).
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      const end = closingQuote(text, i + 1);
      if (end === -1) return false;
      i = end;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** The index of the quote that ends a string starting at `from`, or -1 when it never ends. */
function closingQuote(text: string, from: number): number {
  let at = text.indexOf('"', from);
  while (at !== -1) {
    let backslashes = 0;
    for (let k = at - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return -1;
}
