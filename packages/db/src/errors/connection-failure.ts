/**
 * Whether an error (or one of its causes) means the database could not be reached or did not
 * answer: the connection-class failures that a retry may cure, as opposed to a statement that is
 * wrong. Drivers report these three ways: an SQLSTATE (class 08, admin shutdown 57P01-03, a
 * statement cancelled by statement_timeout 57014), a socket errno, or for `pg` a bare message.
 */
const ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014']);
/** What pg and pg-pool throw without a code when a connection dies or a timeout fires. */
const MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /^Client has encountered a connection error and is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
  /^timeout expired/,
];

export function isConnectionFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    if ((current as { name?: unknown }).name === 'DatabaseUnavailableError') return true;
    if ((current as { name?: unknown }).name === 'DeadlineExceededError') return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (ERRNOS.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) {
      return true;
    }
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
