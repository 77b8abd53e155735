/**
 * Fixed window anchored at a caller's first hit: the counter expires `window` ms after that hit.
 * Redis's own clock times the window (PEXPIRE/PTTL), so api instances with skewed clocks agree.
 * A refused hit is not counted: hammering neither grows the count nor moves the reset.
 */
import { defineScript } from './lua-script.js';

export const FIXED_WINDOW = defineScript(
  'fixed-window',
  `
-- KEYS[1]  the caller's counter
-- ARGV[1]  limit (hits allowed per window)
-- ARGV[2]  window length in ms
-- returns  { allowed (1 or 0), count after this call, ms until the window resets }
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local allowed = 0
if count < limit then
  allowed = 1
  count = redis.call('INCR', KEYS[1])
end
local ttl = redis.call('PTTL', KEYS[1])
-- -1: a counter without expiry (new, or left by an interrupted write) must still reset.
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
return { allowed, count, ttl }
`,
);
