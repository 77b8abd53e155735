/**
 * Turns what the driver threw into this package's errors: the SQLSTATEs our SQL functions raise
 * (class GQ, documented in the migrations' headers) become their named classes, a connection that
 * failed or timed out a DatabaseUnavailableError, anything else a DatabaseError carrying the code.
 * The original error is always the cause.
 */
import { isConnectionFailure } from './connection-failure.js';
import { DatabaseError } from './database-error.js';
import { DatabaseUnavailableError } from './database-unavailable-error.js';
import { IdempotencyConflictError } from './idempotency-conflict-error.js';
import { InFlightLimitError } from './in-flight-limit-error.js';
import { InsufficientCreditsError } from './insufficient-credits-error.js';
import { InvalidTransitionError } from './invalid-transition-error.js';
import { MissingOutputsError } from './missing-outputs-error.js';
import { PermissionDeniedError } from './permission-denied-error.js';
import { ProfileNotFoundError } from './profile-not-found-error.js';
import { ProjectNotFoundError } from './project-not-found-error.js';
import { StaleAttemptError } from './stale-attempt-error.js';
import { TaskClaimedElsewhereError } from './task-claimed-elsewhere-error.js';
import { TaskNotFoundError } from './task-not-found-error.js';

type ErrorClass = new (message: string, options: { cause?: unknown; code?: string }) => DatabaseError;

const BY_CODE: Record<string, ErrorClass> = {
  GQ001: InsufficientCreditsError,
  GQ002: IdempotencyConflictError,
  GQ003: TaskNotFoundError,
  GQ004: ProjectNotFoundError,
  GQ005: InvalidTransitionError,
  GQ006: TaskClaimedElsewhereError,
  GQ007: StaleAttemptError,
  GQ008: ProfileNotFoundError,
  GQ009: MissingOutputsError,
  GQ010: InFlightLimitError,
  '42501': PermissionDeniedError,
};

export function mapDatabaseError(error: unknown): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const ErrorType =
    (code && BY_CODE[code]) || (isConnectionFailure(error) ? DatabaseUnavailableError : DatabaseError);
  return new ErrorType(message, { cause: error, code });
}
