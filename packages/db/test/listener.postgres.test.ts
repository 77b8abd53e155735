/**
 * The shared LISTEN connection of a Postgres database when the network between it and the server
 * fails: a server that stops answering (blackhole: no error ever arrives) is noticed by the
 * heartbeat, the listener reports itself down, logs the loss, reconnects once the server answers,
 * logs that, calls every subscriber's `onRestored`, and notifications flow again. Short settings:
 * a 200 ms heartbeat and a 500 ms connect timeout.
 */
import { createTestDatabase, startTcpProxy, type TcpProxy, type TestDatabase } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, type ListenerOutage, openDatabase } from '../src/index.js';

let testDb: TestDatabase;
let proxy: TcpProxy;
let db: Database;
let direct: Database;
const logged: Array<{ level: 'info' | 'warn'; message: string }> = [];

beforeAll(async () => {
  testDb = await createTestDatabase('listener');
  const url = new URL(testDb.url);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  const viaProxy = new URL(testDb.url);
  viaProxy.port = String(proxy.port);
  db = await openDatabase({
    url: viaProxy.toString(),
    poolSize: 2,
    timeouts: { listenerHeartbeatMs: 200, connectTimeoutMs: 500, statementTimeoutMs: 500 },
    logger: {
      info: (_, message) => logged.push({ level: 'info', message }),
      warn: (_, message) => logged.push({ level: 'warn', message }),
    },
  });
  direct = await openDatabase({ url: testDb.url, poolSize: 1 });
});
afterAll(async () => {
  await proxy?.restore();
  await db?.close();
  await direct?.close();
  await proxy?.close();
  await testDb?.drop();
});

describe('the LISTEN connection', () => {
  it('notices a silent server, reconnects when it answers, and tells subscribers to catch up', async () => {
    const payloads: string[] = [];
    const outages: ListenerOutage[] = [];
    await db.listen('drill_channel', (payload) => payloads.push(payload), {
      onRestored: (outage) => outages.push(outage),
    });
    await direct.query("select pg_notify('drill_channel', 'before')");
    await expect.poll(() => payloads).toEqual(['before']);
    expect(db.listenerStatus()).toMatchObject({ listening: true, channels: ['drill_channel'] });

    await proxy.blackhole();
    await expect.poll(() => db.listenerStatus().listening, { timeout: 10_000 }).toBe(false);
    expect(logged).toContainEqual({
      level: 'warn',
      message: 'postgres listener lost its connection; notifications are missed until it reconnects',
    });
    // Sent while nobody hears: gone, which is why subscribers are told to catch up.
    await direct.query("select pg_notify('drill_channel', 'during')");
    await proxy.restore();

    await expect.poll(() => db.listenerStatus().listening, { timeout: 15_000 }).toBe(true);
    expect(outages).toHaveLength(1);
    expect(outages[0]!.downMs).toBeGreaterThan(0);
    expect(logged.map((line) => line.message)).toContain(
      'postgres listener reconnected; subscribers re-read what they missed',
    );
    await direct.query("select pg_notify('drill_channel', 'after')");
    await expect.poll(() => payloads.at(-1), { timeout: 5_000 }).toBe('after');
  }, 30_000);
});
