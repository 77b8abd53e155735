/**
 * A parameterised statement rewritten with its values as quoted literals, so that it can travel in
 * one simple-protocol message together with the `begin` before it: one round trip instead of two.
 * Values are converted by pg's own `prepareValue` (what it would send as text parameters) and
 * quoted by its `escapeLiteral`; a quoted literal is of unknown type until its context decides,
 * exactly as an untyped `$n` parameter is, so the statement means the same.
 *
 * Returns null where that cannot be promised and the caller must send the statement on its own:
 * binary values (Buffers travel as binary parameters), dollar-quoted bodies, or a `$n` with no
 * value.
 */
import pg from 'pg';

/** pg exports its value conversion as `utils`; its type declarations do not list it. */
const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils;

const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;

function literal(value: unknown): string | null {
  const prepared = prepareValue(value);
  if (prepared === null || prepared === undefined) return 'null';
  if (typeof prepared !== 'string') return null;
  return pg.escapeLiteral(prepared);
}

/** The end index (exclusive) of the quoted run starting at `start`, `quote` doubled to escape. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    if (sql[index] === quote) {
      if (sql[index + 1] !== quote) return index + 1;
      index += 1;
    }
    index += 1;
  }
  return index;
}

function skipComment(sql: string, start: number): number {
  if (sql.startsWith('--', start)) {
    const end = sql.indexOf('\n', start);
    return end === -1 ? sql.length : end;
  }
  const end = sql.indexOf('*/', start + 2);
  return end === -1 ? sql.length : end + 2;
}

export function inlineParams(sql: string, params: readonly unknown[]): string | null {
  const literals = params.map(literal);
  if (literals.some((value) => value === null)) return null;
  let out = '';
  let index = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    let end = index + 1;
    if (char === "'" && /[Ee]/.test(sql[index - 1] ?? '')) return null; // E'…': backslash escapes
    if (char === "'" || char === '"') end = skipQuoted(sql, index, char);
    else if (sql.startsWith('--', index) || sql.startsWith('/*', index)) end = skipComment(sql, index);
    else if (char === '$' && !IDENTIFIER_CHAR.test(sql[index - 1] ?? ' ')) {
      const digits = /^\$(\d+)/.exec(sql.slice(index, index + 12));
      if (!digits) return null; // a dollar-quoted body: its text is not ours to scan
      const value = literals[Number(digits[1]) - 1];
      if (value === undefined) return null;
      out += value;
      index += digits[0].length;
      continue;
    }
    out += sql.slice(index, end);
    index = end;
  }
  return out;
}
