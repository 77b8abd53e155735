import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, gradientFrames, meanColor, solidFrames } from '../test/synthetic-frames.js';
import { crossfadeWeight } from './crossfade.js';
import { decodeFrames } from './decode-frames.js';
import { encodeMp4 } from './encode-mp4.js';
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
import { probeVideo } from './probe.js';
import { stitchVideos } from './stitch.js';

const FORMAT = { width: 48, height: 32, fps: 16 };
// Mid-range colors: they survive the RGB → yuv420p → RGB round trips without clipping.
const COLORS = [
  [200, 60, 60],
  [60, 200, 60],
  [60, 60, 200],
] as const;
const LENGTHS = [10, 12, 8];

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((value, i) => Math.abs(value - b[i]!)));
}

function mix(from: readonly number[], to: readonly number[], weight: number): number[] {
  return from.map((value, i) => value * (1 - weight) + to[i]! * weight);
}

describe('stitchVideos', () => {
  let dir: string;
  let segments: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stitch-'));
    segments = await Promise.all(
      COLORS.map(async (color, i) => {
        const path = join(dir, `segment-${i}.mp4`);
        await encodeMp4(solidFrames(FORMAT, LENGTHS[i]!, color), FORMAT, path);
        return path;
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('joins 3 segments into sum(frames) - sum(overlaps) frames with blended overlaps', async () => {
    const out = join(dir, 'joined.mp4');
    const result = await stitchVideos(segments, out, {
      overlaps: [3, 2],
      posterPath: join(dir, 'joined.png'),
    });
    const expected = 10 + 12 + 8 - (3 + 2);
    expect(result).toMatchObject({ frameCount: expected, segmentFrames: LENGTHS, overlaps: [3, 2] });
    const probe = await probeVideo(out, { countFrames: true });
    expect(probe).toMatchObject({
      frameCount: expected,
      codec: 'h264',
      pixFmt: 'yuv420p',
      width: 48,
      height: 32,
    });
    expect(probe.faststart).toBe(true);

    const colors = (await collect(decodeFrames(out, FORMAT))).map(meanColor);
    expect(colors).toHaveLength(expected);
    // Expected timeline: 7 red, 3 red→green blends, 7 green, 2 green→blue blends, 6 blue.
    const timeline: number[][] = [
      ...Array<number[]>(7).fill([...COLORS[0]]),
      ...[0, 1, 2].map((j) => mix(COLORS[0], COLORS[1], crossfadeWeight(j, 3))),
      ...Array<number[]>(7).fill([...COLORS[1]]),
      ...[0, 1].map((j) => mix(COLORS[1], COLORS[2], crossfadeWeight(j, 2))),
      ...Array<number[]>(6).fill([...COLORS[2]]),
    ];
    colors.forEach((color, i) => {
      expect(distance(color, timeline[i]!), `frame ${i}`).toBeLessThan(6);
    });
    // The overlap frames are real blends, not a copy of either side.
    expect(distance(colors[7]!, COLORS[0])).toBeGreaterThan(25);
    expect(distance(colors[9]!, COLORS[1])).toBeGreaterThan(25);
  });

  it('accepts one overlap for every join, and zero overlaps as a plain concatenation', async () => {
    expect((await stitchVideos(segments, join(dir, 'two.mp4'), { overlaps: 2 })).frameCount).toBe(30 - 4);
    const plain = await stitchVideos(segments, join(dir, 'plain.mp4'));
    expect((await probeVideo(plain.path, { countFrames: true })).frameCount).toBe(30);
  });

  it('passes a single segment through frame for frame', async () => {
    const result = await stitchVideos([segments[0]!], join(dir, 'one.mp4'));
    expect(result.frameCount).toBe(10);
  });

  it('rejects overlaps that do not fit, a wrong overlap count and mismatched segments', async () => {
    const out = join(dir, 'bad.mp4');
    await expect(stitchVideos(segments, out, { overlaps: [7, 6] })).rejects.toThrow(
      /segment 1 has 12 frames; its overlaps need 13/,
    );
    await expect(stitchVideos(segments, out, { overlaps: [1, 13] })).rejects.toBeInstanceOf(
      InvalidMediaInputError,
    );
    await expect(stitchVideos(segments, out, { overlaps: [1] })).rejects.toThrow(
      /3 segments need 2 overlaps/,
    );
    await expect(stitchVideos(segments, out, { overlaps: [1, -1] })).rejects.toThrow(/integers >= 0/);
    await expect(stitchVideos([], out)).rejects.toThrow(/zero segments/);
    await expect(stitchVideos([segments[0]!, join(dir, 'missing.mp4')], out)).rejects.toThrow(
      /segment 1 .*missing\.mp4\) cannot be read/,
    );

    const other = join(dir, 'other-size.mp4');
    await encodeMp4(gradientFrames({ width: 64, height: 32 }, 4), { width: 64, height: 32, fps: 16 }, other);
    await expect(stitchVideos([segments[0]!, other], out)).rejects.toThrow(/is 64x32; segment 0 is 48x32/);
  });
});
