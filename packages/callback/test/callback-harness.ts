/**
 * A real job-callback service for tests: its own Postgres database (migrated), the Hono app served
 * over HTTP on a free port with local storage and its signed-URL routes beside it (as queue-api
 * mounts them), and helpers that create tasks the way queue-api does.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCallbackCredential } from '@gpuq/callback-client/signing';
import {
  createTask,
  type Database,
  ensureDefaultProject,
  ensureProfile,
  getProfile,
  listLedger,
  migrate,
  openDatabase,
  type Queryable,
  type Task,
} from '@gpuq/db';
import {
  JOB_CATALOG,
  type JobType,
  QueueJobRequest,
  resolveGenerationParams,
  type TaskType,
} from '@gpuq/job-types';
import { createLogger } from '@gpuq/logger';
import { createStorageRoutes, LocalFileStorage } from '@gpuq/storage';
import { createTestDatabase, freePort, type TestDatabase } from '@gpuq/testing';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createCallbackApp } from '../src/server/callback-app.js';

export const CALLBACK_SECRET = 'callback-secret-for-tests-0123456789';

export interface Harness {
  db: Database;
  url: string;
  port: number;
  /** The service's storage (files in a temp folder, served at `/storage/v1`). */
  storage: LocalFileStorage;
  userId: string;
  projectId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
  createJob(
    jobType: TaskType,
    params?: Record<string, unknown>,
  ): Promise<{ task: Task; credential: JobCredential }>;
  credits(): Promise<number>;
  ledger(taskId: string): Promise<string[]>;
  count(table: string, taskId: string): Promise<number>;
  /** Postgres statements the callback service has sent since the last call (begin/commit count). */
  takeStatements(): number;
}

export interface JobCredential {
  taskId: string;
  callbackToken: string;
  callbackExpiresAt: number;
}

export async function startHarness(): Promise<Harness> {
  const testDb: TestDatabase = await createTestDatabase('callback');
  const db = await openDatabase({ url: testDb.url, poolSize: 8 });
  await migrate(db);
  const userId = randomUUID();
  await ensureProfile(db, { userId, signupCredits: 100 });
  const project = await ensureDefaultProject(db, { userId });
  const port = await freePort();
  const counted = countingDatabase(db);
  const storageDir = mkdtempSync(join(tmpdir(), 'gpuq-callback-storage-'));
  const storageSecret = 'storage-secret-for-tests-0123456789';
  const storage = new LocalFileStorage({
    rootDir: storageDir,
    baseUrl: `http://127.0.0.1:${port}/storage/v1`,
    secret: storageSecret,
  });
  const app = new Hono()
    .route(
      '/',
      createCallbackApp({
        db: counted.db,
        callbackSecret: CALLBACK_SECRET,
        logger: createLogger({ name: 'callback-test', level: 'silent' }),
        storageBaseUrls: [`http://127.0.0.1:${port}/storage/v1`],
        storage,
      }),
    )
    .route('/storage/v1', createStorageRoutes({ storage, secret: storageSecret }));
  let server: ServerType | undefined;
  const harness: Harness = {
    db,
    port,
    storage,
    url: `http://127.0.0.1:${port}/functions/v1/job-callback`,
    userId,
    projectId: project.id,
    async start() {
      await new Promise<void>((resolve) => {
        server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve());
      });
    },
    async stop() {
      const running = server;
      server = undefined;
      if (running) await new Promise((resolve) => running.close(resolve));
    },
    async close() {
      await harness.stop();
      await db.close();
      await testDb.drop();
      rmSync(storageDir, { recursive: true, force: true });
    },
    async createJob(taskType, params) {
      const generation = (JOB_CATALOG as Record<string, unknown>)[taskType]
        ? resolveGenerationParams(
            QueueJobRequest.parse({ jobType: taskType, metadata: { prompt: 'a lighthouse' } }),
            () => 42,
          )
        : {};
      const { task } = await createTask(db, {
        userId,
        projectId: project.id,
        taskType,
        params: { ...generation, ...params },
        cost: JOB_CATALOG[taskType as JobType]?.credits,
      });
      const credential = issueCallbackCredential(CALLBACK_SECRET, task.id);
      return {
        task,
        credential: {
          taskId: task.id,
          callbackToken: credential.token,
          callbackExpiresAt: credential.expiresAt,
        },
      };
    },
    async credits() {
      return (await getProfile(db, userId))!.credits;
    },
    async ledger(taskId) {
      return (await listLedger(db, { userId, taskId })).map((entry) => `${entry.kind}:${entry.amount}`);
    },
    takeStatements: counted.take,
    async count(table, taskId) {
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from public.${table} where task_id = $1`,
        [taskId],
      );
      return rows[0]!.n;
    },
  };
  await harness.start();
  return harness;
}

/** The service's database with every statement counted: a transaction is begin + its work + commit. */
function countingDatabase(db: Database): { db: Database; take(): number } {
  let statements = 0;
  const counted = <Q extends Queryable>(inner: Q): Queryable => ({
    query: (sql, params) => {
      statements += 1;
      return inner.query(sql, params);
    },
    exec: (sql) => {
      statements += 1;
      return inner.exec(sql);
    },
  });
  return {
    db: {
      ...db,
      ...counted(db),
      kind: db.kind,
      repeatable: counted(db.repeatable),
      transaction: (work) => {
        statements += 2;
        return db.transaction((tx) => work(counted(tx)));
      },
      listen: (channel, onPayload) => db.listen(channel, onPayload),
      close: () => db.close(),
    },
    take() {
      const taken = statements;
      statements = 0;
      return taken;
    },
  };
}
