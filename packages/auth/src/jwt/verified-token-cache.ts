/**
 * Remembers tokens that verified, so a client sending the same JWT on every request pays for one
 * signature check, not one per request. A verified token stays valid until its `exp`, and the
 * same bytes verify the same way until then under the same secret; the cache keeps an entry no
 * longer than that and never longer than `maxAgeMs`. Only successes are kept: a refused token is
 * checked again each time. Keys are SHA-256 digests, so the process holds no usable token.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../principal.js';

export interface VerifiedTokenCacheOptions {
  /** Most tokens kept; the least recently used go first. Default 10 000. */
  maxEntries?: number;
  /** Longest time an entry is trusted. Default 60 000 ms. */
  maxAgeMs?: number;
  /** Milliseconds since the epoch; tests move it. Default Date.now. */
  now?: () => number;
}

export interface VerifiedTokenCache {
  get(token: string): Principal | undefined;
  /** Keeps `principal` until the token's `exp`, at most `maxAgeMs`. */
  set(token: string, principal: Principal, expiresAtMs: number): void;
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64');

export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions = {}): VerifiedTokenCache {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const entries = new LRUCache<string, { principal: Principal; untilMs: number }>({
    max: options.maxEntries ?? 10_000,
  });
  return {
    get(token) {
      const key = digest(token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      // A copy: a caller that changes its principal must not change the next request's.
      if (now() < entry.untilMs) return { ...entry.principal };
      entries.delete(key);
      return undefined;
    },
    set(token, principal, expiresAtMs) {
      const untilMs = Math.min(expiresAtMs, now() + maxAgeMs);
      if (untilMs > now()) entries.set(digest(token), { principal, untilMs });
    },
  };
}
