import type { z } from 'zod';
import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

/**
 * Parses an app's settings once. Empty strings count as unset, so `FOO=` in a shell or a compose
 * file falls back to the default instead of failing as a malformed value.
 */
export function parseEnv<Schema extends z.ZodType>(app: string, schema: Schema, env: Env): z.infer<Schema> {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    const given = cleaned[name];
    const shown =
      given === undefined ? 'not set' : `got ${JSON.stringify(isSecretName(name) ? '***' : given)}`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(app, problems);
}

export function isSecretName(name: string): boolean {
  return /SECRET|TOKEN|PASSWORD|KEY|DATABASE_URL/i.test(name);
}
