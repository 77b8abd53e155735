/**
 * The SQL keeps three facts of the job-types catalog (which types are queue-job types, which
 * produce a generation, image or video) so that claims and the trigger need no round trip to
 * TypeScript. This keeps the two in step: adding a type to the catalog fails here until the
 * migrations learn it.
 */
import { JOB_CATALOG, JobType, TaskType, taskSpec } from '@gpuq/job-types';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type OpenedDatabase, openMigratedPostgres } from './support/databases.js';

let opened: OpenedDatabase;
beforeAll(async () => {
  opened = await openMigratedPostgres('catalog', 1);
});
afterAll(async () => {
  await opened?.close();
});

it('lists the ten queue-job types in SQL exactly as the catalog does', async () => {
  const { rows } = await opened.db.query<{ types: string[] }>('select private.queue_job_types() as types');
  expect([...(rows[0]?.types ?? [])].sort()).toEqual([...JobType.options].sort());
});

it('agrees with the catalog on which task types produce a generation, and of what kind', async () => {
  for (const taskType of TaskType.options) {
    const { rows } = await opened.db.query<{ produces: boolean; kind: string }>(
      'select private.task_produces_generation($1) as produces, private.task_output_kind($1) as kind',
      [taskType],
    );
    expect(rows[0]?.produces, taskType).toBe(taskSpec(taskType).producesGeneration);
    if (taskType in JOB_CATALOG) {
      expect(rows[0]?.kind, taskType).toBe(JOB_CATALOG[taskType as JobType].output);
    }
  }
  const { rows } = await opened.db.query<{ kind: string }>(
    "select private.task_output_kind('travel_stitch') as kind",
  );
  expect(rows[0]?.kind).toBe('video');
});
