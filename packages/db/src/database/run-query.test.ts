import { describe, expect, it } from 'vitest';
import { camelRow } from './run-query.js';

describe('camelRow', () => {
  it('turns snake_case columns into camelCase keys, values untouched', () => {
    const at = new Date();
    expect(
      camelRow({ id: 'x', generation_processed_at: at, dependant_on: ['a'], bullmq_attempt: 2 }),
    ).toEqual({
      id: 'x',
      generationProcessedAt: at,
      dependantOn: ['a'],
      bullmqAttempt: 2,
    });
  });
});
