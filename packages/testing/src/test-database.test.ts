import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis } from './redis-server.js';
import { createTestDatabase } from './test-database.js';

function pings(port: number): boolean {
  try {
    return execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' })
      .toString()
      .includes('PONG');
  } catch {
    return false;
  }
}

describe('test services', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('creates an empty database of its own and drops it', async () => {
    const db = await createTestDatabase('selftest');
    const tables = execFileSync('psql', [
      db.url,
      '-qAtc',
      "select count(*) from pg_tables where schemaname = 'public'",
    ]);
    expect(tables.toString().trim()).toBe('0');
    await db.drop();
    expect(() => execFileSync('psql', [db.url, '-qAtc', 'select 1'], { stdio: 'pipe' })).toThrow();
  });

  it('starts, stops and restarts a private redis-server', async () => {
    const redis = await startPrivateRedis({ appendOnly: true });
    cleanups.push(() => redis.destroy());
    const cli = (...args: string[]) =>
      execFileSync('redis-cli', ['-p', String(redis.port), ...args])
        .toString()
        .trim();
    cli('set', 'k', 'v');
    await redis.stop();
    expect(pings(redis.port)).toBe(false);
    await redis.start();
    expect(cli('get', 'k')).toBe('v');
  });
});
