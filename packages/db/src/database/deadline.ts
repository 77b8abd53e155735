/**
 * A request's deadline, carried through its async calls (AsyncLocalStorage) so every query the
 * request makes is bounded by it without threading it through each data-access function. The
 * Postgres database reads it: a checkout, a statement or a commit that would run past it fails
 * with DeadlineExceededError, and a commit checks it on the server, in the same message, so a
 * request that has already been answered 503 can never commit late.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Deadline {
  /** Epoch milliseconds after which nothing of this request may start or commit. */
  readonly at: number;
  /** Set when the request was answered without waiting for its work: nothing may commit after. */
  abandoned: boolean;
  /** Commits sent and not yet answered: while one is in flight the outcome is unknown. */
  commitsInFlight: number;
  /** Lifts the database's statement timeouts too (migrations: an index build may take minutes). */
  unbounded?: boolean;
}

const current = new AsyncLocalStorage<Deadline>();

export function createDeadline(timeoutMs: number, now = Date.now()): Deadline {
  return { at: now + timeoutMs, abandoned: false, commitsInFlight: 0 };
}

/** Runs `work` with `deadline` as the deadline of every query it makes. */
export function runWithDeadline<T>(deadline: Deadline, work: () => T): T {
  return current.run(deadline, work);
}

/** Runs `work` with no time limit on its statements: for migrations, never for requests. */
export function withoutTimeouts<T>(work: () => T): T {
  return current.run(
    { at: Number.POSITIVE_INFINITY, abandoned: false, commitsInFlight: 0, unbounded: true },
    work,
  );
}

/**
 * Runs `work` outside any request's deadline: for callbacks of long-lived connections, whose
 * events would otherwise carry the deadline of whichever request happened to open them.
 */
export function outsideDeadline<T>(work: () => T): T {
  return current.exit(work);
}

/** The deadline of the request this code runs for, if any. */
export function currentDeadline(): Deadline | undefined {
  return current.getStore();
}

/** Milliseconds left before `deadline` (0 once passed or abandoned); Infinity without one. */
export function remainingMs(deadline: Deadline | undefined, now = Date.now()): number {
  if (!deadline) return Number.POSITIVE_INFINITY;
  if (deadline.abandoned) return 0;
  return Math.max(0, deadline.at - now);
}
