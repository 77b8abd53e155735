import { ConfigError } from '@gpuq/config';
import { describe, expect, it } from 'vitest';
import { loadApiEnv } from './env.js';

describe('queue-api settings', () => {
  it('runs on defaults in development, generating the secrets it needs', () => {
    const env = loadApiEnv({});
    expect(env.PORT).toBe(8787);
    expect(env.QUEUE_PREFIX).toBe('{gpuq}');
    expect(env.secrets.callbackSecret.generated).toBe(true);
    expect(env.corsOrigins).toEqual(['*']);
  });

  it('refuses to start in production without its secrets, naming each', () => {
    expect(() => loadApiEnv({ NODE_ENV: 'production' })).toThrow(ConfigError);
    try {
      loadApiEnv({ NODE_ENV: 'production' });
    } catch (error) {
      const message = (error as ConfigError).message;
      for (const name of ['SUPABASE_JWT_SECRET', 'SUPABASE_SERVICE_ROLE_KEY', 'CALLBACK_SECRET'])
        expect(message).toContain(name);
    }
  });

  it('connects to one Redis node, a Cluster or Sentinel, refusing a mix at start-up', () => {
    expect(loadApiEnv({}).redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect(loadApiEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000' }).redis.kind).toBe('cluster');
    expect(loadApiEnv({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_MASTER: 'm' }).redis.kind).toBe(
      'sentinel',
    );
    expect(() => loadApiEnv({ REDIS_SENTINELS: 's:26379' })).toThrow(/REDIS_SENTINEL_MASTER/);
    expect(() => loadApiEnv({ REDIS_CLUSTER_NODES: 'a:1', QUEUE_PREFIX: 'plain' })).toThrow(/QUEUE_PREFIX/);
  });

  it('puts storage URLs on STORAGE_PUBLIC_URL when set, else on the public URL', () => {
    expect(loadApiEnv({ PORT: '9000' }).storagePublicUrl).toBe('http://127.0.0.1:9000');
    const separate = loadApiEnv({ STORAGE_PUBLIC_URL: 'https://files.example/' });
    expect(separate.storagePublicUrl).toBe('https://files.example');
    expect(separate.STORAGE_MAX_OBJECT_BYTES).toBe(512 * 1024 * 1024);
    expect(() => loadApiEnv({ STORAGE_PUBLIC_URL: 'files.example' })).toThrow(/STORAGE_PUBLIC_URL/);
  });

  it('names malformed settings', () => {
    expect(() => loadApiEnv({ PORT: 'x', REDIS_URL: 'localhost:6379' })).toThrow(/PORT[\s\S]*REDIS_URL/);
    expect(() => loadApiEnv({ UPSTASH_REDIS_REST_URL: 'https://u.example' })).toThrow(/set both or neither/);
  });

  it('asks for a direct Postgres URL beside a transaction pooler', () => {
    const pooler = 'postgres://postgres@127.0.0.1:6543/postgres';
    expect(() => loadApiEnv({ DATABASE_URL: pooler, DATABASE_POOL_MODE: 'transaction' })).toThrow(
      /DATABASE_POOL_MODE=transaction: set DATABASE_DIRECT_URL/,
    );
    expect(() => loadApiEnv({ DATABASE_DIRECT_URL: pooler })).toThrow(
      /DATABASE_DIRECT_URL: set DATABASE_URL/,
    );
    expect(() => loadApiEnv({ DATABASE_POOL_MODE: 'statement' })).toThrow(/DATABASE_POOL_MODE/);
    const env = loadApiEnv({
      DATABASE_URL: pooler,
      DATABASE_DIRECT_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      DATABASE_POOL_MODE: 'transaction',
    });
    expect(env.LEADER_FAILOVER_S).toBe(15);
  });

  it('allows no browser origin in production unless configured', () => {
    const secrets = {
      SUPABASE_JWT_SECRET: 's'.repeat(32),
      SUPABASE_SERVICE_ROLE_KEY: 'k'.repeat(32),
      CALLBACK_SECRET: 'c'.repeat(32),
    };
    expect(loadApiEnv({ NODE_ENV: 'production', ...secrets }).corsOrigins).toEqual([]);
    expect(
      loadApiEnv({ NODE_ENV: 'production', CORS_ORIGINS: 'https://a.example, https://b.example', ...secrets })
        .corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
  });
});
