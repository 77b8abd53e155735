/**
 * A signing key for storage URLs derived from a master secret the api already holds (such as
 * `CALLBACK_SECRET`), so no new setting is needed, and a leaked storage URL key says nothing about
 * the callback key: each purpose gets HMAC(master, label).
 */
import { createHmac } from 'node:crypto';

export function deriveStorageUrlSecret(
  masterSecret: string | Uint8Array,
  label = 'gpuq-storage-url-v1',
): Buffer {
  if (masterSecret.length === 0) throw new RangeError('master secret is empty');
  return createHmac('sha256', masterSecret).update(label).digest();
}
