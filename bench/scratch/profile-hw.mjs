import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHandwrittenStack } from '../dist/stacks/handwritten-stack.js';
import { runLoad } from '../dist/util/load.js';
import { summariseProfile } from '../dist/profile/cpu-profile.js';
import { REQUEST_BODY } from '../dist/scenarios/job-data.js';
const dir = `/tmp/hwprof-${Date.now()}`;
mkdirSync(dir, { recursive: true });
const stack = await startHandwrittenStack({ workers: 0, concurrency: 1, cpuProfDir: dir });
const body = JSON.stringify(REQUEST_BODY);
const req = { url: stack.enqueueUrl, method: 'POST', body, headersFor: stack.headersFor, connections: 16 };
await runLoad({ ...req, amount: 2000 });
const r = await runLoad({ ...req, amount: 6000 });
console.log(JSON.stringify(r));
await stack.stop();
for (const f of readdirSync(dir)) { const folder = join(dir, f); const file = readdirSync(folder).find((e) => e.endsWith('.cpuprofile')); if (!file) continue; const s = summariseProfile(join(folder, file)); console.log(f, s.busyMs, JSON.stringify(s.topFunctions.slice(0, 8).map((x) => [x.name, x.ms]))); }
process.exit(0);
