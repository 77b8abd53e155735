/**
 * The store for hosts that reach Redis only over HTTP: Upstash's REST protocol through
 * @upstash/redis. Retries are off and each request has a deadline, because the limiter would
 * rather let a request through than keep it waiting on a slow endpoint.
 */
import { Redis } from '@upstash/redis';
import type { LuaScript } from '../scripts/lua-script.js';
import { isNoScriptError, type RateLimitStore } from './rate-limit-store.js';

export interface UpstashStoreOptions {
  /** UPSTASH_REDIS_REST_URL. */
  url: string;
  /** UPSTASH_REDIS_REST_TOKEN. */
  token: string;
  /** Per-request deadline. Default 1 000 ms. */
  timeoutMs?: number;
}

export class UpstashStore implements RateLimitStore {
  readonly kind = 'upstash';
  readonly client: Redis;

  constructor(options: UpstashStoreOptions) {
    const timeoutMs = options.timeoutMs ?? 1_000;
    this.client = new Redis({
      url: options.url,
      token: options.token,
      retry: { retries: 0 },
      signal: () => AbortSignal.timeout(timeoutMs),
      // Our scripts return integers; never JSON.parse replies behind our back.
      automaticDeserialization: false,
      enableTelemetry: false,
      readYourWrites: false,
    });
  }

  async runScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.client.evalsha(script.sha1, keys, args);
    } catch (error) {
      if (!isNoScriptError(error)) throw error;
      return this.client.eval(script.source, keys, args);
    }
  }

  // HTTP: no connection to release.
  async close(): Promise<void> {}
}
