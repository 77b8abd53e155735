import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEnv } from './parse-env.js';
import { RedisSettings, redisTopology } from './redis-topology.js';
import { QueuePrefix } from './settings.js';

const Schema = RedisSettings.extend({ QUEUE_PREFIX: QueuePrefix });
const dir = mkdtempSync(join(tmpdir(), 'gpuq-redis-tls-'));
const caFile = join(dir, 'ca.pem');
// Only the PEM armour is checked at start-up; the TLS handshake judges the certificate itself.
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
writeFileSync(caFile, PEM);
const notPem = join(dir, 'ca.txt');
writeFileSync(notPem, 'not a certificate');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function resolve(env: Record<string, string>) {
  const problems: string[] = [];
  const topology = redisTopology(parseEnv('test', Schema, env), problems);
  return { topology, problems };
}

describe('Redis TLS settings', () => {
  it('gives a rediss:// single node the CA file, and a redis:// one no TLS', () => {
    expect(resolve({ REDIS_URL: 'rediss://cache:6380', REDIS_TLS_CA_FILE: caFile }).topology).toEqual({
      kind: 'single',
      url: 'rediss://cache:6380',
      tls: { ca: PEM },
    });
    expect(resolve({ REDIS_URL: 'redis://cache:6379' }).topology).toEqual({
      kind: 'single',
      url: 'redis://cache:6379',
    });
  });

  it('turns TLS on for every Cluster node with REDIS_TLS, with the CA and server name', () => {
    const { topology, problems } = resolve({
      REDIS_CLUSTER_NODES: '10.0.0.1:7000',
      REDIS_TLS: 'true',
      REDIS_TLS_CA_FILE: caFile,
      REDIS_TLS_SERVERNAME: 'redis.internal',
    });
    expect(problems).toEqual([]);
    expect(topology).toEqual({
      kind: 'cluster',
      nodes: [{ host: '10.0.0.1', port: 7000 }],
      tls: { ca: PEM, servername: 'redis.internal' },
    });
  });

  it('sets TLS to the Sentinel-managed nodes and to the sentinels apart', () => {
    const base = { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'm', REDIS_TLS_CA_FILE: caFile };
    expect(resolve({ ...base, REDIS_TLS: 'yes' }).topology).toMatchObject({ tls: { ca: PEM } });
    expect(resolve({ ...base, REDIS_TLS: 'yes' }).topology).not.toHaveProperty('sentinelTls');
    expect(resolve({ ...base, REDIS_SENTINEL_TLS: 'true' }).topology).toMatchObject({
      sentinelTls: { ca: PEM },
    });
    expect(resolve({ ...base, REDIS_SENTINEL_TLS: 'true' }).topology).not.toHaveProperty('tls');
  });

  it.each([
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS: 'true', REDIS_TLS_CA_FILE: join(dir, 'missing.pem') },
      /REDIS_TLS_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/,
    ],
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS: 'true', REDIS_TLS_CA_FILE: notPem },
      /REDIS_TLS_CA_FILE: .*ca\.txt holds no PEM certificate/,
    ],
    [
      { REDIS_URL: 'redis://a:1', REDIS_TLS_CA_FILE: caFile },
      /REDIS_TLS_CA_FILE: no Redis connection uses TLS/,
    ],
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS_SERVERNAME: 'x' },
      /REDIS_TLS_SERVERNAME: no Redis connection uses TLS/,
    ],
    [{ REDIS_URL: 'rediss://a:1', REDIS_TLS: 'true' }, /REDIS_TLS: only for Cluster or Sentinel/],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINEL_TLS: 'true' }, /REDIS_SENTINEL_TLS: needs REDIS_SENTINELS/],
  ])('refuses %j, naming the setting', (env, named) => {
    const { topology, problems } = resolve(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(named);
    expect(topology).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
  });
});
