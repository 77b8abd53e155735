/** Redis restarted, killed, or down when jobs are queued. */
import type { Drill, Row } from '../drill.js';
import { sleep } from '../drill.js';
import { verdict } from './verdict.js';

async function redisOutage(drill: Drill, how: 'stop' | 'kill'): Promise<Row> {
  await drill.fleet.start(`redis-${how}-a`, { steps: 10, stepMs: 100 });
  await drill.fleet.start(`redis-${how}-b`, { steps: 10, stepMs: 100 });
  const users = await drill.users(4);
  const accepted = await Promise.all([...users, ...users].map((user) => drill.submitUntilAccepted(user)));
  await sleep(700);
  if (how === 'stop') await drill.redis.stop();
  else await drill.redis.kill();
  await sleep(3_000);
  await drill.redis.start();
  await drill.settle(accepted, 120_000);
  await drill.fleet.stopAll();
  return verdict(drill, {
    scenario: how === 'stop' ? 'Redis restarted mid-load' : 'Redis killed (SIGKILL) mid-load',
    expected: '8 jobs complete once after Redis returns',
    accepted,
    users,
  });
}

export const redisRestarted = (drill: Drill) => redisOutage(drill, 'stop');
export const redisKilled = (drill: Drill) => redisOutage(drill, 'kill');

export async function redisDownAtEnqueue(drill: Drill): Promise<Row> {
  const users = await drill.users(5);
  await drill.redis.stop();
  const answers = await Promise.all(users.map((user) => drill.submit(user)));
  await drill.redis.start();
  await drill.fleet.start('enqueue-a', { steps: 5, stepMs: 50 });
  const accepted = answers.flatMap((answer) => (answer.id ? [answer.id] : []));
  // The reconciler enqueues what Redis missed once Redis is back (and every 30 s).
  await drill.settle(accepted, 90_000);
  await drill.fleet.stopAll();
  const statuses = answers.map((answer) => answer.status);
  return verdict(drill, {
    scenario: 'Redis down at enqueue',
    expected: '5 × 202, reconciler enqueues each once',
    accepted,
    users,
    notes: `answers ${summarize(statuses)}`,
    notesOk: statuses.every((status) => status === 202),
  });
}

export function summarize(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count}×${status}`).join(' ');
}
