import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTinyCheckpoint, describeDevice, native, SdxlEngine } from '../index.js';

describe('device self-check report', () => {
  const root = mkdtempSync(join(tmpdir(), 'gpuq-selfcheck-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stays empty while models load on the CPU (no device was checked)', async () => {
    const dir = await createTinyCheckpoint(join(root, 'tiny'), { seed: 1 });
    await SdxlEngine.load(dir, { device: 'cpu', threads: 2 });
    expect(native().deviceSelfCheck()).toBeNull();
    expect(describeDevice('cpu')).toBe('cpu');
  });
});
