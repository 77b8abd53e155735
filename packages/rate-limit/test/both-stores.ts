/**
 * For a test file that runs on both stores: a private redis-server (stoppable), the Upstash REST
 * server in front of it, and an ioredis and an Upstash store over them, opened before the file's
 * tests and closed after them.
 */
import { type PrivateRedis, startPrivateRedis } from '@gpuq/testing';
import { afterAll, beforeAll } from 'vitest';
import { IoredisStore } from '../src/store/ioredis-store.js';
import { UpstashStore } from '../src/store/upstash-store.js';
import { startUpstashRestServer, type UpstashRestServer } from '../src/testing/upstash-rest-server.js';

export interface BothStores {
  redis: PrivateRedis;
  upstashServer: UpstashRestServer;
  ioredis: IoredisStore;
  upstash: UpstashStore;
}

export function useBothStores(): BothStores {
  const stores = {} as BothStores;
  beforeAll(async () => {
    stores.redis = await startPrivateRedis();
    stores.upstashServer = await startUpstashRestServer({ redisUrl: stores.redis.url, token: 't' });
    stores.ioredis = new IoredisStore({ url: stores.redis.url });
    await stores.ioredis.ready();
    stores.upstash = new UpstashStore({ url: stores.upstashServer.url, token: 't' });
  });
  afterAll(async () => {
    await stores.ioredis?.close();
    await stores.upstashServer?.close();
    await stores.redis?.destroy();
  });
  return stores;
}
