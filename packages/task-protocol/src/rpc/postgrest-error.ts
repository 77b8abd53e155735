/**
 * PostgREST's error body, `{ code, message, details, hint }`, for the `/rest/v1/rpc/*` routes
 * only: supabase-js reads exactly these fields from an rpc call. Every other route answers the
 * project's `{ error: { code, message } }`.
 */

import { httpErrorFromDatabase, unavailableError } from '@gpuq/api-errors';
import { AuthHttpError } from '@gpuq/auth';
import { DatabaseError } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import type { Logger } from '@gpuq/logger';
import type { ErrorHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface PostgrestErrorBody {
  code: string;
  message: string;
  details: string | null;
  hint: string | null;
}

export class PostgrestError extends Error {
  override readonly name = 'PostgrestError';

  constructor(
    readonly status: ContentfulStatusCode,
    readonly body: PostgrestErrorBody,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(body.message, { cause: options.cause });
    this.headers = options.headers ?? {};
  }

  readonly headers: Record<string, string>;
}

const body = (code: string, message: string, details: string | null = null, hint: string | null = null) => ({
  code,
  message,
  details,
  hint,
});

/** PGRST202: what PostgREST answers for a function it does not expose (or not with these arguments). */
export function unknownFunctionError(name: string, args: readonly string[]): PostgrestError {
  const signature = args.length > 0 ? `with parameters ${args.join(', ')}` : 'without parameters';
  return new PostgrestError(
    404,
    body(
      'PGRST202',
      `Could not find the function public.${name} ${signature} in the schema cache`,
      `Searched for the function public.${name} ${signature}, but no matches were found in the schema cache.`,
    ),
  );
}

/** 22023 invalid_parameter_value: an argument of the right name whose value the function refuses. */
export function invalidArgumentError(message: string): PostgrestError {
  return new PostgrestError(400, body('22023', message));
}

function toPostgrest(thrown: unknown): PostgrestError | null {
  if (thrown instanceof PostgrestError) return thrown;
  if (thrown instanceof AuthHttpError) {
    // PostgREST: PGRST301 for a token it cannot accept, 42501 for a role without the grant.
    const code = thrown.status === 401 ? 'PGRST301' : thrown.status === 403 ? '42501' : 'PGRST000';
    return new PostgrestError(thrown.status, body(code, thrown.message), {
      cause: thrown,
      headers: thrown.headers(),
    });
  }
  const mapped = httpErrorFromDatabase(thrown) ?? (thrown instanceof HttpError ? thrown : null);
  if (mapped) {
    const code =
      thrown instanceof DatabaseError && thrown.code
        ? thrown.code
        : mapped.status === 403
          ? '42501'
          : mapped.status === 404
            ? 'PGRST116'
            : 'PGRST100';
    return new PostgrestError(mapped.status, body(code, mapped.message, mapped.options.field ?? null), {
      cause: thrown,
    });
  }
  const unavailable = unavailableError(thrown);
  if (unavailable) {
    return new PostgrestError(503, body('PGRST001', unavailable.message), {
      headers: { 'retry-after': '5' },
    });
  }
  return null;
}

export function postgrestErrorHandler(logger: Logger): ErrorHandler {
  return function handlePostgrestError(thrown, c) {
    const error = toPostgrest(thrown);
    if (error?.status === 503) {
      logger.warn(
        { err: (thrown as Error).message, path: c.req.path },
        'answered 503: a backing service is unavailable',
      );
    }
    if (error) return c.json(error.body, error.status, error.headers);
    logger.error({ err: thrown, path: c.req.path }, 'unhandled rpc error');
    return c.json(body('XX000', 'internal error'), 500);
  };
}
