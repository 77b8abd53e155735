/**
 * One statement run the way PostgREST runs a request (`set local role`, `request.jwt.claims`), in
 * a transaction that is always rolled back, so each probe sees the same data.
 */
import { type Database, type JwtClaims, withJwtClaims } from '../../src/index.js';

export type Outcome = 'allowed' | 'denied';

export interface Probe {
  outcome: Outcome;
  rows: Record<string, unknown>[];
  /** SQLSTATE when the statement failed. */
  code?: string;
}

class Rollback extends Error {
  constructor(readonly probe: Probe) {
    super('rollback');
  }
}

/**
 * allowed: the statement succeeded and returned or touched a row. denied: it was refused
 * (permission or policy, 42501) or row-level security hid every row from it.
 */
export async function probe(
  db: Database,
  claims: JwtClaims,
  sql: string,
  params: unknown[] = [],
): Promise<Probe> {
  try {
    await withJwtClaims(db, claims, async (tx) => {
      let result: Probe;
      try {
        const { rows, rowCount } = await tx.query(sql, params);
        result = { outcome: rowCount > 0 ? 'allowed' : 'denied', rows };
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== '42501') throw error;
        result = { outcome: 'denied', rows: [], code };
      }
      throw new Rollback(result);
    });
  } catch (error) {
    if (error instanceof Rollback) return error.probe;
    throw error;
  }
  throw new Error('unreachable: the probe always rolls back');
}
