/**
 * Per-key (per-user) request limits over a RateLimitStore. While the store is down or slow the
 * limiter lets requests through (fail-open) and logs it: a rate limit protects the service, and
 * refusing every request because Redis blinked would do more harm than a minute without limits.
 */
import type { Logger } from '@gpuq/logger';
import { RateLimitStoreError } from './errors/rate-limit-store-error.js';
import { RateLimitedError } from './errors/rate-limited-error.js';
import type { RateLimitDecision } from './rate-limit-decision.js';
import { FIXED_WINDOW } from './scripts/fixed-window.js';
import { SLIDING_WINDOW } from './scripts/sliding-window.js';
import { slidingRetryAfterMs } from './sliding-retry.js';
import type { RateLimitStore } from './store/rate-limit-store.js';
import { StoreHealth } from './store-health.js';

export type RateLimitAlgorithm = 'fixed-window' | 'sliding-window';

export interface RateLimiterOptions {
  store: RateLimitStore;
  /** Hits allowed per window (RATE_LIMIT_PER_MIN with the default window). */
  limit: number;
  /** Window length. Default 60 000 ms. */
  windowMs?: number;
  /** Default `sliding-window`: no double burst at window edges. */
  algorithm?: RateLimitAlgorithm;
  /** Key prefix. Default `gpuq:rl`; each caller's keys share a `{key}` hash tag for Redis Cluster. */
  prefix?: string;
  /** Give up on the store after this long and let the hit through. Default 500 ms. */
  timeoutMs?: number;
  /** Where fail-open warnings go. */
  logger?: Logger;
  /** Least time between two fail-open warnings. Default 30 000 ms. */
  warnEveryMs?: number;
  /** Clock for the sliding window's boundaries (tests). Default Date.now. */
  now?: () => number;
}

export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly algorithm: RateLimitAlgorithm;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly health: StoreHealth;

  constructor(private readonly options: RateLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1)
      throw new RangeError('limit must be a positive integer');
    this.limit = options.limit;
    this.windowMs = options.windowMs ?? 60_000;
    this.algorithm = options.algorithm ?? 'sliding-window';
    this.prefix = options.prefix ?? 'gpuq:rl';
    this.timeoutMs = options.timeoutMs ?? 500;
    this.now = options.now ?? Date.now;
    this.health = new StoreHealth(options.logger, options.store.kind, options.warnEveryMs ?? 30_000);
  }

  /** Counts one hit for `key` and says whether it is allowed. Never rejects for store trouble. */
  async hit(key: string): Promise<RateLimitDecision> {
    try {
      const decision = await this.withTimeout(
        this.algorithm === 'fixed-window' ? this.hitFixed(key) : this.hitSliding(key),
      );
      this.health.succeeded();
      return decision;
    } catch (error) {
      this.health.failed(error);
      return {
        allowed: true,
        limit: this.limit,
        remaining: this.limit,
        retryAfterMs: 0,
        resetMs: 0,
        degraded: true,
      };
    }
  }

  /** Like hit, but throws RateLimitedError (429) when refused. */
  async enforce(key: string): Promise<RateLimitDecision> {
    const decision = await this.hit(key);
    if (!decision.allowed) throw new RateLimitedError(decision);
    return decision;
  }

  private async hitFixed(key: string): Promise<RateLimitDecision> {
    const reply = await this.options.store.runScript(
      FIXED_WINDOW,
      [`${this.prefix}:fw:{${key}}`],
      [String(this.limit), String(this.windowMs)],
    );
    const [allowed, count, ttl] = readTriple(reply);
    return {
      allowed: allowed === 1,
      limit: this.limit,
      remaining: Math.max(0, this.limit - count),
      retryAfterMs: allowed === 1 ? 0 : ttl,
      resetMs: ttl,
      degraded: false,
    };
  }

  private async hitSliding(key: string): Promise<RateLimitDecision> {
    const now = this.now();
    const window = Math.floor(now / this.windowMs);
    const elapsedMs = now - window * this.windowMs;
    const base = `${this.prefix}:sw:{${key}}`;
    const reply = await this.options.store.runScript(
      SLIDING_WINDOW,
      [`${base}:${window}`, `${base}:${window - 1}`],
      [String(this.limit), String(this.windowMs), String(elapsedMs)],
    );
    const [allowed, current, previous] = readTriple(reply);
    const estimate = (previous * (this.windowMs - elapsedMs)) / this.windowMs + current;
    const counts = { previous, current, limit: this.limit, windowMs: this.windowMs, elapsedMs };
    return {
      allowed: allowed === 1,
      limit: this.limit,
      remaining: Math.max(0, Math.floor(this.limit - estimate)),
      retryAfterMs: allowed === 1 ? 0 : slidingRetryAfterMs(counts),
      resetMs: this.windowMs - elapsedMs,
      degraded: false,
    };
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RateLimitStoreError(
              `${this.options.store.kind} store gave no answer within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }
}

function readTriple(reply: unknown): [number, number, number] {
  if (Array.isArray(reply) && reply.length === 3 && reply.every((n) => typeof n === 'number')) {
    return reply as [number, number, number];
  }
  throw new RateLimitStoreError(`unexpected rate limit script reply: ${JSON.stringify(reply)}`);
}
