/**
 * What the limiter needs from a store: run one of its Lua scripts atomically. Both limits are
 * scripts (check-then-increment must be atomic across api instances), so the same script runs
 * on Redis over TCP (ioredis) and over Upstash's REST protocol, and the two cannot drift apart.
 */
import type { LuaScript } from '../scripts/lua-script.js';

export interface RateLimitStore {
  /** For logs: `ioredis` or `upstash`. */
  readonly kind: string;
  /** Runs `script` with KEYS and ARGV; rejects when the store cannot be reached. */
  runScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /** Releases connections the store opened itself (never a client it was given). */
  close(): Promise<void>;
}

/** Redis answers NOSCRIPT when EVALSHA names a script it has not cached (yet, or since a restart). */
export function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && /NOSCRIPT/i.test(error.message);
}
