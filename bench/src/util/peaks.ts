/** Peak RSS per process across a run; a label seen twice keeps its larger peak. */
export class PeakLog {
  readonly byProcess: Record<string, number | null> = {};

  add(scenario: string, peaks: Record<string, number | null>): void {
    for (const [label, mib] of Object.entries(peaks)) {
      const key = `${scenario}: ${label}`;
      const before = this.byProcess[key];
      this.byProcess[key] = before == null ? mib : mib == null ? before : Math.max(before, mib);
    }
  }
}
