/**
 * Constant-time comparison of a presented secret with the configured one. Both sides are hashed
 * first so the comparison takes the same time whatever the lengths: timingSafeEqual alone throws
 * on a length mismatch, and an early length check would leak the key's length.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
