/**
 * A real task-protocol server for tests: its own migrated Postgres database, local storage in a
 * temporary folder served by the storage routes, the auth middleware as queue-api mounts it, and
 * the protocol app, all over HTTP on a free port. Two users with a project each, and the tokens a
 * pull-worker would hold.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorHandler } from '@gpuq/api-errors';
import { authMiddleware, createAuthenticator, signDevJwt } from '@gpuq/auth';
import {
  createApiToken,
  type Database,
  ensureDefaultProject,
  ensureProfile,
  getProfile,
  getTask,
  migrate,
  openDatabase,
  type Task,
} from '@gpuq/db';
import { notFound } from '@gpuq/http';
import type { TokenScopeName } from '@gpuq/job-types';
import { createLogger } from '@gpuq/logger';
import { createStorageRoutes, LocalFileStorage } from '@gpuq/storage';
import { createTestDatabase, databaseAccess, freePort, type TestDatabase } from '@gpuq/testing';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type TaskProtocolDeps, type TaskProtocolSettings, taskProtocolRoutes } from '../src/index.js';

export const SERVICE_KEY = 'service-role-key-for-protocol-tests';
export const JWT_SECRET = 'jwt-secret-for-protocol-tests-0123456789';
const STORAGE_SECRET = 'storage-secret-for-protocol-tests';

export interface TestUser {
  userId: string;
  projectId: string;
  jwt: string;
  pat: string;
}

export interface Harness {
  db: Database;
  storage: LocalFileStorage;
  base: string;
  storageBase: string;
  deps: TaskProtocolDeps;
  alice: TestUser;
  bob: TestUser;
  /** POST a JSON body with a bearer token, as the Python worker does with httpx. */
  post(
    path: string,
    token: string | undefined,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  task(taskId: string): Promise<Task>;
  credits(userId: string): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  label: string;
  settings?: TaskProtocolSettings;
  enqueue?: TaskProtocolDeps['enqueue'];
}

async function makeUser(db: Database, credits: number): Promise<TestUser> {
  const userId = randomUUID();
  await ensureProfile(db, { userId, signupCredits: credits });
  const project = await ensureDefaultProject(db, { userId });
  const jwt = await signDevJwt({ secret: JWT_SECRET, userId });
  const { token } = await createApiToken(db, { userId, name: 'worker', scope: 'tasks' });
  return { userId, projectId: project.id, jwt, pat: token };
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const testDb: TestDatabase = await createTestDatabase(options.label);
  // Through a pooler of its own under TEST_DATABASE_POOLER=pgbouncer.
  const access = await databaseAccess(testDb.url);
  const db = await openDatabase({ ...access, poolSize: 30 });
  await migrate(db);
  const rootDir = await mkdtemp(join(tmpdir(), `gpuq-${options.label}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const storageBase = `${base}/storage/v1`;
  const storage = new LocalFileStorage({ rootDir, baseUrl: storageBase, secret: STORAGE_SECRET });
  const logger = createLogger({ name: options.label, level: 'silent' });
  const authenticator = createAuthenticator({
    serviceRoleKey: SERVICE_KEY,
    jwtSecret: JWT_SECRET,
    lookupPersonalAccessToken: async (hash) => {
      const { rows } = await db.query<{ user_id: string; revoked_at: Date | null; scope: TokenScopeName }>(
        'select user_id, revoked_at, scope from public.user_api_tokens where token_hash = $1',
        [hash],
      );
      return rows[0]
        ? { userId: rows[0].user_id, revokedAt: rows[0].revoked_at, scope: rows[0].scope }
        : null;
    },
  });
  const deps: TaskProtocolDeps = {
    db,
    storage,
    logger,
    authenticator,
    ...(options.enqueue ? { enqueue: options.enqueue } : {}),
    settings: { storageBaseUrls: [storageBase], ...options.settings },
  };
  // Mounted as queue-api mounts it: auth on /functions, the storage routes, then the protocol.
  const app = new Hono();
  app.onError(errorHandler(logger));
  app.notFound(notFound);
  app.use('/functions/*', authMiddleware({ authenticator }));
  app.route(
    '/storage/v1',
    createStorageRoutes({
      storage,
      secret: STORAGE_SECRET,
      publicBuckets: ['travel', 'single_image'],
      publicBucketAliases: { image_uploads: ['travel', 'single_image'] },
    }),
  );
  app.route('/', taskProtocolRoutes(deps));
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const [alice, bob] = [await makeUser(db, 100), await makeUser(db, 100)];
  return {
    db,
    storage,
    base,
    storageBase,
    deps,
    alice,
    bob,
    post(path, token, body, headers = {}) {
      return fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify(body),
      });
    },
    async task(taskId) {
      const task = await getTask(db, { taskId });
      if (!task) throw new Error(`task ${taskId} not found`);
      return task;
    },
    async credits(userId) {
      return (await getProfile(db, userId))!.credits;
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      await testDb.drop();
      await access.stop();
      await rm(rootDir, { recursive: true, force: true });
    },
  };
}

/** A tiny valid PNG (1×1), as a worker would upload for single_image. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field by the assertions
export type Json = any;

/** The JSON body of an answer, loosely typed for assertions. */
export async function json(res: Response): Promise<Json> {
  return res.json();
}
