/**
 * The minimal hand-written path's HTTP side, the yardstick for (b) and (d): bare Hono, one pg
 * transaction (charge the user's credit row, insert the task), queue.add; a callback route that
 * is one pg update; and a hello route. No auth, validation, limits, logs or metrics, on purpose:
 * the gap to queue-api is what those cost.
 * Settings: PORT, DATABASE_URL, REDIS_URL, QUEUE_PREFIX.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { handwrittenPool } from '../util/handwritten-pool.js';
import { inTransaction } from '../util/pg-transaction.js';
import { serveRole } from '../util/serve-role.js';

const pool = handwrittenPool(process.env.DATABASE_URL);
const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const queue = new Queue('sdxl_queue', { connection, prefix: process.env.QUEUE_PREFIX ?? '{gpuq-bench-hw}' });

const app = new Hono();
app.get('/hello', (c) => c.text('hello'));

app.post('/enqueue', async (c) => {
  const userId = c.req.header('x-user-id') ?? 'anonymous';
  const body = await c.req.json();
  const taskId = randomUUID();
  await inTransaction(pool, async (client) => {
    // The credit row serialises one user's requests, as queue-job's reservation does.
    await client.query(
      `insert into bench_credits (user_id, credits) values ($1, 1000000)
       on conflict (user_id) do update set credits = bench_credits.credits - 1`,
      [userId],
    );
    await client.query('insert into bench_tasks (id, user_id, body) values ($1, $2, $3)', [
      taskId,
      userId,
      body,
    ]);
  });
  await queue.add('job', { taskId, userId, body }, { jobId: taskId });
  return c.json({ id: taskId });
});

app.post('/callback', async (c) => {
  const { taskId } = await c.req.json<{ taskId: string }>();
  await pool.query(`update bench_tasks set status = 'completed', updated_at = now() where id = $1`, [taskId]);
  return c.json({ ok: true });
});

serveRole(app, () => Promise.all([queue.close(), pool.end()]));
