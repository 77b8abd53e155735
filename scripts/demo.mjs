/**
 * The main job on embedded defaults: starts what is not running (Redis if needed, queue-api on
 * embedded PGlite, both workers on CPU with the generated tiny checkpoints), queues one job of each
 * of the ten types as a demo user, shows progress live, prints where each output landed, then runs
 * a three-segment travel through the task protocol on the WAN fleet, and exits.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { JobType } from '../packages/job-types/dist/index.js';
import { runDemoTravel } from './lib/demo-travel.mjs';
import { devUserToken } from './lib/dev-token.mjs';
import { createJobTable } from './lib/job-table.mjs';
import { startStack } from './lib/stack.mjs';

// The ten job types, from the routing catalog itself (built by `turbo run build` before this runs).
const JOB_TYPES = JobType.options;
const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_S ?? 600) * 1000;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

console.log(
  'gpuq demo: starting Redis (if needed), queue-api (embedded PGlite) and both workers (CPU, tiny checkpoints)...',
);
const stack = await startStack({ echo: process.env.DEMO_ECHO === '1' });
let exitCode = 0;
try {
  console.log(
    `queue-api at ${stack.apiUrl}  (Bull Board: ${stack.apiUrl}/admin/queues, API docs: ${stack.apiUrl}/docs)\n`,
  );
  const token = devUserToken(stack.secrets.SUPABASE_JWT_SECRET, randomUUID());
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const ids = [];
  for (const jobType of JOB_TYPES) {
    const response = await fetch(`${stack.apiUrl}/functions/v1/queue-job`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jobType,
        metadata: { prompt: 'a lighthouse on a cliff at dusk, waves below', seed: 42 },
      }),
    });
    const body = await response.json();
    if (!response.ok && response.status !== 202)
      throw new Error(`queue-job ${jobType} answered ${response.status}: ${JSON.stringify(body)}`);
    ids.push(body.job.id);
  }
  const table = createJobTable();
  const deadline = Date.now() + TIMEOUT_MS;
  let jobs = [];
  while (true) {
    jobs = await Promise.all(
      ids.map(async (id) => (await (await fetch(`${stack.apiUrl}/v1/jobs/${id}`, { headers })).json()).job),
    );
    table.update(jobs);
    if (jobs.every((job) => TERMINAL.has(job.status))) break;
    if (Date.now() > deadline) {
      console.log(`\nstopped waiting after ${TIMEOUT_MS / 1000} s`);
      exitCode = 1;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  console.log('\nWhere the outputs landed:');
  const storageRoot = join(stack.dataDir, 'storage');
  for (const job of jobs) {
    if (job.status !== 'completed') {
      console.log(`  ${job.jobType.padEnd(24)} ${job.status}: ${job.error ?? ''}`);
      continue;
    }
    for (const output of job.outputs) {
      const path = new URL(output.url).pathname.replace(/^\/storage\/v1\/object\/sign\//, '');
      console.log(
        `  ${job.jobType.padEnd(24)} ${output.kind.padEnd(6)} ${join(storageRoot, decodeURIComponent(path))}`,
      );
      console.log(`  ${''.padEnd(24)} ${''.padEnd(6)} ${output.url}`);
    }
  }
  const completed = jobs.filter((job) => job.status === 'completed').length;
  console.log(
    `\n${completed} of ${jobs.length} jobs completed; each job's record: ${stack.apiUrl}/v1/jobs/<id> (with the demo user's token).`,
  );
  if (completed < jobs.length) exitCode = 1;

  console.log(
    '\nA travel: 3 segments of 17 frames, overlaps 4 and 4, rendered and stitched by the WAN fleet...',
  );
  const travel = await runDemoTravel({ apiUrl: stack.apiUrl, headers, timeoutMs: TIMEOUT_MS });
  if (travel?.status !== 'completed') {
    console.log(`  travel ${travel ? `${travel.status}: ${travel.error ?? ''}` : 'did not finish in time'}`);
    exitCode = 1;
  } else {
    const video = travel.outputs.find((output) => output.kind === 'video');
    console.log(`  travel completed (17 + 17 + 17 − 4 − 4 = 43 frames): ${video?.url ?? 'no video'}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(exitCode);
