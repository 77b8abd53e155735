import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from './ffmpeg/run-tool.js';
import { isFaststart, readTopLevelBoxes } from './mp4-boxes.js';

describe('mp4 boxes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'boxes-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tells a faststart file from one with the index at the end', async () => {
    const make = async (name: string, faststart: boolean) => {
      const path = join(dir, name);
      const args = [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=32x32:rate=8:duration=1',
        '-c:v',
        'libx264',
      ];
      await runTool('ffmpeg', [...args, ...(faststart ? ['-movflags', '+faststart'] : []), path]).exited;
      return path;
    };
    const late = await make('late.mp4', false);
    const early = await make('early.mp4', true);
    expect((await readTopLevelBoxes(late)).map((box) => box.type)).toEqual(['ftyp', 'free', 'mdat', 'moov']);
    expect(await isFaststart(late)).toBe(false);
    expect(await isFaststart(early)).toBe(true);
  });
});
