/**
 * Sliding window, approximated from two fixed windows: the previous window's count weighted by
 * how much of it still overlaps the sliding window, plus the current count. Two counters per
 * caller instead of a log of timestamps; bursts at a window edge are smoothed. The caller passes
 * how far into the current window it is, so the window boundaries come from one clock (the api's).
 * A refused hit is not counted, so a client that keeps retrying is not locked out longer.
 */
import { defineScript } from './lua-script.js';

export const SLIDING_WINDOW = defineScript(
  'sliding-window',
  `
-- KEYS[1]  counter of the current window
-- KEYS[2]  counter of the previous window
-- ARGV[1]  limit (hits allowed per window)
-- ARGV[2]  window length in ms
-- ARGV[3]  ms elapsed in the current window
-- returns  { allowed (1 or 0), current count after this call, previous count }
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local elapsed = tonumber(ARGV[3])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * (window - elapsed) / window + current >= limit then
  return { 0, current, previous }
end
current = redis.call('INCR', KEYS[1])
if current == 1 then
  -- Kept one window past its own, while it is the next window's "previous".
  redis.call('PEXPIRE', KEYS[1], window * 2)
end
return { 1, current, previous }
`,
);
