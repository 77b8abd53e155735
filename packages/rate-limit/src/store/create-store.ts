/**
 * Picks the store from settings: Upstash's REST protocol when both UPSTASH_REDIS_REST_URL and
 * UPSTASH_REDIS_REST_TOKEN are set, otherwise Redis at REDIS_URL (or a client the app shares).
 */
import type { Cluster, Redis } from 'ioredis';
import { RateLimitConfigError } from '../errors/rate-limit-config-error.js';
import { IoredisStore } from './ioredis-store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { UpstashStore } from './upstash-store.js';

export interface RateLimitStoreSettings {
  /** REDIS_URL, used when Upstash is not configured and no client is given. */
  redisUrl?: string | undefined;
  /** A client to share instead of opening a connection from `redisUrl`. */
  redisClient?: Redis | Cluster | undefined;
  upstashUrl?: string | undefined;
  upstashToken?: string | undefined;
  /** Per-request deadline of the store's own client. */
  timeoutMs?: number | undefined;
}

export function createRateLimitStore(settings: RateLimitStoreSettings): RateLimitStore {
  const { upstashUrl, upstashToken } = settings;
  if (upstashUrl && upstashToken) {
    return new UpstashStore({ url: upstashUrl, token: upstashToken, timeoutMs: settings.timeoutMs ?? 1_000 });
  }
  if (upstashUrl || upstashToken) {
    throw new RateLimitConfigError(
      'UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together: set both, or neither to use REDIS_URL',
    );
  }
  if (settings.redisClient) return new IoredisStore({ client: settings.redisClient });
  if (!settings.redisUrl)
    throw new RateLimitConfigError('no rate limit store: set REDIS_URL or the Upstash pair');
  return new IoredisStore({ url: settings.redisUrl, commandTimeoutMs: settings.timeoutMs ?? 500 });
}
