/** Postgres refusing, Postgres silent (blackholed), and the LISTEN connection coming back. */
import type { JobRecord } from '@gpuq/job-types';
import { DRILL_SETTINGS, type Drill, type Row, type Submission, sleep } from '../drill.js';
import { summarize } from './redis.js';
import { verdict } from './verdict.js';

const OUTAGE_MS = 10_000;

async function postgresOutage(drill: Drill, how: 'cut' | 'blackhole'): Promise<Row> {
  await drill.fleet.start(`pg-${how}-a`, { steps: 20, stepMs: 100 });
  await drill.fleet.start(`pg-${how}-b`, { steps: 20, stepMs: 100 });
  const users = await drill.users(4);
  const accepted = await Promise.all([...users, ...users].map((user) => drill.submitUntilAccepted(user)));
  await sleep(500);
  const started = Date.now();
  if (how === 'cut') await drill.proxy.cut();
  else await drill.proxy.blackhole();
  // Clients without an Idempotency-Key ask for more work during the outage.
  const during: Submission[] = [];
  for (let wave = 0; wave < 3; wave += 1) {
    during.push(...(await Promise.all(users.map((user) => drill.submit(user)))));
    await sleep(1_000);
  }
  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - started)));
  await drill.proxy.restore();
  await drill.waitFor(() => drill.ready(), 30_000);
  // Whatever the outage refused is asked again, and must land once.
  const refused = during.filter((answer) => answer.status !== 200 && answer.status !== 202);
  const retried = await Promise.all(
    refused.map((_, index) => drill.submitUntilAccepted(users[index % users.length]!)),
  );
  const acceptedDuring = during.flatMap((answer) => (answer.id && answer.status < 300 ? [answer.id] : []));
  const all = [...accepted, ...acceptedDuring, ...retried];
  await drill.settle(all, 120_000);
  if (process.env.DRILL_DEBUG) {
    const { rows } = await drill.direct.query(
      'select id, status, worker_id, attempts, updated_at from public.tasks where id = any($1::uuid[]) and status <> $2',
      [all, 'Complete'],
    );
    console.error(rows, drill.fleet.output());
  }
  await drill.fleet.stopAll();
  const slowest = Math.max(0, ...during.map((answer) => answer.ms));
  const bound = DRILL_SETTINGS.REQUEST_DEADLINE_MS + 1_000;
  return verdict(drill, {
    scenario:
      how === 'cut' ? `Postgres refused ${OUTAGE_MS / 1000} s` : `Postgres blackholed ${OUTAGE_MS / 1000} s`,
    expected: `503 within ${bound} ms during it; in-flight jobs and retries land once`,
    accepted: all,
    users,
    notes: `during: ${summarize(during.map((answer) => answer.status))}, slowest ${slowest} ms`,
    notesOk: during.length > 0 && during.every((answer) => answer.status === 503) && slowest <= bound,
  });
}

export const postgresRefused = (drill: Drill) => postgresOutage(drill, 'cut');
export const postgresBlackholed = (drill: Drill) => postgresOutage(drill, 'blackhole');

/** Opens `/v1/events` and collects job events until aborted. */
async function eventStream(drill: Drill, token: string, signal: AbortSignal): Promise<JobRecord[]> {
  const response = await drill.api.request('/v1/events', { token, signal });
  const jobs: JobRecord[] = [];
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    for (;;) {
      const chunk = await reader?.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      buffer += chunk.value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data:'));
        if (data) jobs.push(JSON.parse(data.slice(5)) as JobRecord);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  return jobs;
}

export async function listenerRecovery(drill: Drill): Promise<Row> {
  await drill.fleet.start('listen-a', { steps: 5, stepMs: 50 });
  const users = await drill.users(1);
  const user = users[0]!;
  const abort = new AbortController();
  try {
    const events = await eventStream(drill, user.token, abort.signal);
    await drill.proxy.cut();
    await sleep(5_000);
    await drill.proxy.restore();
    const recovered = await drill.waitFor(() => drill.ready(), 30_000);
    const id = await drill.submitUntilAccepted(user);
    const streamed = await drill.waitFor(
      () => events.some((job) => job.id === id && job.status === 'completed'),
      60_000,
    );
    await drill.settle([id], 30_000);
    const row = await verdict(drill, {
      scenario: 'LISTEN recovery after a 5 s cut',
      expected: 'open stream gets the next job through completed',
      accepted: [id],
      users,
      notes: `ready again: ${recovered}; stream saw ${
        events
          .filter((job) => job.id === id)
          .map((job) => job.status)
          .join('→') || 'nothing'
      }`,
      notesOk: recovered && streamed,
    });
    return { ...row, lost: row.lost + (streamed ? 0 : 1) };
  } finally {
    abort.abort();
    await drill.fleet.stopAll();
  }
}
