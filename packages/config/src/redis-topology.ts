/**
 * Which Redis a process talks to: one node (REDIS_URL), a Redis Cluster (seed nodes) or a
 * Sentinel-managed master (master name + sentinel addresses). Every process that connects
 * resolves its settings into one `RedisTopology` at start-up, so a bad combination stops it there
 * with the settings named, and connection code never reads settings itself.
 */
import { z } from 'zod';
import {
  RedisTls,
  type RedisTlsSettings,
  RedisTlsSettings as RedisTlsSettingsSchema,
  redisTlsOptions,
} from './redis-tls.js';
import { RedisNodeUrl } from './settings.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** One `host:port` address (IPv6 in brackets: `[::1]:6379`). */
export const RedisNode = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65_535) });
export type RedisNode = z.infer<typeof RedisNode>;

const HOST_PORT = /^(?:\[([^\]]+)\]|([^:,\s]+)):(\d{1,5})$/;

/** A comma-separated `host:port` list, e.g. `10.0.0.1:7000,10.0.0.2:7000`. */
export const RedisNodeList = z
  .string()
  .transform((value, context) => {
    const nodes: RedisNode[] = [];
    for (const entry of value.split(',').map((part) => part.trim())) {
      const match = HOST_PORT.exec(entry);
      const port = Number(match?.[3]);
      if (!match || port < 1 || port > 65_535) {
        context.addIssue({
          code: 'custom',
          message: `expected host:port entries (e.g. 10.0.0.1:7000); ${JSON.stringify(entry)} is not one`,
        });
        return z.NEVER;
      }
      nodes.push({ host: match[1] ?? match[2] ?? '', port });
    }
    return nodes;
  })
  .refine((nodes) => nodes.length > 0, 'needs at least one host:port');

/**
 * The Redis settings of every process that connects, spread into each process's schema; their
 * descriptions are what docs/CONFIGURATION.md shows.
 */
export const RedisSettings = z.object({
  REDIS_URL: RedisNodeUrl.optional().describe(
    'A single Redis node (BullMQ, rate limits, cancellation); leave unset with Cluster or Sentinel.',
  ),
  REDIS_CLUSTER_NODES: RedisNodeList.optional().describe(
    'Redis Cluster seed nodes, `host:port,host:port`; QUEUE_PREFIX must then hold a {hash tag}.',
  ),
  REDIS_SENTINELS: RedisNodeList.optional().describe(
    'Redis Sentinel addresses, `host:port,host:port`; set with REDIS_SENTINEL_MASTER.',
  ),
  REDIS_SENTINEL_MASTER: z.string().min(1).optional().describe('The master name the sentinels monitor.'),
  REDIS_SENTINEL_PASSWORD: z
    .string()
    .optional()
    .describe("The sentinels' own password, when they require one."),
  REDIS_USERNAME: z
    .string()
    .optional()
    .describe("ACL user of the Cluster or Sentinel-managed nodes (a single node's goes in REDIS_URL)."),
  REDIS_PASSWORD: z
    .string()
    .optional()
    .describe("Password of the Cluster or Sentinel-managed nodes (a single node's goes in REDIS_URL)."),
  ...RedisTlsSettingsSchema.shape,
});

export const RedisTopology = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('single'),
    url: z.string(),
    /** Only with a `rediss://` URL: what the server's certificate is checked against. */
    tls: RedisTls.optional(),
  }),
  z.object({
    kind: z.literal('cluster'),
    /** Seed nodes: the client learns the rest of the cluster from any one of them. */
    nodes: z.array(RedisNode).min(1),
    username: z.string().optional(),
    password: z.string().optional(),
    /** Set: every node, including those learnt from the seeds, is reached over TLS. */
    tls: RedisTls.optional(),
  }),
  z.object({
    kind: z.literal('sentinel'),
    masterName: z.string().min(1),
    sentinels: z.array(RedisNode).min(1),
    /** Of the master and replicas. */
    username: z.string().optional(),
    password: z.string().optional(),
    /** Of the sentinels themselves, when they require one. */
    sentinelPassword: z.string().optional(),
    /** Set: the master and replicas are reached over TLS. */
    tls: RedisTls.optional(),
    /** Set: the sentinels themselves are reached over TLS. */
    sentinelTls: RedisTls.optional(),
  }),
]);
export type RedisTopology = z.infer<typeof RedisTopology>;

/** The parsed settings a topology is made from (the same names in every process's schema). */
export interface RedisTopologySettings extends RedisTlsSettings {
  REDIS_URL?: string | undefined;
  REDIS_CLUSTER_NODES?: RedisNode[] | undefined;
  REDIS_SENTINELS?: RedisNode[] | undefined;
  REDIS_SENTINEL_MASTER?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  QUEUE_PREFIX: string;
}

/**
 * The topology the settings describe; each bad combination is added to `problems` (and a
 * single-node default returned) so the caller reports all of its settings' problems at once.
 */
export function redisTopology(settings: RedisTopologySettings, problems: string[]): RedisTopology {
  const cluster = settings.REDIS_CLUSTER_NODES;
  const sentinels = settings.REDIS_SENTINELS;
  const credentials = {
    ...(settings.REDIS_USERNAME ? { username: settings.REDIS_USERNAME } : {}),
    ...(settings.REDIS_PASSWORD ? { password: settings.REDIS_PASSWORD } : {}),
  };
  const before = problems.length;
  if (cluster && sentinels) problems.push('REDIS_CLUSTER_NODES and REDIS_SENTINELS: set one or neither');
  if ((cluster || sentinels) && settings.REDIS_URL)
    problems.push(
      `REDIS_URL: leave unset with ${cluster ? 'REDIS_CLUSTER_NODES' : 'REDIS_SENTINELS'} (the nodes come from there)`,
    );
  if (!cluster && !sentinels && (settings.REDIS_USERNAME || settings.REDIS_PASSWORD))
    problems.push(
      'REDIS_USERNAME / REDIS_PASSWORD: only for Cluster or Sentinel; put a single node’s in REDIS_URL',
    );
  if (!sentinels && (settings.REDIS_SENTINEL_MASTER || settings.REDIS_SENTINEL_PASSWORD))
    problems.push('REDIS_SENTINEL_MASTER / REDIS_SENTINEL_PASSWORD: need REDIS_SENTINELS');
  if (sentinels && !settings.REDIS_SENTINEL_MASTER)
    problems.push(
      'REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS (the master name the sentinels monitor)',
    );
  // BullMQ's scripts touch several keys of a queue at once; in a cluster they must share a slot.
  if (cluster && !/\{[^{}]+\}/.test(settings.QUEUE_PREFIX))
    problems.push(
      `QUEUE_PREFIX: must contain a {hash tag} with REDIS_CLUSTER_NODES, e.g. {gpuq} (got ${JSON.stringify(settings.QUEUE_PREFIX)})`,
    );
  const url = settings.REDIS_URL ?? DEFAULT_REDIS_URL;
  const nodesTls = cluster || sentinels ? settings.REDIS_TLS === true : url.startsWith('rediss://');
  const sentinelTls = sentinels !== undefined && settings.REDIS_SENTINEL_TLS === true;
  tlsProblems(
    settings,
    { nodesTls, sentinelTls, topology: Boolean(cluster || sentinels), sentinels: Boolean(sentinels) },
    problems,
  );
  const tls = nodesTls || sentinelTls ? redisTlsOptions(settings, problems) : {};
  if (problems.length > before) return { kind: 'single', url: DEFAULT_REDIS_URL };
  const nodesTlsOption = nodesTls ? { tls } : {};
  if (cluster) return { kind: 'cluster', nodes: cluster, ...credentials, ...nodesTlsOption };
  if (sentinels)
    return {
      kind: 'sentinel',
      masterName: settings.REDIS_SENTINEL_MASTER ?? '',
      sentinels,
      ...credentials,
      ...(settings.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: settings.REDIS_SENTINEL_PASSWORD } : {}),
      ...nodesTlsOption,
      ...(sentinelTls ? { sentinelTls: tls } : {}),
    };
  // The URL's scheme already turns TLS on; only a CA or server name needs saying.
  return { kind: 'single', url, ...(Object.keys(tls).length > 0 ? { tls } : {}) };
}

/** TLS settings that would be silently ignored are mistakes: each is named. */
function tlsProblems(
  settings: RedisTlsSettings,
  used: { nodesTls: boolean; sentinelTls: boolean; topology: boolean; sentinels: boolean },
  problems: string[],
): void {
  if (settings.REDIS_TLS !== undefined && !used.topology)
    problems.push('REDIS_TLS: only for Cluster or Sentinel; a single node uses a rediss:// REDIS_URL');
  if (settings.REDIS_SENTINEL_TLS !== undefined && !used.sentinels)
    problems.push('REDIS_SENTINEL_TLS: needs REDIS_SENTINELS');
  if (used.nodesTls || used.sentinelTls) return;
  for (const name of ['REDIS_TLS_CA_FILE', 'REDIS_TLS_SERVERNAME'] as const)
    if (settings[name])
      problems.push(
        `${name}: no Redis connection uses TLS (set a rediss:// REDIS_URL, REDIS_TLS or REDIS_SENTINEL_TLS)`,
      );
}

/** Where the topology points, for logs: never a password. */
export function describeRedisTopology(topology: RedisTopology): string {
  const list = (nodes: RedisNode[]) => nodes.map((node) => `${node.host}:${node.port}`).join(',');
  const overTls = topology.tls ? ' over TLS' : '';
  if (topology.kind === 'cluster') return `cluster via ${list(topology.nodes)}${overTls}`;
  if (topology.kind === 'sentinel')
    return `sentinel master ${topology.masterName}${overTls} via ${list(topology.sentinels)}${topology.sentinelTls ? ' over TLS' : ''}`;
  const url = new URL(topology.url);
  url.password = url.password ? '***' : '';
  return `single ${url.toString()}`;
}
