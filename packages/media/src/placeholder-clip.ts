/**
 * A tiny real clip for synthetic workers (the drills', the bench's simulated GPUs): two 16×16
 * frames, black then white, encoded as H.264 MP4 by ffmpeg. The callback service sniffs a video
 * job's output, so a stand-in must be a real video; encode it once per process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMp4 } from './encode-mp4.js';

export async function encodePlaceholderClip(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-placeholder-clip-'));
  try {
    const frames = [0, 255].map((shade) => new Uint8Array(16 * 16 * 3).fill(shade));
    const video = await encodeMp4(frames, { width: 16, height: 16, fps: 16 }, join(dir, 'video.mp4'), {
      preset: 'ultrafast',
    });
    return readFileSync(video.path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
