// Scratch: (a) with CPU per job of each side's worker, the producer and Redis.
import { randomUUID } from 'node:crypto';
import { createRedis, JobQueues, jobOptions } from '@gpuq/queue';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { Queue } from 'bullmq';
import { startRole } from '../dist/util/child.js';
import { processCpuS } from '../dist/util/cpu-time.js';
import { redisCpuS } from '../dist/util/redis-cpu.js';
import { mapLimit, waitUntil } from '../dist/util/wait.js';
import { resolveJobData } from '../dist/scenarios/job-data.js';
const C = 16, N = Number(process.env.N ?? 3000), R = Number(process.env.R ?? 4);
const variants = (process.env.V ?? 'raw,ours').split(',');
const producer = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'p' });
const data = resolveJobData();
const sides = {};
const mk = (name, workerMode, add) => {
  const prefix = uniqueQueuePrefix('sc-' + name);
  const child = startRole('queue-worker', { label: name, env: { MODE: workerMode, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, QUEUE: 'sdxl_queue', CONCURRENCY: String(C) } });
  const queue = new Queue('sdxl_queue', { connection: producer, prefix });
  const jq = new JobQueues({ connection: producer, prefix });
  sides[name] = { child, queue, add: () => add(queue, jq) };
};
const all = {
  raw: () => mk('raw', 'raw', (q) => q.add('sdxl_image_fast', data)),
  ours: () => mk('ours', 'gpuq', (q, jq) => jq.enqueue('sdxl_queue', resolveJobData(), { maxAttempts: 3 })),
  rawW_ourOpts: () => mk('rawW_ourOpts', 'raw', (q) => q.add('sdxl_image_fast', data, jobOptions(randomUUID(), { maxAttempts: 3 }))),
  ourW_rawOpts: () => mk('ourW_rawOpts', 'gpuq', (q) => q.add('sdxl_image_fast', data)),
  rawW_countOnly: () => mk('rawW_countOnly', 'raw', (q) => { const o = jobOptions(randomUUID(), { maxAttempts: 3 }); o.removeOnComplete = { count: 10000 }; return q.add('sdxl_image_fast', data, o); }),
  rawW_ageOnly: () => mk('rawW_ageOnly', 'raw', (q) => { const o = jobOptions(randomUUID(), { maxAttempts: 3 }); o.removeOnComplete = { age: 86400 }; return q.add('sdxl_image_fast', data, o); }),
  rawW_removeOnly: () => mk('rawW_removeOnly', 'raw', (q) => q.add('sdxl_image_fast', data, { jobId: randomUUID(), removeOnComplete: { age: 86400, count: 10000 } })),
  rawW_noRemove: () => mk('rawW_noRemove', 'raw', (q) => { const o = jobOptions(randomUUID(), { maxAttempts: 3 }); delete o.removeOnComplete; return q.add('sdxl_image_fast', data, o); }),
};
for (const v of variants) all[v]();
for (const s of Object.values(sides)) await s.child.waitFor('ready');
const res = {};
async function run(name, n) {
  const s = sides[name];
  const st = async () => Object.fromEntries((await producer.info('commandstats')).split('\n').filter((l) => l.startsWith('cmdstat_')).map((l) => { const m = /cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(l); return [m[1], [Number(m[2]), Number(m[3])]]; }));
  const c0 = await st();
  const w0 = processCpuS(s.child.process.pid), p0 = process.cpuUsage(), r0 = await redisCpuS();
  const t0 = performance.now();
  await mapLimit(Array.from({ length: n }), C, s.add);
  await waitUntil(async () => (await s.queue.getCompletedCount()) >= n, name, { intervalMs: 5 });
  const dt = (performance.now() - t0) / 1000;
  const w1 = processCpuS(s.child.process.pid), p1 = process.cpuUsage(p0), r1 = await redisCpuS();
  const c1 = await st();
  const diff = Object.fromEntries(Object.entries(c1).map(([k, v]) => [k, [((v[0] - (c0[k]?.[0] ?? 0)) / n).toFixed(2), ((v[1] - (c0[k]?.[1] ?? 0)) / n).toFixed(1)]]).filter(([, v]) => Number(v[0]) > 0.01));
  if (process.env.STATS) console.log(name, JSON.stringify(diff));
  await s.queue.clean(0, 1_000_000, 'completed');
  return { jps: Math.round(n / dt), workerUs: Math.round((w1 - w0) * 1e6 / n), producerUs: Math.round((p1.user + p1.system) / n), redisUs: Math.round((r1 - r0) * 1e6 / n) };
}
for (const v of variants) await run(v, N / 4);
for (let i = 0; i < R; i++) for (const v of variants) (res[v] ??= []).push(await run(v, N));
for (const v of variants) console.log(v, JSON.stringify(res[v]));
for (const s of Object.values(sides)) { await s.child.stop(); await s.queue.obliterate({ force: true }).catch(() => {}); await s.queue.close(); }
producer.disconnect();
process.exit(0);
