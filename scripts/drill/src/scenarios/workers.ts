/** Worker processes that die or are told to stop mid-job. */
import type { Drill, Row } from '../drill.js';
import { verdict } from './verdict.js';

async function runningOn(
  drill: Drill,
  ids: readonly string[],
  timeoutMs = 60_000,
): Promise<{ id: string; workerId: string } | null> {
  let found: { id: string; workerId: string } | null = null;
  await drill.waitFor(async () => {
    for (const id of ids) {
      const task = await drill.status(id);
      if (task?.status === 'In Progress' && task.workerId) {
        found = { id, workerId: task.workerId };
        return true;
      }
    }
    return false;
  }, timeoutMs);
  return found;
}

export async function killMidJob(drill: Drill): Promise<Row> {
  await drill.fleet.start('kill-a', { steps: 20, stepMs: 100 });
  await drill.fleet.start('kill-b', { steps: 20, stepMs: 100 });
  const users = await drill.users(3);
  const accepted = await Promise.all([...users, ...users].map((user) => drill.submitUntilAccepted(user)));
  const victim = await runningOn(drill, accepted);
  let notes = 'no job was seen running';
  if (victim) {
    await drill.fleet.kill(victim.workerId, 'SIGKILL');
    await drill.fleet.start('kill-c', { steps: 20, stepMs: 100 });
    notes = `SIGKILL ${victim.workerId} mid-job`;
  }
  await drill.settle(accepted, 90_000);
  await drill.fleet.stopAll();
  return verdict(drill, {
    scenario: 'worker kill -9 mid-job',
    expected: '6 jobs complete once; the killed job finishes elsewhere',
    accepted,
    users,
    notes,
    notesOk: victim !== null,
  });
}

export async function sigtermWithGrace(drill: Drill): Promise<Row> {
  await drill.fleet.start('grace-a', { steps: 20, stepMs: 100, graceMs: 30_000 });
  const users = await drill.users(1);
  const accepted = [await drill.submitUntilAccepted(users[0]!)];
  const running = await runningOn(drill, accepted);
  const code = running ? await drill.fleet.kill('grace-a', 'SIGTERM') : 'never ran';
  const atExit = (await drill.status(accepted[0]!))?.status;
  await drill.settle(accepted, 10_000);
  await drill.fleet.stopAll();
  return verdict(drill, {
    scenario: 'worker SIGTERM with grace',
    expected: 'running job finishes before exit 0',
    accepted,
    users,
    notes: `exit ${code}; task ${atExit} at exit`,
    notesOk: code === 0 && atExit === 'Complete',
  });
}

export async function sigtermWithoutGrace(drill: Drill): Promise<Row> {
  await drill.fleet.start('nograce-a', { steps: 40, stepMs: 100, graceMs: 0 });
  const users = await drill.users(1);
  const accepted = [await drill.submitUntilAccepted(users[0]!)];
  const running = await runningOn(drill, accepted);
  const code = running ? await drill.fleet.kill('nograce-a', 'SIGTERM') : 'never ran';
  const atExit = (await drill.status(accepted[0]!))?.status;
  await drill.fleet.start('nograce-b', { steps: 5, stepMs: 50 });
  await drill.settle(accepted, 60_000);
  const finishedBy = (await drill.status(accepted[0]!))?.workerId;
  await drill.fleet.stopAll();
  return verdict(drill, {
    scenario: 'worker SIGTERM without grace',
    expected: 'job handed back, finished by another worker once',
    accepted,
    users,
    notes: `exit ${code}; task ${atExit} at exit; finished by ${finishedBy}`,
    notesOk: code === 0 && atExit !== 'Complete' && finishedBy === 'nograce-b',
  });
}
