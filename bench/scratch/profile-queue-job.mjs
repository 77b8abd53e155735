// Scratch: closed-loop queue-job against a no-worker stack, queue-api under --cpu-prof.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startGpuqStack } from '../dist/stacks/gpuq-stack.js';
import { runLoad } from '../dist/util/load.js';
import { summariseProfile } from '../dist/profile/cpu-profile.js';
import { REQUEST_BODY } from '../dist/scenarios/job-data.js';
const dir = `/tmp/qprof-${Date.now()}`;
mkdirSync(dir, { recursive: true });
const prof = process.env.PROF !== '0';
const stack = await startGpuqStack(64, { workers: 0, concurrency: 1, ...(prof ? { cpuProfDir: dir } : {}) });
const body = JSON.stringify(REQUEST_BODY);
const req = { url: stack.enqueueUrl, method: 'POST', body, headersFor: stack.headersFor, connections: 16 };
await runLoad({ ...req, amount: 64 });
await runLoad({ ...req, amount: 2000 });
const n = Number(process.env.N ?? 6000);
const r = await runLoad({ ...req, amount: n });
console.log(JSON.stringify(r));
await stack.stop();
if (prof) {
  const folder = join(dir, 'queue-api');
  const file = readdirSync(folder).find((e) => e.endsWith('.cpuprofile'));
  const s = summariseProfile(join(folder, file));
  console.log(JSON.stringify(s, null, 1).slice(0, 12000));
  console.log(join(folder, file));
}
process.exit(0);
