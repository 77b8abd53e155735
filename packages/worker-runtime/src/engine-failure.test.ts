import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobErrorFromEngine } from './engine-failure.js';
import { DeviceLostError } from './generation-model.js';

const failure = (code: string) => Object.assign(new Error(`engine said ${code}`), { code });

describe('engine failures as job outcomes', () => {
  it.each([
    'GPUQ_INVALID_ARGUMENT',
    'GPUQ_NOT_FOUND',
    'GPUQ_BAD_FORMAT',
    'GPUQ_UNSUPPORTED',
    'GPUQ_OUT_OF_MEMORY',
  ])('%s fails the job for good, keeping the message', (code) => {
    const error = jobErrorFromEngine(failure(code));
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(`engine said ${code}`);
  });

  it('hands a lost device back for a restart', () => {
    expect(jobErrorFromEngine(failure('GPUQ_DEVICE_LOST'))).toBeInstanceOf(DeviceLostError);
  });

  it('leaves anything else to BullMQ retries', () => {
    const error = failure('GPUQ_INTERNAL');
    expect(jobErrorFromEngine(error)).toBe(error);
  });
});
