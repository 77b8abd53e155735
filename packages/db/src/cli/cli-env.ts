/**
 * Settings of the db command-line tools, parsed once: where the database is (DATABASE_URL, else
 * embedded PGlite under GPUQ_DATA_DIR) and the sign-up credits of a profile they create.
 */
import { PositiveInt, PostgresUrl, parseEnv } from '@gpuq/config';
import { z } from 'zod';

const CliEnv = z.object({
  /** Postgres (a Supabase connection string works); unset: embedded PGlite. */
  DATABASE_URL: PostgresUrl.optional(),
  /**
   * Postgres itself when DATABASE_URL is a transaction pooler: the tools use it instead, since a
   * pooler refuses their session settings and migrations belong on a direct connection.
   */
  DATABASE_DIRECT_URL: PostgresUrl.optional(),
  /** Local state; PGlite files live in <dir>/pglite. */
  GPUQ_DATA_DIR: z.string().default('./.data'),
  /** Credits of a profile created by admin:grant for a user not seen before. */
  GPUQ_SIGNUP_CREDITS: PositiveInt.default(100),
});
export type CliEnv = z.infer<typeof CliEnv>;

/** The settings, with DATABASE_URL the database the tools connect to (the direct one if given). */
export function parseCliEnv(env: NodeJS.ProcessEnv): CliEnv {
  const parsed = parseEnv('gpuq-db', CliEnv, env);
  return { ...parsed, DATABASE_URL: parsed.DATABASE_DIRECT_URL ?? parsed.DATABASE_URL };
}

export function describeTarget(env: CliEnv): string {
  if (!env.DATABASE_URL) return `embedded PGlite in ${env.GPUQ_DATA_DIR}/pglite`;
  const url = new URL(env.DATABASE_URL);
  return `postgres ${url.host}${url.pathname}`;
}

/** The schema itself, for docs/CONFIGURATION.md. */
export { CliEnv as CliEnvSchema };
