/**
 * Encode and stitch speed at WAN 2.1's size (832x480, 81 frames, 16 fps) on this machine's CPU.
 * Run after `pnpm build`: `pnpm --filter @gpuq/media bench`.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMp4, stitchVideos } from '../dist/index.js';

const format = { width: 832, height: 480, fps: 16 };
const frameCount = 81;

function frames(shift) {
  return Array.from({ length: frameCount }, (_, t) => {
    const frame = Buffer.alloc(format.width * format.height * 3);
    for (let y = 0; y < format.height; y++) {
      for (let x = 0; x < format.width; x++) {
        const at = (y * format.width + x) * 3;
        frame[at] = (x + t * 3 + shift) & 0xff;
        frame[at + 1] = (y + t) & 0xff;
        frame[at + 2] = ((x ^ y) + shift) & 0xff;
      }
    }
    return frame;
  });
}

const dir = await mkdtemp(join(tmpdir(), 'media-bench-'));
try {
  for (const preset of ['medium', 'veryfast']) {
    const started = performance.now();
    const out = join(dir, `clip-${preset}.mp4`);
    await encodeMp4(frames(0), format, out, { preset, posterPath: join(dir, 'poster.png') });
    const seconds = (performance.now() - started) / 1000;
    const { size } = await stat(out);
    console.log(
      `encode ${preset}: ${frameCount} frames ${format.width}x${format.height} in ${seconds.toFixed(2)} s ` +
        `(${(frameCount / seconds).toFixed(1)} frames/s, ${(size / 1024).toFixed(0)} KiB)`,
    );
  }
  const segments = [];
  for (let i = 0; i < 3; i++) {
    const path = join(dir, `segment-${i}.mp4`);
    await encodeMp4(frames(i * 40), format, path, { preset: 'veryfast' });
    segments.push(path);
  }
  const started = performance.now();
  const stitched = await stitchVideos(segments, join(dir, 'stitched.mp4'), { overlaps: 8 });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `stitch 3x${frameCount} frames, overlap 8 → ${stitched.frameCount} frames in ${seconds.toFixed(2)} s ` +
      `(${(stitched.frameCount / seconds).toFixed(1)} frames/s, decode + blend + encode)`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
