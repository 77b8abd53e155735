/**
 * The part of a migration file that Postgres executes, so that its checksum ignores comments.
 *
 * The rule: comments are dropped (`--` to the end of the line, and block comments from `/*` to
 * the matching star-slash, which nest in Postgres), and outside quoted text every stretch of
 * whitespace and comments becomes one separator: a line break if the stretch holds a line break
 * outside its comments, else a space. Leading and trailing separators go. Quoted text is kept
 * byte for byte, comment-looking text included: string constants ('…', E'…' with backslash
 * escapes), quoted identifiers ("…") and dollar-quoted bodies ($$…$$, $tag$…$tag$), where a `--`
 * in a function body is part of the function. Outside quoted text whitespace only separates
 * tokens, except that a line break between two string constants joins them: hence line breaks
 * are kept apart from spaces.
 *
 * A scanner of our own rather than a parser library: the rule feeds checksums stored in deployed
 * databases, so it must never change with a dependency's upgrade, and the few lexical rules it
 * needs (Postgres's own, with standard_conforming_strings on) fit in this file. Text Postgres could
 * not lex (an unterminated quote or comment) runs to the end of the file here; applying such a
 * file fails in Postgres with Postgres's own error.
 */

const WHITESPACE = /[ \t\n\r\f\v]/;
const LINE_BREAK = /[\n\r]/;
// Characters that continue an identifier: after one, `$` and `E'` continue it rather than open quoted text.
const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
// `$tag$` opens a dollar-quoted body; `$1` (a parameter) does not.
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** Where the quoted text starting at `start` ends (exclusive), or undefined if none starts there. */
function quotedTextEnd(sql: string, start: number): number | undefined {
  const char = sql[start];
  const previous = start > 0 ? (sql[start - 1] as string) : '';
  if (char === "'" || char === '"') return closingQuoteEnd(sql, start, char, false);
  if ((char === 'E' || char === 'e') && sql[start + 1] === "'" && !IDENTIFIER_CHAR.test(previous)) {
    return closingQuoteEnd(sql, start + 1, "'", true);
  }
  if (char === '$' && !IDENTIFIER_CHAR.test(previous)) {
    DOLLAR_TAG.lastIndex = start;
    const tag = DOLLAR_TAG.exec(sql)?.[0];
    if (tag === undefined) return undefined;
    const close = sql.indexOf(tag, start + tag.length);
    return close === -1 ? sql.length : close + tag.length;
  }
  return undefined;
}

/** After the opening quote at `open`: a doubled quote is one quote character, as is `\'` in E'…'. */
function closingQuoteEnd(sql: string, open: number, quote: string, backslashEscapes: boolean): number {
  let at = open + 1;
  while (at < sql.length) {
    const char = sql[at];
    if (backslashEscapes && char === '\\') at += 2;
    else if (char === quote && sql[at + 1] === quote) at += 2;
    else if (char === quote) return at + 1;
    else at += 1;
  }
  return sql.length;
}

/** Where the comment starting at `start` ends (exclusive), or undefined if none starts there. */
function commentEnd(sql: string, start: number): number | undefined {
  if (sql.startsWith('--', start)) {
    let at = start + 2;
    while (at < sql.length && !LINE_BREAK.test(sql[at] as string)) at += 1;
    return at; // the line break itself is whitespace, not comment
  }
  if (sql.startsWith('/*', start)) {
    let depth = 1;
    let at = start + 2;
    while (at < sql.length && depth > 0) {
      if (sql.startsWith('/*', at)) {
        depth += 1;
        at += 2;
      } else if (sql.startsWith('*/', at)) {
        depth -= 1;
        at += 2;
      } else at += 1;
    }
    return at;
  }
  return undefined;
}

/** The file's SQL with comments removed and whitespace outside quoted text normalised. */
export function executableSql(sql: string): string {
  const pieces: string[] = [];
  // What stands between the last piece and the next: nothing, a space or a line break.
  let separator = '';
  let at = 0;
  while (at < sql.length) {
    const char = sql[at] as string;
    if (WHITESPACE.test(char)) {
      separator = LINE_BREAK.test(char) || separator === '\n' ? '\n' : ' ';
      at += 1;
      continue;
    }
    const afterComment = commentEnd(sql, at);
    if (afterComment !== undefined) {
      // A comment separates tokens as a space does, whatever it holds.
      if (separator === '') separator = ' ';
      at = afterComment;
      continue;
    }
    const end = quotedTextEnd(sql, at) ?? at + 1;
    if (pieces.length > 0 && separator !== '') pieces.push(separator);
    separator = '';
    pieces.push(sql.slice(at, end));
    at = end;
  }
  return pieces.join('');
}
