/**
 * NUL characters in JSON strings: Postgres text and jsonb cannot hold U+0000, so a string carrying
 * one fails deep in a query (a 500) wherever it would be stored. No field of this API needs it;
 * the body is refused at the edge instead, found on the text before parsing.
 */

/**
 * True when `text` holds a `\u0000` escape (a raw NUL is no valid JSON and JSON.parse refuses it).
 * An escaped backslash followed by `u0000` is literal text, not a NUL.
 */
export function jsonHasNulEscape(text: string): boolean {
  for (let at = text.indexOf('\\u0000'); at !== -1; at = text.indexOf('\\u0000', at + 1)) {
    let backslashesBefore = 0;
    for (let k = at - 1; k >= 0 && text.charCodeAt(k) === 0x5c; k -= 1) backslashesBefore += 1;
    if (backslashesBefore % 2 === 0) return true;
  }
  return false;
}
