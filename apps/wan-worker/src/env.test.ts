import { ConfigError } from '@gpuq/config';
import { describe, expect, it } from 'vitest';
import { loadWanWorkerSettings } from './env.js';

describe('wan-worker settings', () => {
  it('takes WAN_WEIGHT_DTYPE (default auto) and GPUQ_MAX_MEMORY with a unit', () => {
    expect(loadWanWorkerSettings({}).WAN_WEIGHT_DTYPE).toBe('auto');
    const settings = loadWanWorkerSettings({ WAN_WEIGHT_DTYPE: 'bf16', GPUQ_MAX_MEMORY: '24GB' });
    expect(settings.WAN_WEIGHT_DTYPE).toBe('bf16');
    expect(settings.GPUQ_MAX_MEMORY).toBe(24_000_000_000);
  });

  it('refuses an unknown dtype or size at start, naming the setting', () => {
    expect(() => loadWanWorkerSettings({ WAN_WEIGHT_DTYPE: 'fp8' })).toThrow(ConfigError);
    expect(() => loadWanWorkerSettings({ WAN_WEIGHT_DTYPE: 'fp8' })).toThrow(/WAN_WEIGHT_DTYPE/);
    expect(() => loadWanWorkerSettings({ GPUQ_MAX_MEMORY: 'lots' })).toThrow(/GPUQ_MAX_MEMORY/);
  });
});
