import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanColor, solidFrames } from '../test/synthetic-frames.js';
import { encodeMp4 } from './encode-mp4.js';
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
import { encodePng } from './png.js';
import { readFrame } from './read-frame.js';

const FORMAT = { width: 32, height: 16, fps: 16 };
const COLORS = [
  [200, 60, 60],
  [60, 200, 60],
  [60, 60, 200],
] as const;

function near(actual: readonly number[], expected: readonly number[]): boolean {
  return actual.every((value, i) => Math.abs(value - expected[i]!) <= 6);
}

describe('readFrame', () => {
  let dir: string;
  let video: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'read-frame-'));
    video = join(dir, 'three.mp4');
    // Three frames of each color: frame i has color COLORS[floor(i / 3)].
    await encodeMp4(
      COLORS.flatMap((color) => solidFrames(FORMAT, 3, color)),
      FORMAT,
      video,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the frame asked for, counting from the start or the end', async () => {
    const fourth = await readFrame(video, 3);
    expect(fourth).toMatchObject({ width: 32, height: 16, index: 3, frameCount: 9 });
    expect(fourth.rgb.length).toBe(32 * 16 * 3);
    expect(near(meanColor(fourth.rgb), COLORS[1])).toBe(true);
    const last = await readFrame(video, -1);
    expect(last.index).toBe(8);
    expect(near(meanColor(last.rgb), COLORS[2])).toBe(true);
    expect(near(meanColor((await readFrame(video, 0)).rgb), COLORS[0])).toBe(true);
  });

  it('reads a still image as its only frame', async () => {
    const png = join(dir, 'still.png');
    await writeFile(png, encodePng(new Uint8Array(4 * 2 * 3).fill(90), 4, 2));
    const frame = await readFrame(png, -1);
    expect(frame).toMatchObject({ width: 4, height: 2, index: 0, frameCount: 1 });
    expect([...frame.rgb]).toEqual(Array(24).fill(90));
  });

  it('refuses a frame past either end', async () => {
    await expect(readFrame(video, 9)).rejects.toBeInstanceOf(InvalidMediaInputError);
    await expect(readFrame(video, -10)).rejects.toBeInstanceOf(InvalidMediaInputError);
  });
});
