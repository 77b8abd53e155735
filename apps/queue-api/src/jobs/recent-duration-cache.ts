/**
 * The ETA's unit, the mean run time of a task type's recent jobs, kept for a few seconds per
 * type. The query is cheap (index tasks_type_status_processed_idx), but it was one Postgres round
 * trip on every queue-job answer; an ETA a few seconds old is as good as a fresh one, since a
 * mean over the last 20 jobs barely moves in that time.
 */
import { type Database, recentDurationSeconds } from '@gpuq/db';

export interface RecentDurationCacheOptions {
  db: Database;
  /** How long one reading is used. Default 5 s. */
  ttlMs?: number;
}

export class RecentDurationCache {
  private readonly readings = new Map<string, { at: number; seconds: Promise<number | null> }>();
  private readonly ttlMs: number;

  constructor(private readonly options: RecentDurationCacheOptions) {
    this.ttlMs = options.ttlMs ?? 5_000;
  }

  /** Mean seconds per job of `taskType`, or null before any has finished. */
  seconds(taskType: string): Promise<number | null> {
    const now = Date.now();
    const cached = this.readings.get(taskType);
    if (cached && now - cached.at < this.ttlMs) return cached.seconds;
    // Concurrent requests share one query; a failed one is not kept.
    const seconds = recentDurationSeconds(this.options.db, { taskType });
    this.readings.set(taskType, { at: now, seconds });
    seconds.catch(() => {
      if (this.readings.get(taskType)?.seconds === seconds) this.readings.delete(taskType);
    });
    return seconds;
  }
}
