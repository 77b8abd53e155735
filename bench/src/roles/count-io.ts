/**
 * Preloaded (`node --import`) into the processes of a (b) run to count their I/O round trips:
 * every Postgres statement (pg's Client.query, which pools and transactions go through) and
 * every Redis command (ioredis's sendCommand; a Lua script is one). On SIGUSR2 the process
 * prints `io {"pg":n,"redis":m}` and starts counting from zero, so the bench can bracket a run.
 * pg and ioredis resolve to the same single copies the workspace uses (one version each).
 */
import { Redis } from 'ioredis';
import pg from 'pg';

const counts = { pg: 0, redis: 0 };

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  counts.pg += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const sendCommand = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function countedSendCommand(
  this: Redis,
  ...args: Parameters<typeof sendCommand>
) {
  counts.redis += 1;
  return sendCommand.apply(this, args);
};

process.on('SIGUSR2', () => {
  console.log(`io ${JSON.stringify(counts)}`);
  counts.pg = 0;
  counts.redis = 0;
});
