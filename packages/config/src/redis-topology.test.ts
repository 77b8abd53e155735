import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parseEnv } from './parse-env.js';
import { RedisSettings, redisTopology } from './redis-topology.js';
import { QueuePrefix } from './settings.js';

const Schema = RedisSettings.extend({ QUEUE_PREFIX: QueuePrefix });

function resolve(env: Record<string, string>) {
  const problems: string[] = [];
  const topology = redisTopology(parseEnv('test', Schema, env), problems);
  return { topology, problems };
}

describe('redisTopology', () => {
  it('is the local single node when nothing is set, and REDIS_URL when it is', () => {
    expect(resolve({}).topology).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect(resolve({ REDIS_URL: 'rediss://u:p@cache:6380/2' }).topology).toEqual({
      kind: 'single',
      url: 'rediss://u:p@cache:6380/2',
    });
  });

  it('reads cluster seed nodes, IPv6 in brackets, with the nodes’ credentials', () => {
    const { topology, problems } = resolve({
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, [::1]:7001',
      REDIS_USERNAME: 'gpuq',
      REDIS_PASSWORD: 'pw',
    });
    expect(problems).toEqual([]);
    expect(topology).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
      ],
      username: 'gpuq',
      password: 'pw',
    });
  });

  it('reads sentinels, the master name and both passwords', () => {
    expect(
      resolve({
        REDIS_SENTINELS: 's1:26379,s2:26379,s3:26379',
        REDIS_SENTINEL_MASTER: 'mymaster',
        REDIS_PASSWORD: 'data',
        REDIS_SENTINEL_PASSWORD: 'sentinel',
      }).topology,
    ).toEqual({
      kind: 'sentinel',
      masterName: 'mymaster',
      sentinels: ['s1', 's2', 's3'].map((host) => ({ host, port: 26379 })),
      password: 'data',
      sentinelPassword: 'sentinel',
    });
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS'],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_URL: 'redis://a:1' }, 'REDIS_URL'],
    [{ REDIS_SENTINELS: 'a:1' }, 'REDIS_SENTINEL_MASTER'],
    [{ REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS'],
    [{ REDIS_PASSWORD: 'pw' }, 'REDIS_URL'],
    [{ REDIS_CLUSTER_NODES: 'a:1', QUEUE_PREFIX: 'gpuq' }, 'QUEUE_PREFIX'],
  ])('refuses %j, naming %s', (env, named) => {
    const { topology, problems } = resolve(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(named);
    expect(topology.kind).toBe('single');
  });

  it.each(['a', 'a:', 'a:70000', ':6379', 'a:1,,b:2'])('rejects the node list %j at parse time', (value) => {
    expect(() => parseEnv('test', Schema, { REDIS_CLUSTER_NODES: value })).toThrow(ConfigError);
    expect(() => parseEnv('test', Schema, { REDIS_CLUSTER_NODES: value })).toThrow(/REDIS_CLUSTER_NODES/);
  });
});
