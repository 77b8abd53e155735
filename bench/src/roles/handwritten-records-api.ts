/**
 * The hand-written path's HTTP side again, writing the records ours writes (the second yardstick
 * of (b)): bare Hono and plain SQL on our own migrated schema (its indexes, triggers and
 * constraints), so the gap to queue-api is what our code costs, not what the records cost.
 * Per job, as ours: enqueue charges the credit, logs the reservation and inserts the task; a claim
 * marks it In Progress for its worker; a completion moves the worker's file out of staging, marks
 * the task Complete (the schema's trigger records the generation), records the image and settles
 * the credit with its ledger row. Still no auth, validation, limits, logs or metrics, and the
 * worker's requests are not signed.
 * Settings: PORT, DATABASE_URL, REDIS_URL, QUEUE_PREFIX, DATA_DIR.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { handwrittenPool } from '../util/handwritten-pool.js';
import { inTransaction } from '../util/pg-transaction.js';
import { serveRole } from '../util/serve-role.js';

const pool = handwrittenPool(process.env.DATABASE_URL);
const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const queue = new Queue('sdxl_queue', { connection, prefix: process.env.QUEUE_PREFIX ?? '{gpuq-bench-hwr}' });
const dataDir = process.env.DATA_DIR ?? '/tmp/gpuq-bench-hwr';
const TASK_TYPE = 'sdxl_image_fast';
const COST = 1;

const app = new Hono();

app.post('/enqueue', async (c) => {
  const userId = c.req.header('x-user-id') ?? '';
  const body = await c.req.json();
  const taskId = randomUUID();
  const projectId = await inTransaction(pool, async (client) => {
    // The credit row serialises one user's requests, as queue-job's reservation does.
    const charged = await client.query(
      'update profiles set credits = credits - $2 where id = $1 and credits >= $2 returning credits',
      [userId, COST],
    );
    const project = await client.query('select id from projects where user_id = $1 and is_default', [userId]);
    await client.query(
      `insert into tasks (id, task_type, params, project_id, user_id, cost) values ($1, $2, $3, $4, $5, $6)`,
      [taskId, TASK_TYPE, body, project.rows[0].id, userId, COST],
    );
    await client.query(
      `insert into credit_ledger (user_id, task_id, kind, amount, balance_after)
       values ($1, $2, 'reservation', $3, $4)`,
      [userId, taskId, -COST, charged.rows[0].credits],
    );
    return project.rows[0].id as string;
  });
  await queue.add('job', { taskId, userId, projectId, body }, { jobId: taskId });
  return c.json({ id: taskId });
});

app.post('/claim', async (c) => {
  const { taskId, workerId } = await c.req.json<{ taskId: string; workerId: string }>();
  const { rowCount } = await pool.query(
    `update tasks set status = 'In Progress', claimed_by = 'bullmq', worker_id = $2,
       claimed_at = now(), heartbeat_at = now(), generation_started_at = now()
     where id = $1 and status = 'Queued'`,
    [taskId, workerId],
  );
  return rowCount === 1 ? c.json({ ok: true }) : c.json({ error: 'not queued' }, 409);
});

app.post('/complete', async (c) => {
  const { taskId, userId, filename } = await c.req.json<{
    taskId: string;
    userId: string;
    filename: string;
  }>();
  const path = `${userId}/${taskId}/${filename}`;
  const target = join(dataDir, TASK_TYPE, path);
  await mkdir(dirname(target), { recursive: true });
  await rename(join(dataDir, 'staging', path), target);
  await inTransaction(pool, async (client) => {
    const done = await client.query(
      `update tasks set status = 'Complete', output_location = $2, generation_processed_at = now()
       where id = $1 and status = 'In Progress' returning project_id, params`,
      [taskId, path],
    );
    const task = done.rows[0];
    await client.query(
      `insert into images (user_id, project_id, task_id, generation_id, storage_path, prompt)
       select $1, $2, $3, g.id, $4, $5 from generations g where g.task_id = $3`,
      [userId, task.project_id, taskId, path, task.params.metadata?.prompt ?? null],
    );
    const settled = await client.query(
      'update profiles set credits = credits + 0 where id = $1 returning credits',
      [userId],
    );
    await client.query(
      `insert into credit_ledger (user_id, task_id, kind, amount, balance_after)
       values ($1, $2, 'settlement', 0, $3)`,
      [userId, taskId, settled.rows[0].credits],
    );
  });
  return c.json({ ok: true });
});

serveRole(app, () => Promise.all([queue.close(), pool.end()]));
