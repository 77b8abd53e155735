/** The data layer's typed errors as HTTP answers, decided once for every service. */
import {
  DatabaseError,
  IdempotencyConflictError,
  InFlightLimitError,
  InsufficientCreditsError,
  InvalidTransitionError,
  isConnectionFailure,
  PermissionDeniedError,
  ProjectNotFoundError,
  StaleAttemptError,
  TaskClaimedElsewhereError,
  TaskNotFoundError,
} from '@gpuq/db';
import { HttpError } from '@gpuq/http';

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

/** Seconds a client is asked to wait after a 503: about one reconnection attempt of a pool. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A database or Redis that cannot be reached or did not answer in time (connection-class
 * SQLSTATEs, socket errnos, pg's "Connection terminated", a pool checkout or statement timeout,
 * the request's deadline): 503 with Retry-After, so clients retry (nothing was committed).
 */
export function unavailableError(error: unknown): HttpError | null {
  if (!isConnectionFailure(error)) return null;
  return new HttpError(503, 'unavailable', 'a backing service is unavailable; retry shortly', {
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    cause: error,
  });
}
