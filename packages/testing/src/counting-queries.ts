/**
 * What `work` returns, and how many times it called `target.query` while it ran: the statements
 * a request sends to a `Database`, for tests that hold a path to a number of round trips.
 */
export async function countingQueries<T>(
  target: { query: (...args: never[]) => unknown },
  work: () => Promise<T>,
): Promise<{ result: T; statements: number }> {
  const query = target.query;
  let statements = 0;
  target.query = (...args) => {
    statements += 1;
    return query.apply(target, args);
  };
  try {
    return { result: await work(), statements };
  } finally {
    target.query = query;
  }
}
