/**
 * What a refused request must leave as it was: the row count of every table in `public` and
 * `auth` (tables added later are picked up by name), the credit balances and ledger, the jobs in
 * every BullMQ queue, and every file under the api's data folder (the local storage backend
 * writes there).
 */
import { readdirSync } from 'node:fs';
import type { ApiHarness } from './api-harness.js';

export interface StateSnapshot {
  rows: Record<string, number>;
  credits: { balances: number; ledger: number };
  jobs: Record<string, Record<string, number>>;
  files: string[];
}

export async function snapshotState(api: ApiHarness): Promise<StateSnapshot> {
  const { db } = api.services;
  const { rows: tables } = await db.query<{ name: string }>(
    `select format('%I.%I', table_schema, table_name) as name
       from information_schema.tables
      where table_schema in ('public', 'auth') and table_type = 'BASE TABLE'
      order by 1`,
  );
  const rows: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows: count } = await db.query<{ n: number }>(`select count(*)::int as n from ${name}`);
    rows[name] = count[0]!.n;
  }
  const { rows: credits } = await db.query<{ balances: number; ledger: number }>(
    `select (select coalesce(sum(credits), 0)::int from public.profiles) as balances,
            (select coalesce(sum(amount), 0)::int from public.credit_ledger) as ledger`,
  );
  const jobs: Record<string, Record<string, number>> = {};
  for (const queue of api.services.queues.all()) jobs[queue.name] = await queue.getJobCounts();
  const files = readdirSync(api.env.GPUQ_DATA_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.parentPath}/${entry.name}`)
    .sort();
  return { rows, credits: credits[0]!, jobs, files };
}
