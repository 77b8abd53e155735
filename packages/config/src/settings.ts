/**
 * Setting types several apps share (docs/CONFIGURATION.md lists every variable). Each app composes its own `env.ts` from
 * these, so one variable means the same thing everywhere.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const NodeEnv = z.enum(['development', 'production', 'test']).default('development');

export const Port = z.coerce.number().int().min(0).max(65_535);

/** A single Redis node's URL, without a default: unset is how Cluster and Sentinel settings are told apart. */
export const RedisNodeUrl = z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL');

export const RedisUrl = RedisNodeUrl.default('redis://127.0.0.1:6379');

export const PostgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

/** BullMQ key prefix. Braces make it a Redis Cluster hash tag, so each queue's keys share a slot. */
export const QueuePrefix = z.string().min(1).max(100).default('{gpuq}');

export const PositiveInt = z.coerce.number().int().positive();

export const Flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const Device = z.enum(['auto', 'cpu', 'cuda']).default('auto');

/** A secret that production must be given and development may generate (and report as generated). */
export interface ResolvedSecret {
  value: string;
  generated: boolean;
}

export function resolveSecret(
  name: string,
  given: string | undefined,
  production: boolean,
  problems: string[],
): ResolvedSecret {
  if (given) return { value: given, generated: false };
  if (production) problems.push(`${name}: required when NODE_ENV=production (not set)`);
  return { value: randomBytes(32).toString('base64url'), generated: true };
}
