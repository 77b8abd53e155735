/**
 * Throttles guessing (sign-in attempts) rather than use: only failures count. After `maxFailures`
 * failures a caller is locked out for `baseLockMs`, and every failure after that doubles the lock
 * (up to `maxLockMs`); a success forgets the caller's failures. While the store is down or slow,
 * nobody is locked out (fail-open, logged as the limiter does).
 */
import type { Logger } from '@gpuq/logger';
import { RateLimitStoreError } from './errors/rate-limit-store-error.js';
import { FORGET_FAILURES, LOCKED_FOR, RECORD_FAILURE } from './scripts/failure-backoff.js';
import type { RateLimitStore } from './store/rate-limit-store.js';
import { StoreHealth } from './store-health.js';

export interface FailureBackoffOptions {
  store: RateLimitStore;
  /** Failures allowed before the first lock. */
  maxFailures: number;
  /** The first lock. */
  baseLockMs: number;
  /** The longest lock. Default one hour. */
  maxLockMs?: number;
  /** How long after the last failure the count is forgotten. Default one day. */
  memoryMs?: number;
  /** Key prefix. Default `gpuq:fb`. */
  prefix?: string;
  /** Store answer deadline. Default 500 ms. */
  timeoutMs?: number;
  logger?: Logger;
}

export class FailureBackoff {
  private readonly health: StoreHealth;

  constructor(private readonly options: FailureBackoffOptions) {
    if (!Number.isInteger(options.maxFailures) || options.maxFailures < 1)
      throw new RangeError('maxFailures must be a positive integer');
    this.health = new StoreHealth(options.logger, options.store.kind, 30_000);
  }

  /** Ms until `key` may try again; 0 when it may now. */
  async lockedFor(key: string): Promise<number> {
    return this.run(async () => {
      const reply = await this.options.store.runScript(LOCKED_FOR, [this.lockKey(key)], []);
      return readNumber(reply);
    });
  }

  /** Counts a failure; answers the lock it starts (ms), 0 when none. */
  async recordFailure(key: string): Promise<number> {
    return this.run(async () => {
      const reply = await this.options.store.runScript(
        RECORD_FAILURE,
        [this.countKey(key), this.lockKey(key)],
        [
          String(this.options.maxFailures),
          String(this.options.baseLockMs),
          String(this.options.maxLockMs ?? 3_600_000),
          String(this.options.memoryMs ?? 86_400_000),
        ],
      );
      if (Array.isArray(reply) && reply.length === 2) return readNumber(reply[1]);
      throw new RateLimitStoreError(`unexpected failure backoff reply: ${JSON.stringify(reply)}`);
    });
  }

  /** Forgets `key`'s failures (after a success). */
  async forget(key: string): Promise<void> {
    await this.run(async () => {
      await this.options.store.runScript(FORGET_FAILURES, [this.countKey(key), this.lockKey(key)], []);
      return 0;
    });
  }

  private countKey(key: string): string {
    return `${this.options.prefix ?? 'gpuq:fb'}:{${key}}:failures`;
  }

  private lockKey(key: string): string {
    return `${this.options.prefix ?? 'gpuq:fb'}:{${key}}:lock`;
  }

  private async run(work: () => Promise<number>): Promise<number> {
    const timeoutMs = this.options.timeoutMs ?? 500;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RateLimitStoreError(`${this.options.store.kind} store gave no answer within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
    });
    try {
      const answer = await Promise.race([work(), deadline]);
      this.health.succeeded();
      return answer;
    } catch (error) {
      this.health.failed(error);
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }
}

function readNumber(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  throw new RateLimitStoreError(`unexpected failure backoff reply: ${JSON.stringify(reply)}`);
}
