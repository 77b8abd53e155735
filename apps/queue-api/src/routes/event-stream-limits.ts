/**
 * How many event streams each user holds open across every api instance sharing a Redis: one
 * sorted set per user of the streams' ids, scored by when each one's lease ends (Redis's clock,
 * so instances' clocks need not agree). A stream takes a slot when it opens, renews its lease
 * while it runs, and gives the slot back when it ends, however it ends; the slots of an instance
 * that died without a word lapse with their leases.
 *
 * While Redis does not answer, a stream opens anyway (fail-open, as the rate limiter does): the
 * cap guards against a runaway client, and refusing every stream because Redis blinked would do
 * more harm than a minute without it.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@gpuq/logger';
import type { RedisClient } from '@gpuq/queue';

/** KEYS[1] the user's set; ARGV: max slots, lease ms, stream id. Returns 1 when taken, 0 when full. */
const TAKE = `
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('zremrangebyscore', KEYS[1], '-inf', now)
if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('zadd', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('pexpire', KEYS[1], ARGV[2])
return 1`;

/** KEYS[1] the user's set; ARGV: lease ms, stream id. Extends a slot still held; returns 1 if so. */
const RENEW = `
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local renewed = redis.call('zadd', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[2])
redis.call('pexpire', KEYS[1], ARGV[1])
return renewed`;

export interface StreamSlot {
  /** Extends the lease; call more often than `leaseMs`. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

export interface StreamSlotsOptions {
  redis: RedisClient;
  /** Key prefix (the queue prefix): deployments sharing a Redis count apart. */
  prefix: string;
  maxPerHolder: number;
  logger: Logger;
  /** How long a slot outlives its last renewal. Default 60 000 ms. */
  leaseMs?: number;
  /** Longest wait for Redis before the stream opens uncounted. Default 500 ms. */
  timeoutMs?: number;
}

/** A slot that counts nothing: the service role's streams, and any opened while Redis is down. */
export const UNCOUNTED_SLOT: StreamSlot = { renew: async () => {}, release: async () => {} };

export class StreamSlots {
  readonly maxPerHolder: number;
  readonly leaseMs: number;

  constructor(private readonly options: StreamSlotsOptions) {
    this.maxPerHolder = options.maxPerHolder;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /** The slot, or null when the holder already has every slot on every instance. */
  async take(holder: string): Promise<StreamSlot | null> {
    const key = `${this.options.prefix}:event-streams:${holder}`;
    const id = randomUUID();
    let taken: unknown;
    try {
      taken = await this.bounded(this.options.redis.eval(TAKE, 1, key, this.maxPerHolder, this.leaseMs, id));
    } catch (error) {
      this.options.logger.warn(
        { err: (error as Error).message },
        'event stream opened uncounted: Redis did not answer',
      );
      return UNCOUNTED_SLOT;
    }
    if (taken !== 1) return null;
    let released = false;
    return {
      renew: async () => {
        if (released) return;
        await this.bounded(this.options.redis.eval(RENEW, 1, key, this.leaseMs, id)).catch(() => undefined);
      },
      release: async () => {
        if (released) return;
        released = true;
        await this.bounded(this.options.redis.zrem(key, id)).catch(() => undefined);
      },
    };
  }

  private bounded<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('Redis did not answer in time')),
        this.options.timeoutMs ?? 500,
      );
    });
    return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
  }
}
