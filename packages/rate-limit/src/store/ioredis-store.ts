/**
 * The default store: Redis over TCP through ioredis. Built from a URL, its connection fails fast
 * while Redis is down (no offline queue, short timeouts) so a request is never held waiting for
 * a reconnect; it keeps reconnecting in the background. Given a client, it uses it as is.
 */
import { type Cluster, Redis } from 'ioredis';
import type { LuaScript } from '../scripts/lua-script.js';
import { isNoScriptError, type RateLimitStore } from './rate-limit-store.js';

export type IoredisStoreOptions =
  | {
      /** A client the app owns (and closes): a node, a Sentinel-managed master or a Cluster. */ client:
        | Redis
        | Cluster;
    }
  | {
      /** REDIS_URL. */
      url: string;
      /** Per-command timeout. Default 500 ms. */
      commandTimeoutMs?: number;
      /** Connect timeout. Default 2 000 ms. */
      connectTimeoutMs?: number;
    };

export class IoredisStore implements RateLimitStore {
  readonly kind = 'ioredis';
  readonly client: Redis | Cluster;
  private readonly owned: boolean;

  constructor(options: IoredisStoreOptions) {
    if ('client' in options) {
      this.client = options.client;
      this.owned = false;
      return;
    }
    this.client = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: options.connectTimeoutMs ?? 2_000,
      // Never give up reconnecting: the limiter fails open meanwhile and recovers by itself.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Connection errors surface as rejected commands, which the limiter logs (rate-limited).
    this.client.on('error', () => {});
    this.owned = true;
  }

  /** Resolves once connected; commands sent earlier fail (and the limiter lets them through). */
  async ready(timeoutMs = 5_000): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        reject(new Error(`redis not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.client.once('ready', onReady);
    });
  }

  async runScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.client.evalsha(script.sha1, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScriptError(error)) throw error;
      return this.client.eval(script.source, keys.length, ...keys, ...args);
    }
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    // quit() waits for a reply that never comes while Redis is down.
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }
}
