/**
 * Redis connections for the two sides of a queue. They differ on purpose:
 * - producers (the API) fail fast: no offline queue and one retry, so a request is answered
 *   promptly (202 or 503) instead of hanging while Redis is down;
 * - workers wait forever (`maxRetriesPerRequest: null`, as BullMQ requires for blocking
 *   commands) and reconnect, so a Redis restart never loses the job they are running.
 * Either side connects to the process's topology: one node, a Sentinel-managed master (found
 * through the sentinels, followed on failover) or a Cluster (slots learnt from the seed nodes).
 * Every connection ends only when its owner closes it (owned-connections.ts).
 */
import type { RedisTopology } from '@gpuq/config';
import { Cluster, type Redis, type RedisOptions } from 'ioredis';
import { OwnedCluster, OwnedRedis } from './owned-connections.js';

export type RedisRole = 'producer' | 'worker';

/** A connection to any topology: a node or a Sentinel-managed master (`Redis`), or a `Cluster`. */
export type RedisClient = Redis | Cluster;

export type RedisConnectionOptions = RedisConnectionRole &
  (
    | { /** Where to connect: the process's settings, resolved at start-up. */ topology: RedisTopology }
    | { /** A single node's URL. */ url: string }
  );

interface RedisConnectionRole {
  role: RedisRole;
  /** Shown in `CLIENT LIST`, e.g. `queue-api` or `sdxl-worker:host-1`. */
  name?: string;
  /** A producer's per-command deadline. Default 2 000 ms. */
  commandTimeoutMs?: number;
}

const retryStrategy = (times: number) => Math.min(100 * 2 ** times, 2_000);

function roleOptions(role: RedisRole, commandTimeoutMs: number): RedisOptions {
  if (role === 'worker') return { maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy };
  return {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: commandTimeoutMs,
    retryStrategy,
  };
}

export function createRedis(connection: RedisConnectionOptions): RedisClient {
  const { role, name, commandTimeoutMs } = connection;
  const target: RedisTopology =
    'topology' in connection ? connection.topology : { kind: 'single', url: connection.url };
  const options: RedisOptions = {
    connectionName: name,
    lazyConnect: false,
    ...roleOptions(role, commandTimeoutMs ?? 2_000),
  };
  // A rediss:// URL alone turns TLS on; `tls` adds the CA and server name to check against.
  const tls = target.tls ? { tls: target.tls } : {};
  if (target.kind === 'single') return new OwnedRedis(target.url, { ...options, ...tls });
  const credentials = { username: target.username, password: target.password, ...tls };
  if (target.kind === 'sentinel') {
    return new OwnedRedis(undefined, {
      ...options,
      ...credentials,
      sentinels: target.sentinels,
      name: target.masterName,
      sentinelPassword: target.sentinelPassword,
      // ioredis reaches the master over plain TCP unless told, even with `tls` set.
      enableTLSForSentinelMode: target.tls !== undefined,
      ...(target.sentinelTls ? { sentinelTLS: target.sentinelTls } : {}),
      // Sentinel's +switch-master moves the connection at once instead of on the next error
      // (a planned failover demotes a master that stays up, and the sentinels disconnect its
      // clients only seconds later). The detector can end a connection it catches connecting;
      // OwnedRedis connects such a connection again.
      failoverDetector: true,
      sentinelRetryStrategy: retryStrategy,
    });
  }
  const { enableOfflineQueue, retryStrategy: _nodeRetry, ...nodeOptions } = options;
  return new OwnedCluster(target.nodes, {
    redisOptions: { ...nodeOptions, ...credentials },
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy,
    // While a replica is promoted, commands to the dead master's slots wait and retry.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2_000,
  });
}

/** BullMQ needs `noeviction`: any other policy can silently drop job keys under memory pressure. */
export async function evictionPolicy(redis: RedisClient): Promise<string> {
  // Every master of a cluster holds queue keys: one with another policy is reported.
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const policies = await Promise.all(
    nodes.map(async (node) => ((await node.config('GET', 'maxmemory-policy')) as string[])[1] ?? 'unknown'),
  );
  return policies.find((policy) => policy !== 'noeviction') ?? policies[0] ?? 'unknown';
}

/** Resolves once the connection is ready; a producer's commands fail until then (no offline queue). */
export async function whenReady(redis: RedisClient, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    function onReady() {
      clearTimeout(timer);
      resolve();
    }
    redis.once('ready', onReady);
  });
}
