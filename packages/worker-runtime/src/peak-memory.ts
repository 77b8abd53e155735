/**
 * Peak resident memory of this process over one job, for the job's result metadata. Linux keeps
 * the high-water mark of resident memory (VmHWM in /proc/self/status) and resets it to the
 * current size when "5" is written to /proc/self/clear_refs, so each job measures its own peak:
 * weights the engine keeps resident plus the job's activations. Elsewhere: null. With
 * WORKER_CONCURRENCY above 1 the peak covers every job running at the same time. A GPU's memory
 * is not in it: the models add the engine's device peak as `peakDeviceMemoryBytes`.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Starts a measurement; the returned function gives the peak in bytes since then. */
export function measurePeakMemory(): () => number | null {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    return () => null;
  }
  return () => {
    try {
      const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
      return kb === undefined ? null : Number(kb) * 1024;
    } catch {
      return null;
    }
  };
}
