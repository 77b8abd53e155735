/** Many jobs from many users, and a worker that reports one completion many times at once. */
import { randomUUID } from 'node:crypto';
import { CallbackRejectedError, createCallbackClient } from '@gpuq/callback-client';
import type { QueueJobData } from '@gpuq/job-types';
import { callbackOutputs, storeOutputs, workerStorage } from '@gpuq/worker-runtime';
import type { Drill, Row } from '../drill.js';
import { verdict } from './verdict.js';

export async function manyUsers(drill: Drill): Promise<Row> {
  await Promise.all([
    drill.fleet.start('load-a', { steps: 2, stepMs: 20, concurrency: 10 }),
    drill.fleet.start('load-b', { steps: 2, stepMs: 20, concurrency: 10 }),
  ]);
  const users = await drill.users(20);
  const accepted = (
    await Promise.all(
      users.map(async (user) => {
        const ids: string[] = [];
        for (let i = 0; i < 10; i += 1) ids.push(await drill.submitUntilAccepted(user));
        return ids;
      }),
    )
  ).flat();
  await drill.settle(accepted, 240_000);
  await drill.fleet.stopAll();
  return verdict(drill, {
    scenario: '200 jobs from 20 users',
    expected: '200 complete once; every balance exact',
    accepted,
    users,
  });
}

const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export async function racingCompletions(drill: Drill): Promise<Row> {
  const users = await drill.users(3);
  // sdxl_queue has no worker in the drills: this process plays the worker, through the callback.
  const accepted = await Promise.all(users.map((user) => drill.submitUntilAccepted(user, 'sdxl_image_fast')));
  const callbackUrl = `${drill.api.url}/functions/v1/job-callback`;
  const client = createCallbackClient({ url: callbackUrl, maxElapsedMs: 30_000 });
  const storageFor = workerStorage({ kind: 'api', client, dataDir: '', callbackUrl });
  const answers = new Map<string, number>();
  const count = (label: string) => answers.set(label, (answers.get(label) ?? 0) + 1);
  for (const id of accepted) {
    const job = await drill.api.services.queues.queue('sdxl_queue').getJob(id);
    const data = job?.data as QueueJobData | undefined;
    if (!data) continue;
    await client.send(data, { status: 'processing', attempt: 1, workerId: 'racer' });
    const stored = await storeOutputs(storageFor(data), data, [
      { kind: 'image', filename: 'image-0.png', contentType: 'image/png', bytes: PNG_1X1 },
    ]);
    const completed = {
      status: 'completed' as const,
      attempt: 1,
      workerId: 'racer',
      ...callbackOutputs(stored),
    };
    const reports = [
      ...Array.from({ length: 8 }, () => completed),
      { status: 'processing' as const, attempt: 1, workerId: 'racer', progress: 0.5 },
      { ...completed, workerId: `racer-${randomUUID().slice(0, 4)}` },
    ];
    const send = (report: Parameters<typeof client.send>[1]) =>
      client.send(data, report).then(
        () => count('accepted'),
        (error: unknown) =>
          count(error instanceof CallbackRejectedError ? `rejected ${error.status}` : 'error'),
      );
    await Promise.all(reports.map(send));
    // A failure sent after the completions settled must change nothing. (Sent among them, it
    // may land first, and then the task rightly ends Failed: first terminal report wins.)
    await send({ status: 'failed', attempt: 1, workerId: 'racer', errorMessage: 'late failure' });
  }
  return verdict(drill, {
    scenario: 'duplicate and racing completions',
    expected: '10 racing reports per job, then a late failure; one settlement each',
    accepted,
    users,
    notes: [...answers].map(([label, n]) => `${n} ${label}`).join(', '),
    notesOk: !answers.has('error'),
  });
}
