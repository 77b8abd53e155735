/**
 * What the task protocol can be tuned by, with their defaults (docs/CONFIGURATION.md). The api maps
 * its environment variables onto these once at start-up; this package never reads process.env.
 */
import type { Authenticator } from '@gpuq/auth';
import type { Database, Task } from '@gpuq/db';
import type { Logger } from '@gpuq/logger';
import type { Storage } from '@gpuq/storage';

export interface TaskProtocolSettings {
  /** UPLOAD_BASE64_MAX_BYTES: largest decoded file complete-task takes inline. Default 2 MiB. */
  uploadBase64MaxBytes?: number;
  /** Lifetime of generate-upload-url's signed PUT URLs, in seconds. Default 3600. */
  uploadUrlTtlSeconds?: number;
  /**
   * How a stored output is recorded in `output_location` and answered as `public_url`: `public`
   * (default, the seed's behaviour: serve the task buckets publicly) or `signed` (a GET URL that
   * works for `signedUrlTtlSeconds`).
   */
  outputUrls?: 'public' | 'signed';
  /** Lifetime of signed output URLs, in seconds. Default 7 days. */
  signedUrlTtlSeconds?: number;
  /** Base URLs of this system's storage (`…/storage/v1`): reported URLs are read back as paths. */
  storageBaseUrls?: readonly string[];
  /** TASK_HEARTBEAT_TIMEOUT_S, for the stale-claim reaper. Default 1800. */
  heartbeatTimeoutSeconds?: number;
  /** JOB_MAX_ATTEMPTS, for the stale-claim reaper. Default 3. */
  maxAttempts?: number;
}

export type ResolvedSettings = Required<TaskProtocolSettings>;

export const DEFAULT_SETTINGS: ResolvedSettings = {
  uploadBase64MaxBytes: 2 * 1024 * 1024,
  uploadUrlTtlSeconds: 3600,
  outputUrls: 'public',
  signedUrlTtlSeconds: 7 * 24 * 3600,
  storageBaseUrls: [],
  heartbeatTimeoutSeconds: 1800,
  maxAttempts: 3,
};

export function resolveSettings(settings: TaskProtocolSettings = {}): ResolvedSettings {
  const defined = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_SETTINGS, ...defined };
}

/**
 * The per-user limits queue-job applies, which create-task applies too: queue-api hands the same
 * object to both, so a user has one budget across the routes that create work.
 */
export interface WorkLimits {
  /** Counts one work-creating request of the user; throws the limiter's 429 past the limit. */
  rateLimit(userId: string): Promise<void>;
  /** MAX_JOBS_IN_FLIGHT: most tasks of one user Queued or In Progress at once; null for none. */
  maxInFlight: number | null;
}

export interface TaskProtocolDeps {
  db: Database;
  storage: Storage;
  logger: Logger;
  /**
   * Puts a claimable protocol task on our own BullMQ fleet (queue-api builds the job data and
   * callback credential). Called only once every dependency of the task is Complete. Absent:
   * protocol tasks are served to pull-workers only.
   */
  enqueue?: (task: Task) => Promise<void>;
  /**
   * Stops our BullMQ fleet's job of a task that update-task-status (or the rpc) just failed or
   * cancelled, as `POST /v1/jobs/:id/cancel` does: a waiting job leaves the queue, a running one is
   * told to abort. queue-api supplies it. Absent: a running job stops at its next progress report,
   * which the callback service refuses (409).
   */
  stopJob?: (task: Pick<Task, 'id' | 'taskType'>) => Promise<void>;
  /**
   * Authenticates requests that reach these routes without a principal (always the rpc routes,
   * whose errors must be PostgREST-shaped; the functions when the app mounted no authMiddleware).
   */
  authenticator?: Authenticator;
  /**
   * Applied to create-task by a user (JWT or personal access token); absent: no limits. The
   * service role is not a user: pull-worker fleets creating a travel's child tasks are not
   * throttled (their owner pays for each, and was limited when creating the parent).
   */
  limits?: WorkLimits;
  settings?: TaskProtocolSettings;
}

/** The deps every route handler uses, settings resolved once. */
export interface RouteContext extends Omit<TaskProtocolDeps, 'settings'> {
  settings: ResolvedSettings;
}
