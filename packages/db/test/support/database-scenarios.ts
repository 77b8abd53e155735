/**
 * The `Database` contract itself, run on every engine: row counts, multi-statement scripts,
 * transactions that commit or roll back as a whole, PostgREST-style requests, notifications.
 */
import { describe, expect, it } from 'vitest';
import { type Database, withJwtClaims } from '../../src/index.js';
import { newUser } from './databases.js';

export function defineDatabaseScenarios(engine: string, getDb: () => Database): void {
  describe(`Database on ${engine}`, () => {
    it('counts rows returned and rows touched alike', async () => {
      const db = getDb();
      await db.exec('create temporary table counted (n int); insert into counted values (1), (2), (3);');
      expect((await db.query('select n from counted')).rowCount).toBe(3);
      expect((await db.query('update counted set n = n + 1 where n > $1', [1])).rowCount).toBe(2);
      expect((await db.query('delete from counted where n > $1 returning n', [2])).rowCount).toBe(2);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      const db = getDb();
      await db.exec('create table if not exists public.scratch_tx (n int)');
      await db.transaction(async (tx) => {
        await tx.query('insert into public.scratch_tx values ($1)', [1]);
      });
      const failure = new Error('stop');
      await expect(
        db.transaction(async (tx) => {
          await tx.query('insert into public.scratch_tx values ($1)', [2]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect((await db.query('select n from public.scratch_tx')).rows).toEqual([{ n: 1 }]);
      await db.exec('drop table public.scratch_tx');
    });

    it('runs a request as the role and subject of its JWT claims', async () => {
      const db = getDb();
      const user = await newUser(db);
      const seen = await withJwtClaims(db, { role: 'authenticated', sub: user.userId }, async (tx) => {
        const { rows } = await tx.query<{ uid: string; role: string; projects: number }>(
          `select auth.uid() as uid, current_user as role, (select count(*)::int from public.projects) as projects`,
        );
        return rows[0];
      });
      expect(seen).toEqual({ uid: user.userId, role: 'authenticated', projects: 1 });
      await expect(withJwtClaims(db, { role: 'postgres' as 'anon' }, async () => 1)).rejects.toThrow(
        /unknown role/,
      );
    });
  });
}
