import { CALLBACK_TEXT_MAX_CHARS, JobCallbackPayload } from '@gpuq/job-types';
import { describe, expect, it } from 'vitest';
import { reportableText } from './reportable-text.js';

const MAX = CALLBACK_TEXT_MAX_CHARS.errorMessage;

function acceptedAsFailure(errorMessage: string): boolean {
  return JobCallbackPayload.safeParse({
    jobId: '6f1d0c8e-8b0a-4a47-9d3f-2a9d6f1e2b3c',
    status: 'failed',
    errorMessage,
  }).success;
}

describe('reportableText', () => {
  it('leaves an ordinary message as it is', () => {
    expect(reportableText('out of memory at step 3', MAX)).toBe('out of memory at step 3');
  });

  it('drops NUL characters, which Postgres text cannot hold', () => {
    const raw = `bad\u0000input\u0000`;
    expect(reportableText(raw, MAX)).toBe('badinput');
  });

  it('cuts a message over the bound so the callback schema accepts it, marking the cut', () => {
    const raw = 'x'.repeat(MAX * 3);
    expect(acceptedAsFailure(raw)).toBe(false);
    const text = reportableText(raw, MAX);
    expect(text).toHaveLength(MAX);
    expect(text.endsWith('…')).toBe(true);
    expect(acceptedAsFailure(text)).toBe(true);
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    const raw = `${'a'.repeat(MAX - 2)}😀${'b'.repeat(10)}`;
    const text = reportableText(raw, MAX);
    expect(text).toBe(`${'a'.repeat(MAX - 2)}…`);
  });
});
