/** The data layer's typed errors as HTTP answers, decided once for every service. */
import {
  DatabaseError,
  IdempotencyConflictError,
  InFlightLimitError,
  InsufficientCreditsError,
  InvalidTransitionError,
  PermissionDeniedError,
  ProjectNotFoundError,
  StaleAttemptError,
  TaskClaimedElsewhereError,
  TaskNotFoundError,
} from '@gpuq/db';
import { HttpError } from './http-error.js';

export function httpErrorFromDatabase(error: unknown): HttpError | null {
  if (!(error instanceof DatabaseError)) return null;
  const wrap = (status: 402 | 403 | 404 | 409 | 422, code: HttpError['code']) =>
    new HttpError(status, code, error.message, { cause: error });
  if (error instanceof InsufficientCreditsError) return wrap(402, 'insufficient_credits');
  // Every route that creates work shares the cap (public.enforce_in_flight_cap), and so this answer.
  if (error instanceof InFlightLimitError) {
    return new HttpError(429, 'rate_limited', error.message, {
      headers: { 'retry-after': '10' },
      cause: error,
    });
  }
  if (error instanceof IdempotencyConflictError) return wrap(422, 'idempotency_mismatch');
  if (error instanceof TaskNotFoundError) return wrap(404, 'not_found');
  if (error instanceof ProjectNotFoundError) return wrap(403, 'forbidden');
  if (error instanceof PermissionDeniedError) return wrap(403, 'forbidden');
  if (
    error instanceof InvalidTransitionError ||
    error instanceof TaskClaimedElsewhereError ||
    error instanceof StaleAttemptError
  ) {
    return wrap(409, 'conflict');
  }
  return null;
}

const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
]);

/** A database or Redis that cannot be reached: 503, so clients retry (nothing was committed). */
export function unavailableError(error: unknown): HttpError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_FAILURES.has(code) || code.startsWith('08'))) {
      return new HttpError(503, 'unavailable', 'a backing service is unavailable; retry shortly', {
        headers: { 'retry-after': '5' },
        cause: error,
      });
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
