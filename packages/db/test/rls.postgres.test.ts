/**
 * Row-level security, tested the way PostgREST applies it per request. For every table in
 * `public` and each of anon / user A / user B / service role: select, insert, update and delete
 * of user A's rows are allowed or denied exactly as designed. Then the escalations a user might
 * try: raising their own credits, making themselves admin, calling service functions, claiming
 * another user's tasks.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimNextTask,
  completeTask,
  createAdminSession,
  createApiToken,
  createTask,
  type Database,
  type JwtClaims,
  recordImage,
  recordStorageObject,
  recordVideo,
} from '../src/index.js';
import { type Outcome, probe } from './support/as-role.js';
import { newUser, type OpenedDatabase, openMigratedPostgres, type TestUser } from './support/databases.js';

type Actor = 'anon' | 'userA' | 'userB' | 'service';
const ACTORS: Actor[] = ['anon', 'userA', 'userB', 'service'];
type Operation = 'select' | 'insert' | 'update' | 'delete';

/** Shorthand for the four actors' expected outcomes, in ACTORS order: A = allowed, - = denied. */
type Expectation = `${'A' | '-'}${'A' | '-'}${'A' | '-'}${'A' | '-'}`;

interface Fixture {
  a: TestUser & { taskId: string; generationId: string; shotId: string; spareShotId: string; linkId: string };
  b: TestUser & { taskId: string };
  imageId: string;
  videoId: string;
  tokenId: string;
  adminSessionId: string;
  ledgerId: number;
  workerId: string;
}

let opened: OpenedDatabase;
let db: Database;
let fx: Fixture;
let claims: Record<Actor, JwtClaims>;

async function insertReturningId(sql: string, params: unknown[]): Promise<string> {
  const { rows } = await db.query<{ id: string }>(sql, params);
  return rows[0]?.id as string;
}

beforeAll(async () => {
  opened = await openMigratedPostgres('rls', 2);
  db = opened.db;
  const a = await newUser(db);
  const b = await newUser(db);
  const shotId = await insertReturningId(
    'insert into public.shots (project_id, user_id, name) values ($1, $2, $3) returning id',
    [a.projectId, a.userId, 'one'],
  );
  const spareShotId = await insertReturningId(
    'insert into public.shots (project_id, user_id, name) values ($1, $2, $3) returning id',
    [a.projectId, a.userId, 'two'],
  );
  const taskA = (await createTask(db, { ...a, taskType: 'single_image', params: { shot_id: shotId } })).task;
  await claimNextTask(db, { userId: a.userId, workerId: 'rls-worker', registerWorker: true });
  await completeTask(db, { taskId: taskA.id, outputLocation: `${a.userId}/a.png` });
  const taskB = (await createTask(db, { ...b, taskType: 'single_image' })).task;
  const generationId = await insertReturningId('select id from public.generations where task_id = $1', [
    taskA.id,
  ]);
  const linkId = await insertReturningId('select id from public.shot_generations where shot_id = $1', [
    shotId,
  ]);
  const ledger = await db.query<{ id: string }>(
    'select id from public.credit_ledger where user_id = $1 limit 1',
    [a.userId],
  );
  fx = {
    a: { ...a, taskId: taskA.id, generationId, shotId, spareShotId, linkId },
    b: { ...b, taskId: taskB.id },
    imageId: (await recordImage(db, { taskId: taskA.id, prompt: 'p' })).id,
    videoId: (await recordVideo(db, { taskId: taskA.id, prompt: 'p' })).id,
    tokenId: (await createApiToken(db, { userId: a.userId })).record.id,
    adminSessionId: (await createAdminSession(db, { userId: a.userId, ttlSeconds: 600 })).id,
    ledgerId: Number(ledger.rows[0]?.id),
    workerId: 'rls-worker',
  };
  await recordStorageObject(db, {
    bucket: 'single_image',
    path: `${a.userId}/${taskA.id}/a.png`,
    userId: a.userId,
    size: 1,
    contentType: 'image/png',
  });
  claims = {
    anon: { role: 'anon' },
    userA: { role: 'authenticated', sub: a.userId, aud: 'authenticated' },
    userB: { role: 'authenticated', sub: b.userId, aud: 'authenticated' },
    service: { role: 'service_role' },
  };
});

afterAll(async () => {
  await opened?.close();
});

interface TableCase {
  table: string;
  /** Statements on user A's rows; each takes no parameter but what the fixture supplies. */
  sql: (fx: Fixture) => Record<Operation, [string, unknown[]]>;
  expect: Record<Operation, Expectation>;
}

const SERVICE_ONLY: Record<Operation, Expectation> = {
  select: '---A',
  insert: '---A',
  update: '---A',
  delete: '---A',
};
const OWNER_READS: Expectation = '-A-A';

const TABLES: TableCase[] = [
  {
    table: 'profiles',
    sql: (f) => ({
      select: ['select id from public.profiles where id = $1', [f.a.userId]],
      insert: ['insert into public.profiles (id) values ($1) returning id', [randomUUID()]],
      update: ["update public.profiles set display_name = 'A' where id = $1 returning id", [f.a.userId]],
      delete: ['delete from public.profiles where id = $1 returning id', [f.a.userId]],
    }),
    expect: { select: OWNER_READS, insert: '---A', update: '-A-A', delete: '---A' },
  },
  {
    table: 'projects',
    sql: (f) => ({
      select: ['select id from public.projects where id = $1', [f.a.projectId]],
      insert: ["insert into public.projects (user_id, name) values ($1, 'new') returning id", [f.a.userId]],
      update: ["update public.projects set name = 'renamed' where id = $1 returning id", [f.a.projectId]],
      delete: ['delete from public.projects where id = $1 returning id', [f.a.projectId]],
    }),
    expect: { select: OWNER_READS, insert: '-A-A', update: '-A-A', delete: '-A-A' },
  },
  {
    // The registry of task types: every signed-in user reads it; only the service writes it.
    table: 'task_types',
    sql: () => ({
      select: ["select name from public.task_types where name = 'qwen_image'", []],
      insert: [
        "insert into public.task_types (name, category, display_name, source) values ('rls_type', 'generation', 'x', 'rls') returning name",
        [],
      ],
      update: ["update public.task_types set unit_cost = 0 where name = 'qwen_image' returning name", []],
      delete: ["delete from public.task_types where name = 'qwen_image' returning name", []],
    }),
    expect: { select: '-AAA', insert: '---A', update: '---A', delete: '---A' },
  },
  {
    table: 'workers',
    sql: (f) => ({
      select: ['select id from public.workers where id = $1', [f.workerId]],
      insert: ['insert into public.workers (id) values ($1) returning id', [randomUUID()]],
      update: ["update public.workers set status = 'inactive' where id = $1 returning id", [f.workerId]],
      delete: ['delete from public.workers where id = $1 returning id', [f.workerId]],
    }),
    expect: SERVICE_ONLY,
  },
  {
    table: 'storage_objects',
    sql: (f) => ({
      select: ['select path from public.storage_objects where user_id = $1', [f.a.userId]],
      insert: [
        "insert into public.storage_objects (bucket, path, user_id, size, content_type) values ('travel', $1, $2, 1, 'image/png') returning path",
        [`${f.a.userId}/x.png`, f.a.userId],
      ],
      update: ['update public.storage_objects set size = 0 where user_id = $1 returning path', [f.a.userId]],
      delete: ['delete from public.storage_objects where user_id = $1 returning path', [f.a.userId]],
    }),
    expect: SERVICE_ONLY,
  },
  {
    table: 'tasks',
    sql: (f) => ({
      select: ['select id from public.tasks where id = $1', [f.a.taskId]],
      insert: [
        "insert into public.tasks (task_type, project_id, user_id) values ('single_image', $1, $2) returning id",
        [f.a.projectId, f.a.userId],
      ],
      update: ["update public.tasks set status = 'Queued' where id = $1 returning id", [f.a.taskId]],
      delete: ['delete from public.tasks where id = $1 returning id', [f.a.taskId]],
    }),
    expect: { ...SERVICE_ONLY, select: OWNER_READS },
  },
  {
    table: 'credit_ledger',
    sql: (f) => ({
      select: ['select id from public.credit_ledger where id = $1', [f.ledgerId]],
      insert: [
        "insert into public.credit_ledger (user_id, kind, amount, balance_after) values ($1, 'grant', 1000, 1000) returning id",
        [f.a.userId],
      ],
      update: ['update public.credit_ledger set amount = 1000 where id = $1 returning id', [f.ledgerId]],
      delete: ['delete from public.credit_ledger where id = $1 returning id', [f.ledgerId]],
    }),
    expect: SERVICE_ONLY,
  },
  {
    table: 'generations',
    sql: (f) => ({
      select: ['select id from public.generations where id = $1', [f.a.generationId]],
      insert: [
        "insert into public.generations (project_id, user_id, type) values ($1, $2, 'image') returning id",
        [f.a.projectId, f.a.userId],
      ],
      update: [
        "update public.generations set location = 'elsewhere' where id = $1 returning id",
        [f.a.generationId],
      ],
      delete: ['delete from public.generations where id = $1 returning id', [f.a.generationId]],
    }),
    expect: { select: OWNER_READS, insert: '---A', update: '---A', delete: '-A-A' },
  },
  {
    table: 'shots',
    sql: (f) => ({
      select: ['select id from public.shots where id = $1', [f.a.shotId]],
      insert: [
        "insert into public.shots (project_id, user_id, name) values ($1, $2, 'new') returning id",
        [f.a.projectId, f.a.userId],
      ],
      update: ["update public.shots set name = 'renamed' where id = $1 returning id", [f.a.shotId]],
      delete: ['delete from public.shots where id = $1 returning id', [f.a.shotId]],
    }),
    expect: { select: OWNER_READS, insert: '-A-A', update: '-A-A', delete: '-A-A' },
  },
  {
    table: 'shot_generations',
    sql: (f) => ({
      select: ['select id from public.shot_generations where id = $1', [f.a.linkId]],
      insert: [
        'insert into public.shot_generations (shot_id, generation_id) values ($1, $2) returning id',
        [f.a.spareShotId, f.a.generationId],
      ],
      update: ['update public.shot_generations set position = 5 where id = $1 returning id', [f.a.linkId]],
      delete: ['delete from public.shot_generations where id = $1 returning id', [f.a.linkId]],
    }),
    expect: { select: OWNER_READS, insert: '-A-A', update: '-A-A', delete: '-A-A' },
  },
  ...(['images', 'videos'] as const).map(
    (table): TableCase => ({
      table,
      sql: (f) => {
        const id = table === 'images' ? f.imageId : f.videoId;
        return {
          select: [`select id from public.${table} where id = $1`, [id]],
          insert: [
            `insert into public.${table} (user_id, project_id, url) values ($1, $2, 'u') returning id`,
            [f.a.userId, f.a.projectId],
          ],
          update: [`update public.${table} set url = 'elsewhere' where id = $1 returning id`, [id]],
          delete: [`delete from public.${table} where id = $1 returning id`, [id]],
        };
      },
      expect: { select: OWNER_READS, insert: '---A', update: '---A', delete: '-A-A' },
    }),
  ),
  {
    table: 'user_api_tokens',
    sql: (f) => ({
      select: ['select id from public.user_api_tokens where id = $1', [f.tokenId]],
      insert: [
        'insert into public.user_api_tokens (user_id, token_hash) values ($1, $2) returning id',
        [f.a.userId, 'a'.repeat(64)],
      ],
      update: ['update public.user_api_tokens set revoked_at = null where id = $1 returning id', [f.tokenId]],
      delete: ['delete from public.user_api_tokens where id = $1 returning id', [f.tokenId]],
    }),
    expect: SERVICE_ONLY,
  },
  {
    table: 'admin_sessions',
    sql: (f) => ({
      select: ['select id from public.admin_sessions where id = $1', [f.adminSessionId]],
      insert: [
        "insert into public.admin_sessions (user_id, expires_at) values ($1, now() + interval '1 hour') returning id",
        [f.a.userId],
      ],
      update: [
        'update public.admin_sessions set revoked_at = null where id = $1 returning id',
        [f.adminSessionId],
      ],
      delete: ['delete from public.admin_sessions where id = $1 returning id', [f.adminSessionId]],
    }),
    expect: SERVICE_ONLY,
  },
];

function decode(expectation: Expectation): Record<Actor, Outcome> {
  return Object.fromEntries(
    ACTORS.map((actor, index) => [actor, expectation[index] === 'A' ? 'allowed' : 'denied']),
  ) as Record<Actor, Outcome>;
}

describe('RLS matrix (PostgREST-style requests)', () => {
  it('covers every table in public', async () => {
    const { rows } = await db.query<{ tablename: string }>(
      "select tablename from pg_tables where schemaname = 'public' order by 1",
    );
    expect(rows.map((row) => row.tablename)).toEqual(TABLES.map((t) => t.table).sort());
  });

  for (const tableCase of TABLES) {
    for (const operation of ['select', 'insert', 'update', 'delete'] as const) {
      it(`${tableCase.table}: ${operation} by anon / user A / user B / service`, async () => {
        const [sql, params] = tableCase.sql(fx)[operation];
        const seen: Record<string, Outcome> = {};
        for (const actor of ACTORS) seen[actor] = (await probe(db, claims[actor], sql, params)).outcome;
        expect(seen).toEqual(decode(tableCase.expect[operation]));
      });
    }
  }
});

describe('escalations a user might try', () => {
  it('cannot raise their own credits or make themselves admin', async () => {
    for (const sql of [
      'update public.profiles set credits = 1000000 where id = $1 returning id',
      "update public.profiles set role = 'admin' where id = $1 returning id",
      "insert into public.profiles (id, credits, role) values ($1, 1000000, 'admin') returning id",
    ]) {
      expect(await probe(db, claims.userA, sql, [fx.a.userId])).toMatchObject({
        outcome: 'denied',
        code: '42501',
      });
    }
    const profile = await db.query('select credits, role from public.profiles where id = $1', [fx.a.userId]);
    expect(profile.rows[0]).toEqual({ credits: 99, role: 'user' });
  });

  it('cannot call the service functions', async () => {
    const calls: Array<[string, unknown[]]> = [
      ['select public.grant_credits($1, 1000)', [fx.a.userId]],
      ['select public.grant_admin($1)', [fx.a.userId]],
      ['select public.ensure_profile($1, 1000)', [randomUUID()]],
      ["select public.create_task($1, $2, 'single_image', '{}', 0)", [fx.a.userId, fx.a.projectId]],
      ["select public.complete_task($1, 'x')", [fx.b.taskId]],
      ['select public.cancel_task($1)', [fx.b.taskId]],
      ["select public.claim_task($1, 'w')", [fx.b.taskId]],
      ['select public.requeue_stale_tasks(0, 1)', []],
      ["select public.worker_heartbeat('w')", []],
    ];
    for (const [sql, params] of calls) {
      for (const actor of ['anon', 'userA'] as const) {
        expect(await probe(db, claims[actor], sql, params), `${actor}: ${sql}`).toMatchObject({
          code: '42501',
        });
      }
    }
  });

  it('claims only their own tasks through the rpc, whatever user id they pass; anon claims nothing', async () => {
    // Asking to register the worker: only the service may (a user's claim records no worker).
    const claimAs = (actor: Actor, userId: string | null) =>
      probe(db, claims[actor], "select id, worker_id from public.claim_next_task('w-rpc', 'gpu', $1, true)", [
        userId,
      ]);
    expect(await claimAs('userA', fx.b.userId)).toMatchObject({ outcome: 'denied', rows: [] });
    expect(await claimAs('userA', null)).toMatchObject({ outcome: 'denied', rows: [] });
    expect(await claimAs('anon', null)).toMatchObject({ outcome: 'denied', code: '42501' });
    expect(await claimAs('userB', null)).toMatchObject({
      outcome: 'allowed',
      rows: [{ id: fx.b.taskId, worker_id: null }],
    });
    expect(await claimAs('service', null)).toMatchObject({
      outcome: 'allowed',
      rows: [{ id: fx.b.taskId, worker_id: 'w-rpc' }],
    });
  });
});

describe('hardening, as Supabase advisors check it', () => {
  it('enables row-level security on every table in public', async () => {
    const { rows } = await db.query(
      "select tablename from pg_tables where schemaname = 'public' and not rowsecurity",
    );
    expect(rows).toEqual([]);
  });

  it("sets search_path = '' on every function of ours", async () => {
    const { rows } = await db.query(
      `select p.oid::regprocedure::text as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('public', 'private', 'auth') and p.prokind = 'f'
          and not coalesce(p.proconfig @> array['search_path=""'], false)`,
    );
    expect(rows).toEqual([]);
  });

  it('lets anon execute no function in public, and authenticated only the scoped claim', async () => {
    const { rows } = await db.query<{ fn: string; anon: boolean; authenticated: boolean }>(
      `select p.proname as fn,
              has_function_privilege('anon', p.oid, 'execute') as anon,
              has_function_privilege('authenticated', p.oid, 'execute') as authenticated
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.prokind = 'f'`,
    );
    expect(rows.filter((row) => row.anon)).toEqual([]);
    expect(rows.filter((row) => row.authenticated).map((row) => row.fn)).toEqual(['claim_next_task']);
  });

  it('lets users execute only the ownership checks their policies call in private', async () => {
    const { rows } = await db.query<{ fn: string }>(
      `select p.proname as fn from pg_proc p
        where p.pronamespace = 'private'::regnamespace
          and (has_function_privilege('anon', p.oid, 'execute')
               or has_function_privilege('authenticated', p.oid, 'execute'))
        order by 1`,
    );
    expect(rows.map((row) => row.fn)).toEqual(['owns_generation', 'owns_project', 'owns_shot']);
  });

  it('indexes every foreign key (policies and cascades look rows up by them)', async () => {
    const { rows } = await db.query(
      `select c.conrelid::regclass::text as tbl, a.attname as col
         from pg_constraint c
         join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        where c.contype = 'f' and c.connamespace = 'public'::regnamespace
          and not exists (
            select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1]
          )`,
    );
    expect(rows).toEqual([]);
  });

  it('grants anon nothing on any table or sequence in public', async () => {
    const { rows } = await db.query(
      `select c.relname from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'S', 'v')
          and (has_table_privilege('anon', c.oid, 'select, insert, update, delete')
               or (c.relkind = 'S' and has_sequence_privilege('anon', c.oid, 'usage')))`,
    );
    expect(rows).toEqual([]);
  });

  it('has no view that runs with its owner’s rights', async () => {
    const { rows } = await db.query(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'v'
          and not coalesce(c.reloptions @> array['security_invoker=true'], false)`,
    );
    expect(rows).toEqual([]);
  });
});
