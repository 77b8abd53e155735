/**
 * The ETA's unit, the mean run time of a task type's recent jobs, kept for a few seconds per
 * type. The query is cheap (index tasks_type_status_processed_idx), but it was one Postgres round
 * trip on every queue-job answer; an ETA a few seconds old is as good as a fresh one, since a
 * mean over the last 20 jobs barely moves in that time. lru-cache shares one query among
 * concurrent requests and keeps no failed reading.
 */
import { type Database, recentDurationSeconds } from '@gpuq/db';
import { LRUCache } from 'lru-cache';

export interface RecentDurationCacheOptions {
  db: Database;
  /** How long one reading is used. Default 5 s. */
  ttlMs?: number;
}

export class RecentDurationCache {
  // Boxed: lru-cache stores no null, and "no job finished yet" is a reading worth keeping.
  private readonly readings: LRUCache<string, { seconds: number | null }>;

  constructor(options: RecentDurationCacheOptions) {
    this.readings = new LRUCache({
      max: 100,
      ttl: options.ttlMs ?? 5_000,
      fetchMethod: async (taskType) => ({ seconds: await recentDurationSeconds(options.db, { taskType }) }),
    });
  }

  /** Mean seconds per job of `taskType`, or null before any has finished. */
  async seconds(taskType: string): Promise<number | null> {
    return (await this.readings.fetch(taskType))?.seconds ?? null;
  }
}
