/**
 * Failure backoff: a caller's failures are counted (forgotten `memory` ms after the last one);
 * from the `maxFailures`-th on, each failure locks the caller out for base·2^(failures − max) ms,
 * capped. Redis's clock times the lock, so api instances agree.
 */
import { defineScript } from './lua-script.js';

export const RECORD_FAILURE = defineScript(
  'record-failure',
  `
-- KEYS[1]  the caller's failure count
-- KEYS[2]  the caller's lock
-- ARGV[1]  failures allowed before a lock
-- ARGV[2]  first lock in ms
-- ARGV[3]  longest lock in ms
-- ARGV[4]  ms after the last failure that the count is forgotten
-- returns  { failures so far, ms locked from now (0: not locked) }
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
local over = failures - tonumber(ARGV[1])
if over < 0 then
  return { failures, 0 }
end
local lock = math.min(tonumber(ARGV[2]) * math.pow(2, math.min(over, 30)), tonumber(ARGV[3]))
lock = math.floor(lock)
redis.call('SET', KEYS[2], '1', 'PX', lock)
return { failures, lock }
`,
);

export const LOCKED_FOR = defineScript(
  'locked-for',
  `
-- KEYS[1]  the caller's lock
-- returns  ms until the lock ends (0: not locked)
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  return 0
end
return ttl
`,
);

export const FORGET_FAILURES = defineScript(
  'forget-failures',
  `
-- KEYS[1]  the caller's failure count
-- KEYS[2]  the caller's lock
redis.call('DEL', KEYS[1], KEYS[2])
return 0
`,
);
