import { describe, expect, it } from 'vitest';
import { isUuid } from './ids.js';
import { isTaskFinished, TaskStatus } from './status.js';

describe('isUuid', () => {
  it('takes any version in either case, as Postgres uuid does', () => {
    expect(isUuid('6f1d0c8e-8b0a-4a47-9d3f-2a9d6f1e2b3c')).toBe(true);
    expect(isUuid('6F1D0C8E-8B0A-4A47-9D3F-2A9D6F1E2B3C')).toBe(true);
    expect(isUuid('00000000-0000-0000-0000-000000000001')).toBe(true);
  });

  it('refuses anything else', () => {
    for (const text of [
      'abc',
      '',
      'not-a-uuid',
      '6f1d0c8e8b0a4a479d3f2a9d6f1e2b3c',
      '6f1d0c8e-8b0a-4a47-9d3f-2a9d6f1e2b3g',
    ])
      expect(isUuid(text)).toBe(false);
  });
});

describe('isTaskFinished', () => {
  it('is true exactly for Complete, Failed and Cancelled', () => {
    const finished = TaskStatus.options.filter(isTaskFinished);
    expect(finished).toEqual(['Complete', 'Failed', 'Cancelled']);
  });
});
