/**
 * What every Redis topology must survive, run the same way on each: all ten job types end to
 * end, then the Redis master killed mid-run with jobs queued, running and still being submitted.
 * Judged from Postgres (the drill's audit) and the api's job records, never from our own counters.
 */
import type { JobRecord } from '@gpuq/job-types';
import { JOB_CATALOG, JobType } from '@gpuq/job-types';
import { expect } from 'vitest';
import { audit } from '../src/audit.js';
import { type Drill, type DrillRedis, type DrillUser, sleep } from '../src/drill.js';

export interface FailoverReport {
  /** From the kill until the topology names a new master. */
  recoveredMs: number;
  /** From the kill until the last job submitted during the failover was accepted. */
  acceptedAllMs: number;
  /** From the kill until every job finished. */
  settledMs: number;
  jobs: number;
  lost: number;
  duplicated: number;
  ledgerMismatches: number;
}

/** The queue's synthetic workers: one per fleet, each job a few short steps. */
export async function startFleets(drill: Drill<DrillRedis>): Promise<void> {
  await drill.fleet.start('sdxl-1', { queue: 'sdxl_queue', steps: 4, stepMs: 100 });
  await drill.fleet.start('wan-1', { queue: 'wan_queue', steps: 4, stepMs: 100 });
}

async function jobRecord(drill: Drill<DrillRedis>, user: DrillUser, id: string): Promise<JobRecord> {
  const response = await drill.api.request(`/v1/jobs/${id}`, { token: user.token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { job: JobRecord }).job;
}

/** What one run of a job type stores: a video and its poster, or one image (the synthetic worker's). */
function expectedOutputs(jobType: string): string[] {
  return JOB_CATALOG[jobType as JobType].preset.frames > 1 ? ['video', 'poster'] : ['image'];
}

/**
 * Where an unfinished job is, for the failure message: its task row and its BullMQ job (state,
 * attempts, the reason of a failure), so a run that leaves one behind says which part held it.
 */
async function whereIs(drill: Drill<DrillRedis>, id: string): Promise<string> {
  const { rows } = await drill.direct.query(
    `select task_type, status, claimed_by, worker_id, attempts, bullmq_attempt, created_at, updated_at
       from public.tasks where id = $1`,
    [id],
  );
  const task = rows[0];
  if (!task) return 'no task row';
  const queue = drill.api.services.queues.queue(JOB_CATALOG[task.task_type as JobType].queue);
  const job = await queue.getJob(id).catch((error: unknown) => error as Error);
  const inRedis =
    job instanceof Error
      ? `BullMQ unreadable: ${job.message}`
      : job
        ? `BullMQ ${await job.getState()}, attemptsMade ${job.attemptsMade}, started ${job.attemptsStarted}, ` +
          `failedReason ${job.failedReason ?? '-'}, processedOn ${job.processedOn ?? '-'}`
        : 'no BullMQ job';
  return `task ${JSON.stringify(task)}; ${inRedis}`;
}

/** Each job finished Complete with its outputs recorded once, and the credits add up (the drill's audit). */
async function expectEachCompletedOnce(
  drill: Drill<DrillRedis>,
  jobs: readonly { user: DrillUser; id: string }[],
) {
  const report = await audit(
    drill.direct,
    jobs.map((job) => job.id),
    [...new Set(jobs.map((job) => job.user))].map((user) => user.id),
  );
  for (const { user, id } of jobs) {
    const record = await jobRecord(drill, user, id);
    const where = record.status === 'completed' ? '' : await whereIs(drill, id);
    expect(record.status, `${id}: ${record.error ?? ''} ${where}`).toBe('completed');
    expect(record.outputs.map((output) => output.kind)).toEqual(expectedOutputs(record.jobType));
  }
  return report;
}

export async function expectAllJobTypesComplete(drill: Drill<DrillRedis>): Promise<void> {
  const users = await drill.users(JobType.options.length);
  const jobs = await Promise.all(
    JobType.options.map(async (jobType, index) => {
      const user = users[index]!;
      return { user, id: await drill.submitUntilAccepted(user, jobType, 30_000) };
    }),
  );
  await drill.settle(
    jobs.map((job) => job.id),
    90_000,
  );
  const report = await expectEachCompletedOnce(drill, jobs);
  expect(report).toEqual({ lost: 0, duplicated: 0, completed: JobType.options.length, ledgerMismatches: 0 });
}

/**
 * Sixteen jobs of every type queued, the master killed once two have completed, eight more
 * submitted while it fails over (each client retrying with its Idempotency-Key until accepted).
 */
export async function killMasterMidRun(
  drill: Drill<DrillRedis>,
  killMaster: () => Promise<{ recoveredMs: number }>,
): Promise<FailoverReport> {
  const users = await drill.users(8);
  const typeOf = (index: number) => JobType.options[index % JobType.options.length]!;
  const before = await Promise.all(
    Array.from({ length: 16 }, async (_, index) => {
      const user = users[index % users.length]!;
      return { user, id: await drill.submitUntilAccepted(user, typeOf(index), 30_000) };
    }),
  );
  const completed = async () => {
    const states = await Promise.all(before.map((job) => drill.status(job.id)));
    return states.filter((state) => state?.status === 'Complete').length;
  };
  expect(await drill.waitFor(async () => (await completed()) >= 2, 60_000)).toBe(true);
  const killedAt = Date.now();
  const failover = killMaster();
  await sleep(100);
  const during = await Promise.all(
    users.map(async (user, index) => ({
      user,
      id: await drill.submitUntilAccepted(user, typeOf(index + 3), 60_000),
    })),
  );
  const acceptedAllMs = Date.now() - killedAt;
  const { recoveredMs } = await failover;
  const jobs = [...before, ...during];
  await drill.settle(
    jobs.map((job) => job.id),
    120_000,
  );
  const settledMs = Date.now() - killedAt;
  const report = await expectEachCompletedOnce(drill, jobs);
  return {
    recoveredMs,
    acceptedAllMs,
    settledMs,
    jobs: jobs.length,
    lost: report.lost,
    duplicated: report.duplicated,
    ledgerMismatches: report.ledgerMismatches,
  };
}
