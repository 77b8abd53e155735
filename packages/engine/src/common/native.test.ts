import { describe, expect, it } from 'vitest';
import { native } from './native.js';

// Both loads read their arguments through one parser in the addon; each still names itself.
describe('native load arguments', () => {
  it('refuses a dir that is not a string, naming the call', () => {
    const addon = native();
    expect(() => addon.load(42 as unknown as string, {})).toThrow(
      expect.objectContaining({ name: 'TypeError', message: 'load(dir, options): dir must be a string' }),
    );
    expect(() => addon.loadWan(42 as unknown as string, {})).toThrow(
      expect.objectContaining({ name: 'TypeError', message: 'loadWan(dir, options): dir must be a string' }),
    );
  });

  it('rejects a folder that does not exist as GPUQ_NOT_FOUND naming it, for either pipeline', async () => {
    const addon = native();
    for (const [load, dir] of [
      [addon.load, '/nonexistent/gpuq-sdxl'],
      [addon.loadWan, '/nonexistent/gpuq-wan'],
    ] as const) {
      await expect(load(dir, { device: 'cpu', threads: 1 })).rejects.toMatchObject({
        code: 'GPUQ_NOT_FOUND',
        message: expect.stringContaining(dir),
      });
    }
  });
});
