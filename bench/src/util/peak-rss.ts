/**
 * Peak resident memory of a process, from Linux's /proc (VmHWM, the high-water mark). Read just
 * before a child is stopped; null where /proc is not there (other systems) or the process is gone.
 */
import { readFileSync } from 'node:fs';

export function peakRssMiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** This process's own peak, from Node (kB on Linux). */
export function ownPeakRssMiB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}
