/**
 * 2,000+ random and mutated bodies against queue-job over real HTTP: every one that the schema
 * refuses must get a 4xx (never a 5xx), and none may leave a row behind.
 */
import { randomUUID } from 'node:crypto';
import { JobType, QueueJobRequest } from '@gpuq/job-types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from './api-harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ RATE_LIMIT_PER_MIN: '100000', MAX_JOBS_IN_FLIGHT: '100000' });
});
afterAll(async () => {
  await api?.close();
});

const valid = fc.record({
  jobType: fc.constantFrom(...JobType.options),
  metadata: fc.record(
    {
      prompt: fc.string({ maxLength: 50 }),
      seed: fc.integer({ min: 0, max: 1000 }),
      width: fc.constantFrom(512, 768, 832),
      numImages: fc.integer({ min: 1, max: 6 }),
    },
    { requiredKeys: [] },
  ),
});

/** A valid-looking body with one field replaced by something else entirely. */
const mutated = fc
  .tuple(
    valid,
    fc.constantFrom(
      'jobType',
      'metadata',
      'projectId',
      'metadata.width',
      'metadata.seed',
      'metadata.prompt',
      'metadata.numImages',
      'metadata.height',
    ),
    fc.anything(),
  )
  .map(([body, path, value]) => {
    const copy = JSON.parse(JSON.stringify(body)) as Record<string, Record<string, unknown>>;
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail)
      copy[head] = { ...(typeof copy[head] === 'object' && copy[head] ? copy[head] : {}), [tail]: value };
    else (copy as Record<string, unknown>)[head] = value;
    return copy as unknown;
  });

const bodies = fc.oneof(
  { arbitrary: fc.anything(), weight: 2 },
  { arbitrary: fc.jsonValue(), weight: 2 },
  { arbitrary: mutated, weight: 5 },
  { arbitrary: fc.string().map((text) => ({ raw: text })), weight: 1 },
);

describe('queue-job fuzz', () => {
  it('answers every refused body with a 4xx and creates nothing', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const samples = fc.sample(bodies, { numRuns: 2600, seed: 20261125 });
    let sent = 0;
    const statuses = new Map<number, number>();
    for (let start = 0; start < samples.length; start += 50) {
      const batch = samples.slice(start, start + 50).flatMap((sample) => {
        const raw =
          typeof sample === 'object' && sample !== null && 'raw' in sample
            ? String((sample as { raw: unknown }).raw)
            : JSON.stringify(sample);
        if (raw === undefined) return [];
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = Symbol('not json');
        }
        // Only bodies the schema refuses: a valid one would rightly make a task.
        if (QueueJobRequest.safeParse(parsed).success) return [];
        return [raw];
      });
      const answers = await Promise.all(
        batch.map((raw) =>
          api.request('/functions/v1/queue-job', {
            method: 'POST',
            token,
            body: raw,
            headers: { 'content-type': 'application/json' },
          }),
        ),
      );
      for (const [index, answer] of answers.entries()) {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status, batch[index]).toBeGreaterThanOrEqual(400);
        expect(answer.status, batch[index]).toBeLessThan(500);
        expect(((await answer.json()) as { error: { code: string } }).error.code).toBeTruthy();
      }
      sent += batch.length;
    }
    console.warn(`fuzz: ${sent} refused bodies, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(sent).toBeGreaterThanOrEqual(2000);
    const { rows } = await api.services.db.query<{ n: number }>(
      'select count(*)::int as n from public.tasks where user_id = $1',
      [userId],
    );
    expect(rows[0]!.n).toBe(0);
  }, 120_000);
});
