/**
 * The task_types registry on real Postgres: the seeded built-ins agree with the code that checks,
 * prices and routes them; every seeded row reads back as a TaskTypeRecord; queue-job names cannot
 * be registered; and under row-level security a signed-in user reads the table but cannot write
 * it (the way PostgREST runs a request), while anon cannot even read it.
 */
import {
  isProtocolTaskType,
  JobType,
  PROTOCOL_TASK_CATALOG,
  ProtocolTaskType,
  registeredTaskCredits,
} from '@gpuq/job-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addTaskType,
  type DatabaseError,
  getTaskType,
  listTaskTypes,
  TaskTypeExistsError,
  withJwtClaims,
} from '../src/index.js';
import { type OpenedDatabase, openMigratedPostgres } from './support/databases.js';

let opened: OpenedDatabase;
beforeAll(async () => {
  opened = await openMigratedPostgres('task_types', 2);
});
afterAll(async () => {
  await opened?.close();
});

const newType = {
  name: 'lab_upscale',
  runType: 'api',
  category: 'processing',
  contentType: 'image',
  displayName: 'Lab upscale',
  description: null,
  billingType: 'per_second',
  unitCost: 0,
  baseCostPerSecond: 0.05,
  reserveSeconds: 90,
  isActive: true,
  source: 'test',
} as const;

describe('seeded types', () => {
  it('holds the four built-ins as the code routes them, and only they run on our fleet', async () => {
    const records = await listTaskTypes(opened.db);
    const builtIns = records.filter((record) => record.builtIn).map((record) => record.name);
    expect(builtIns.sort()).toEqual([...ProtocolTaskType.options].sort());
    for (const record of records) {
      if (!isProtocolTaskType(record.name)) {
        expect(record.fleetQueue, record.name).toBeNull();
        continue;
      }
      const spec = PROTOCOL_TASK_CATALOG[record.name];
      expect(record.runType).toBe(spec.runType);
      expect(record.unitCost).toBe(spec.credits);
      expect(record.fleetQueue).toBe(record.name === 'travel_orchestrator' ? null : spec.queue);
    }
  });

  it("holds the reference frontend's and the pull-worker's types with their prices", async () => {
    const qwen = (await getTaskType(opened.db, 'qwen_image'))!;
    expect(qwen).toMatchObject({ runType: 'api', billingType: 'per_unit', unitCost: 0.039, source: 'reigh' });
    expect(registeredTaskCredits(qwen)).toBe(1);
    const segment = (await getTaskType(opened.db, 'join_clips_segment'))!;
    expect(segment).toMatchObject({
      billingType: 'per_second',
      baseCostPerSecond: 0.0278,
      reserveSeconds: 180,
    });
    expect(registeredTaskCredits(segment)).toBe(6);
    expect(registeredTaskCredits((await getTaskType(opened.db, 'join_clips_orchestrator'))!)).toBe(0);
    expect((await getTaskType(opened.db, 'wgp'))!.source).toBe('headless-wan2gp');
  });
});

describe('adding a type', () => {
  it('adds a pull-worker type once, and refuses the name a second time', async () => {
    const added = await addTaskType(opened.db, newType);
    expect(added).toMatchObject({ name: 'lab_upscale', builtIn: false, fleetQueue: null });
    expect(registeredTaskCredits(added)).toBe(5);
    await expect(addTaskType(opened.db, newType)).rejects.toBeInstanceOf(TaskTypeExistsError);
  });

  it('refuses the name of a queue-job type, and a fleet queue on a registered type', async () => {
    for (const name of JobType.options) {
      await expect(addTaskType(opened.db, { ...newType, name }), name).rejects.toMatchObject({
        code: '23514',
      });
    }
    await expect(
      opened.db.query(
        `insert into public.task_types (name, category, display_name, fleet_queue, source)
         values ('sneaky', 'generation', 'x', 'wan_queue', 'test')`,
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('row-level security', () => {
  const user = { role: 'authenticated', sub: '7d4e3a52-2b8f-4c7e-9d0a-3f1e2b4c5d6e' } as const;
  const code = (error: unknown) => (error as DatabaseError & { code?: string }).code;

  it('lets a signed-in user read every type', async () => {
    const { rows } = await withJwtClaims(opened.db, user, (tx) =>
      tx.query<{ n: number }>('select count(*)::integer as n from public.task_types'),
    );
    expect(rows[0]!.n).toBe((await listTaskTypes(opened.db)).length);
  });

  it('refuses every write by a signed-in user and any read by anon, changing nothing', async () => {
    const before = await listTaskTypes(opened.db);
    const writes = [
      `insert into public.task_types (name, category, display_name, source) values ('mine', 'generation', 'x', 'me')`,
      `update public.task_types set unit_cost = 0 where name = 'qwen_image'`,
      `delete from public.task_types where name = 'qwen_image'`,
    ];
    for (const sql of writes) {
      const error = await withJwtClaims(opened.db, user, (tx) => tx.query(sql)).catch((caught) => caught);
      expect(code(error), sql).toBe('42501');
    }
    const anon = await withJwtClaims(opened.db, { role: 'anon' }, (tx) =>
      tx.query('select 1 from public.task_types'),
    ).catch((caught) => caught);
    expect(code(anon)).toBe('42501');
    expect(await listTaskTypes(opened.db)).toEqual(before);
  });
});
