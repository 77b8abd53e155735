/**
 * What the drills check after every scenario, read straight from Postgres: each accepted task
 * finished exactly once (one reservation, one settlement or one refund, at most one generation),
 * no task exists that no accepted request asked for, and every user's credits equal 100 minus the
 * cost of what completed.
 */
import type { Database } from '@gpuq/db';

export interface AuditReport {
  /** Accepted tasks that never finished Complete (or vanished). */
  lost: number;
  /** Extra reservations, settlements or generations, and tasks nobody was told exist. */
  duplicated: number;
  completed: number;
  /** Users whose balance differs from 100 minus the cost of their completed tasks. */
  ledgerMismatches: number;
}

interface Row {
  id: string;
  status: string;
  reservations: number;
  settlements: number;
  refunds: number;
  generations: number;
}

export async function audit(
  db: Database,
  accepted: readonly string[],
  users: readonly string[],
): Promise<AuditReport> {
  const { rows } = await db.query<Row>(
    `select t.id, t.status,
            (select count(*)::int from public.credit_ledger l where l.task_id = t.id and l.kind = 'reservation') as reservations,
            (select count(*)::int from public.credit_ledger l where l.task_id = t.id and l.kind = 'settlement') as settlements,
            (select count(*)::int from public.credit_ledger l where l.task_id = t.id and l.kind = 'refund') as refunds,
            (select count(*)::int from public.generations g where g.task_id = t.id) as generations
       from public.tasks t where t.user_id = any($1::uuid[])`,
    [users],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  let lost = 0;
  let duplicated = 0;
  let completed = 0;
  for (const id of new Set(accepted)) {
    const row = byId.get(id);
    if (row?.status !== 'Complete') lost += 1;
    else completed += 1;
  }
  for (const row of rows) {
    if (!accepted.includes(row.id)) duplicated += 1;
    duplicated += Math.max(0, row.reservations - 1) + Math.max(0, row.settlements - 1);
    duplicated += Math.max(0, row.generations - 1) + (row.settlements > 0 && row.refunds > 0 ? 1 : 0);
  }
  const { rows: balances } = await db.query<{ id: string; credits: number; spent: number }>(
    `select p.id, p.credits,
            coalesce((select sum(t.cost)::int from public.tasks t where t.user_id = p.id and t.status = 'Complete'), 0) as spent
       from public.profiles p where p.id = any($1::uuid[])`,
    [users],
  );
  const ledgerMismatches = balances.filter((row) => row.credits !== 100 - row.spent).length;
  return { lost, duplicated, completed, ledgerMismatches };
}
