import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageOf, summariseProfile } from './cpu-profile.js';

const PG = 'file:///repo/node_modules/.pnpm/pg@8.23.1/node_modules/pg/lib/query.js';

describe('CPU profile summary', () => {
  it('names where code lives, even in a checkout folder called bench', () => {
    expect(packageOf(PG, 'submit')).toBe('pg');
    expect(packageOf('file:///wt/bench/packages/queue/dist/job-queues.js', 'enqueue')).toBe('@gpuq/queue');
    expect(packageOf('file:///wt/bench/bench/dist/main.js', 'main')).toBe('@gpuq/bench');
    expect(packageOf('node:net', 'write')).toBe('node');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(packageOf('', 'writev')).toBe('native');
  });

  it('charges native time to the nearest package up the stack and leaves idle out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuq-profile-'));
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const file = join(dir, 'x.cpuprofile');
    writeFileSync(
      file,
      JSON.stringify({
        nodes: [
          { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
          { id: 2, callFrame: frame('submit', PG), children: [3] },
          { id: 3, callFrame: frame('writev', '') },
          { id: 4, callFrame: frame('(idle)', '') },
        ],
        samples: [3, 3, 2, 4],
        timeDeltas: [1000, 1000, 1000, 5000],
      }),
    );
    const summary = summariseProfile(file);
    rmSync(dir, { recursive: true, force: true });
    expect(summary).toMatchObject({ totalMs: 8, busyMs: 3 });
    expect(summary.byPackage).toEqual([
      { name: 'native', ms: 2, share: 66.7 },
      { name: 'pg', ms: 1, share: 33.3 },
    ]);
    expect(summary.byOwner).toEqual([{ name: 'pg', ms: 3, share: 100 }]);
  });
});
