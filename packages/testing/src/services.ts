/**
 * Where the test suites find the machine's Postgres and Redis. `TEST_DATABASE_URL` /
 * `TEST_REDIS_URL` override the defaults that `scripts/setup.sh` guarantees.
 */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * `TEST_DATABASE_POOLER=pgbouncer` puts the database of every api and task-protocol test harness
 * behind a private pgbouncer in transaction mode, so any of their suites runs through a pooler.
 */
export const TEST_DATABASE_POOLER = process.env.TEST_DATABASE_POOLER === 'pgbouncer' ? 'pgbouncer' : null;

/** A short random token for names that must not collide between parallel test files. */
export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A BullMQ prefix of its own for one test file, hash-tagged as production's is. */
export function uniqueQueuePrefix(label = 'test'): string {
  return `{gpuq-${label}-${uniqueSuffix()}}`;
}
