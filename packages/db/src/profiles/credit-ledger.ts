/** Reading the credit ledger: one row per reservation, settlement, refund, sign-up or grant. */
import type { Queryable } from '../database/database.js';
import { queryCamel } from '../database/run-query.js';

export type LedgerKind = 'signup' | 'grant' | 'reservation' | 'settlement' | 'refund';

export interface LedgerEntry {
  id: number;
  userId: string;
  taskId: string | null;
  kind: LedgerKind;
  amount: number;
  balanceAfter: number;
  note: string | null;
  createdAt: Date;
}

/** A user's ledger, oldest first (optionally only one task's rows). */
export async function listLedger(
  db: Queryable,
  input: { userId: string; taskId?: string | null },
): Promise<LedgerEntry[]> {
  const rows = await queryCamel<LedgerEntry>(
    db,
    `select * from public.credit_ledger
      where user_id = $1 and ($2::uuid is null or task_id = $2::uuid)
      order by id`,
    [input.userId, input.taskId ?? null],
  );
  // bigint identity: pg hands it over as a string.
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}
