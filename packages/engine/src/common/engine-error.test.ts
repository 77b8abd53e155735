import { describe, expect, it } from 'vitest';
import { EngineError } from './engine-error.js';
import { ENGINE_ERROR_CODES } from './error-codes.js';

describe('EngineError', () => {
  it('knows the CUDA codes the core throws', () => {
    expect(ENGINE_ERROR_CODES).toContain('GPUQ_OUT_OF_MEMORY');
    expect(ENGINE_ERROR_CODES).toContain('GPUQ_DEVICE_LOST');
  });

  it('keeps a native code and marks device loss and out-of-memory as retryable elsewhere', () => {
    const lost = EngineError.fromNative(
      Object.assign(new Error('CUDA device lost'), { code: 'GPUQ_DEVICE_LOST' }),
      'generate',
    );
    expect(lost.code).toBe('GPUQ_DEVICE_LOST');
    expect(lost.message).toBe('generate: CUDA device lost');
    expect(lost.retryable).toBe(true);
    expect(new EngineError('GPUQ_OUT_OF_MEMORY', 'asked for 2048 MiB, 100 MiB free').retryable).toBe(true);
    expect(new EngineError('GPUQ_UNSUPPORTED', 'no CUDA device').retryable).toBe(false);
  });

  it('maps an unknown native code to GPUQ_INTERNAL', () => {
    expect(EngineError.fromNative(Object.assign(new Error('x'), { code: 'EWHAT' }), 'load').code).toBe(
      'GPUQ_INTERNAL',
    );
  });
});
