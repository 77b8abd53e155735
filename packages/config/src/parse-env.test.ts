import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { parseEnv } from './parse-env.js';
import { Port, QueuePrefix, RedisUrl } from './settings.js';

const Schema = z.object({
  PORT: Port.default(8787),
  REDIS_URL: RedisUrl,
  QUEUE_PREFIX: QueuePrefix,
  CALLBACK_SECRET: z.string().min(16),
});

describe('parseEnv', () => {
  it('applies defaults and treats empty values as unset', () => {
    const env = parseEnv('api', Schema, { PORT: '', CALLBACK_SECRET: 'x'.repeat(16) });
    expect(env).toEqual({
      PORT: 8787,
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: '{gpuq}',
      CALLBACK_SECRET: 'x'.repeat(16),
    });
  });

  it('names every bad setting in one error and hides secret values', () => {
    const attempt = () =>
      parseEnv('api', Schema, { PORT: 'eighty', REDIS_URL: 'http://x', CALLBACK_SECRET: 'short' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const { problems, message } = error as ConfigError;
      expect(problems).toHaveLength(3);
      expect(message).toMatch(/PORT: .*got "eighty"/);
      expect(message).toMatch(/REDIS_URL: must be a redis:\/\//);
      expect(message).toMatch(/CALLBACK_SECRET: .*got "\*\*\*"/);
      expect(message).not.toContain('short');
    }
  });

  it('reports a missing required setting as not set', () => {
    expect(() => parseEnv('api', Schema, {})).toThrow(/CALLBACK_SECRET: .*\(not set\)/);
  });
});
