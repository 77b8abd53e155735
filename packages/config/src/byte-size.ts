/**
 * A memory size setting: a number of bytes, or a number with a unit (`24GB`, `80 GiB`, `512MB`).
 * KB/MB/GB/TB are powers of 1000 as memory vendors print them on cards; KiB/MiB/GiB/TiB powers
 * of 1024 as `free` and nvidia-smi report them.
 */
import { z } from 'zod';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[match?.[2]?.toLowerCase() ?? 'none'];
  if (!match || unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

export const ByteSize = z.string().transform((text, ctx) => {
  const bytes = parseByteSize(text);
  if (bytes === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a positive size in bytes or with a unit (e.g. 24GB, 80GiB), got "${text}"`,
    });
    return z.NEVER;
  }
  return bytes;
});
