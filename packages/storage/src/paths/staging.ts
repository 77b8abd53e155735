/**
 * Where the BullMQ fleet writes a job's outputs before the job-callback service accepts its
 * `completed` report: the same `<userId>/<taskId>/<filename>` path as the final object, in this
 * bucket. No storage route serves it publicly and nothing records a URL of it; the service moves
 * (`Storage.move`) each reported file to the job's own bucket when it records the completion, so a
 * refused completion (a cancelled, failed or fenced-off task) leaves nothing anybody can read.
 * On Supabase it must be a private bucket (migration `staging_bucket` creates it).
 */
export const STAGING_BUCKET = 'staging';
