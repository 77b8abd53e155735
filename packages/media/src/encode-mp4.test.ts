import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, gradientFrames, meanColor } from '../test/synthetic-frames.js';
import { decodeFrames } from './decode-frames.js';
import { encodeMp4 } from './encode-mp4.js';
import { FfmpegNotFoundError } from './errors/ffmpeg-not-found-error.js';
import { FrameSizeError } from './errors/frame-size-error.js';
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
import { MediaAbortedError } from './errors/media-aborted-error.js';
import { NoFramesError } from './errors/no-frames-error.js';
import { decodePng } from './png.js';
import { probeVideo } from './probe.js';

const FORMAT = { width: 64, height: 48, fps: 16 };

describe('encodeMp4', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'encode-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an H.264 yuv420p faststart MP4 with every frame, and a poster PNG', async () => {
    const frames = gradientFrames(FORMAT, 33);
    const out = join(dir, 'clip.mp4');
    const result = await encodeMp4(frames, FORMAT, out, { posterPath: join(dir, 'clip.png') });
    expect(result).toMatchObject({ frameCount: 33, width: 64, height: 48, fps: 16, adjustment: 'none' });

    const probe = await probeVideo(out, { countFrames: true });
    expect(probe).toMatchObject({
      codec: 'h264',
      pixFmt: 'yuv420p',
      width: 64,
      height: 48,
      fps: 16,
      frameCount: 33,
    });
    expect(probe.faststart).toBe(true);
    expect(probe.durationS).toBeCloseTo(33 / 16, 1);
    expect((await probeVideo(out)).frameCount).toBe(33); // the container's count agrees

    const poster = decodePng(await readFile(join(dir, 'clip.png')));
    expect(poster).toMatchObject({ width: 64, height: 48 });
    expect(poster.rgb.equals(frames[0]!)).toBe(true); // PNG is lossless
  });

  it('keeps frame order and content (within codec noise)', async () => {
    const frames = gradientFrames(FORMAT, 12);
    const out = join(dir, 'order.mp4');
    await encodeMp4(frames, FORMAT, out);
    const decoded = await collect(decodeFrames(out, FORMAT));
    expect(decoded).toHaveLength(12);
    decoded.forEach((frame, i) => {
      const [r, g, b] = meanColor(frame);
      const [er, eg, eb] = meanColor(frames[i]!);
      expect(Math.abs(r - er) + Math.abs(g - eg) + Math.abs(b - eb)).toBeLessThan(6);
    });
  });

  it('streams frames from an async iterable and picks the requested poster frame', async () => {
    const frames = gradientFrames(FORMAT, 10);
    async function* source() {
      yield* frames;
    }
    const poster = join(dir, 'async.png');
    const result = await encodeMp4(source(), FORMAT, join(dir, 'async.mp4'), {
      posterPath: poster,
      posterFrame: 4,
    });
    expect(result.frameCount).toBe(10);
    expect(decodePng(await readFile(poster)).rgb.equals(frames[4]!)).toBe(true);
  });

  it('pads odd sizes by default, crops or rejects them on request', async () => {
    const odd = { width: 65, height: 47, fps: 8 };
    const frames = gradientFrames(odd, 5);
    const padded = await encodeMp4(frames, odd, join(dir, 'pad.mp4'), { posterPath: join(dir, 'pad.png') });
    expect(padded).toMatchObject({ width: 66, height: 48, adjustment: 'padded' });
    expect(await probeVideo(padded.path, { countFrames: true })).toMatchObject({
      width: 66,
      height: 48,
      frameCount: 5,
    });
    expect(decodePng(await readFile(join(dir, 'pad.png')))).toMatchObject({ width: 65, height: 47 });

    const cropped = await encodeMp4(frames, odd, join(dir, 'crop.mp4'), { oddSize: 'crop' });
    expect(await probeVideo(cropped.path)).toMatchObject({ width: 64, height: 46 });

    await expect(encodeMp4(frames, odd, join(dir, 'x.mp4'), { oddSize: 'error' })).rejects.toThrow(
      /even sides/,
    );
  });

  it('encodes a single frame (the image job types) as a one-frame video', async () => {
    const result = await encodeMp4(gradientFrames(FORMAT, 1), FORMAT, join(dir, 'one.mp4'));
    expect((await probeVideo(result.path, { countFrames: true })).frameCount).toBe(1);
  });

  it('rejects zero frames with NoFramesError, from an array or a stream, leaving no file', async () => {
    const out = join(dir, 'empty.mp4');
    await expect(encodeMp4([], FORMAT, out)).rejects.toBeInstanceOf(NoFramesError);
    async function* nothing(): AsyncGenerator<Buffer> {}
    await expect(encodeMp4(nothing(), FORMAT, out)).rejects.toBeInstanceOf(NoFramesError);
    await expect(access(out)).rejects.toThrow();
  });

  it('rejects a frame of the wrong size with FrameSizeError naming the frame', async () => {
    const frames = gradientFrames(FORMAT, 6);
    frames[3] = Buffer.alloc(10);
    const error = await encodeMp4(frames, FORMAT, join(dir, 'bad.mp4')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrameSizeError);
    expect(error).toBeInstanceOf(InvalidMediaInputError);
    expect(error).toMatchObject({
      frameIndex: 3,
      expectedBytes: 64 * 48 * 3,
      actualBytes: 10,
      code: 'invalid_input',
    });

    // Mid-stream: ffmpeg is already running; it is killed and its partial output removed.
    async function* late() {
      yield* gradientFrames(FORMAT, 4);
      yield Buffer.alloc(5);
    }
    const out = join(dir, 'late.mp4');
    await expect(encodeMp4(late(), FORMAT, out)).rejects.toMatchObject({
      name: 'FrameSizeError',
      frameIndex: 4,
    });
    expect((await readdir(dir)).filter((name) => name.startsWith('late.mp4'))).toEqual([]);
  });

  it('rejects bad formats before starting ffmpeg', async () => {
    const frames = gradientFrames(FORMAT, 1);
    await expect(encodeMp4(frames, { ...FORMAT, fps: 0 }, join(dir, 'f.mp4'))).rejects.toThrow(/fps/);
    await expect(encodeMp4(frames, { ...FORMAT, width: 0 }, join(dir, 'f.mp4'))).rejects.toThrow(/width/);
  });

  it('reports a missing ffmpeg as FfmpegNotFoundError', async () => {
    const error = await encodeMp4(gradientFrames(FORMAT, 2), FORMAT, join(dir, 'n.mp4'), {
      ffmpegPath: join(dir, 'no-such-ffmpeg'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FfmpegNotFoundError);
    expect((error as Error).message).toMatch(/apt-get install -y ffmpeg/);
  });

  it('stops on abort with MediaAbortedError and leaves no file', async () => {
    const controller = new AbortController();
    async function* slow() {
      for (const frame of gradientFrames(FORMAT, 100)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield frame;
      }
    }
    const out = join(dir, 'aborted.mp4');
    setTimeout(() => controller.abort(), 50);
    await expect(encodeMp4(slow(), FORMAT, out, { signal: controller.signal })).rejects.toBeInstanceOf(
      MediaAbortedError,
    );
    expect((await readdir(dir)).filter((name) => name.startsWith('aborted.mp4'))).toEqual([]);
  });
});
