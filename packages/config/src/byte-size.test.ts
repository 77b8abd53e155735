import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ByteSize, parseByteSize } from './byte-size.js';
import { parseEnv } from './parse-env.js';

describe('ByteSize', () => {
  it('reads plain bytes and decimal and binary units', () => {
    expect(parseByteSize('1048576')).toBe(1_048_576);
    expect(parseByteSize('24GB')).toBe(24_000_000_000);
    expect(parseByteSize('80 GiB')).toBe(80 * 1024 ** 3);
    expect(parseByteSize('1.5gib')).toBe(1.5 * 1024 ** 3);
  });

  it('refuses a size with no value, an unknown unit or zero, naming the setting', () => {
    for (const bad of ['', 'lots', '24 GBs', '0', '-5GB']) expect(parseByteSize(bad)).toBeUndefined();
    const schema = z.object({ GPUQ_MAX_MEMORY: ByteSize.optional() });
    expect(() => parseEnv('test-app', schema, { GPUQ_MAX_MEMORY: '24 parsecs' })).toThrow(/GPUQ_MAX_MEMORY/);
    expect(parseEnv('test-app', schema, { GPUQ_MAX_MEMORY: '2GiB' }).GPUQ_MAX_MEMORY).toBe(2 * 1024 ** 3);
  });
});
