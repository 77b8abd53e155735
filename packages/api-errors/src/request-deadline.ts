/**
 * A deadline for every request: its database work runs under it (the database refuses to start a
 * statement or a commit after it, and checks it again on the server at COMMIT), and if the handler
 * is still busy when it passes the answer is 503 with Retry-After, so a client never waits on a
 * database that stopped answering and never pays for work it was told failed. One exception: a
 * COMMIT already sent when the deadline passes is awaited, because its outcome decides the answer.
 */
import { createDeadline, runWithDeadline } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import type { MiddlewareHandler } from 'hono';
import { RETRY_AFTER_SECONDS } from './database-errors.js';

export interface RequestDeadlineOptions {
  timeoutMs: number;
  /** Requests that bound their own time (event streams, long waits, large transfers). */
  exempt?: (path: string) => boolean;
}

export function requestDeadline(options: RequestDeadlineOptions): MiddlewareHandler {
  return async function withDeadline(c, next) {
    if (options.exempt?.(c.req.path)) return next();
    const deadline = createDeadline(options.timeoutMs);
    const work = runWithDeadline(deadline, () => next());
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), options.timeoutMs);
    });
    const first = await Promise.race([work.then(() => 'done' as const), expired]);
    clearTimeout(timer);
    if (first === 'done') return;
    if (deadline.commitsInFlight > 0) {
      await work;
      return;
    }
    // From here on the database refuses this request's statements and commits.
    deadline.abandoned = true;
    work.catch(() => undefined);
    throw new HttpError(
      503,
      'unavailable',
      `the request did not finish within ${options.timeoutMs} ms; retry shortly`,
      {
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      },
    );
  };
}
