/**
 * What every `/rest/v1/<table>` route does alike, reads and writes: the caller's JWT claims (the
 * role PostgREST would switch to), PostgREST's answers for an unknown table or schema, and the
 * database's own refusals turned into PostgREST error bodies.
 */
import type { Principal } from '@gpuq/auth';
import { DatabaseError, type JwtClaims } from '@gpuq/db';
import { PostgrestError } from '../rpc/postgrest-error.js';

export function claimsOf(principal: Principal): JwtClaims {
  return principal.kind === 'service'
    ? { role: 'service_role' }
    : { role: 'authenticated', sub: principal.userId, aud: 'authenticated' };
}

export function unknownTable(name: string): PostgrestError {
  return new PostgrestError(404, {
    code: 'PGRST205',
    message: `Could not find the table 'public.${name}' in the schema cache`,
    details: null,
    hint: null,
  });
}

/**
 * `Accept-Profile` (reads) or `Content-Profile` (writes) naming another schema than public: 406
 * PGRST106, as PostgREST answers for a schema it does not expose.
 */
export function assertPublicProfile(profile: string | undefined): void {
  if (profile === undefined || profile === 'public') return;
  throw new PostgrestError(406, {
    code: 'PGRST106',
    message: 'The schema must be one of the following: public',
    details: null,
    hint: null,
  });
}

/** SQLSTATE of what the driver (or the data layer, which wraps it) threw. */
function sqlState(error: unknown): string | null {
  if (error instanceof DatabaseError) return error.code ?? sqlState(error.cause);
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return /^[0-9A-Z]{5}$/.test(error.code) ? error.code : null;
  }
  return null;
}

/**
 * The task functions' refusals (migration headers): no such task, a move the task rules forbid, a
 * claim held elsewhere. 409 as PostgREST answers a conflict, with the function's SQLSTATE and message.
 */
const TASK_RULE_STATUS: Readonly<Record<string, 404 | 409>> = { GQ003: 404, GQ005: 409, GQ006: 409 };

/**
 * The database refused the statement for what the request asked (no grant, a value the column's
 * type cannot take, an operator the type lacks, a task rule): its SQLSTATE and message, as
 * PostgREST answers.
 */
export function fromDatabase(error: unknown): PostgrestError | null {
  const code = sqlState(error);
  if (!code) return null;
  const status = code === '42501' ? 403 : /^(22|23|42)/.test(code) ? 400 : (TASK_RULE_STATUS[code] ?? null);
  if (status === null) return null;
  const message = error instanceof Error ? error.message : String(error);
  return new PostgrestError(status, { code, message, details: null, hint: null }, { cause: error });
}

const OBJECT_MEDIA_TYPE = 'application/vnd.pgrst.object+json';
export const OBJECT_CONTENT_TYPE = `${OBJECT_MEDIA_TYPE}; charset=utf-8`;
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `Accept: application/vnd.pgrst.object+json` (supabase-py `.single()`): one object, not a list. */
export function wantsObject(accept: string | undefined): boolean {
  return (accept ?? '').includes(OBJECT_MEDIA_TYPE);
}

/** PGRST116: an object was asked for and the answer is not exactly one row. */
export function notOneRow(rows: number): PostgrestError {
  return new PostgrestError(406, {
    code: 'PGRST116',
    message: 'JSON object requested, multiple (or no) rows returned',
    details: `The result contains ${rows} rows`,
    hint: null,
  });
}

/** `Prefer: count=…`; planned / estimated are answered with the exact count (tables here are small). */
export function wantsCount(prefer: string | undefined): boolean {
  return /\bcount=(exact|planned|estimated)\b/.test(prefer ?? '');
}
