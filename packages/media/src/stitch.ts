/**
 * Joins segment videos in order into one MP4, crossfading each overlap: the last k frames of a
 * segment are blended with the first k of the next, so the result has
 * sum(segment frames) − sum(overlaps) frames, exactly. We decode, blend and re-encode in Node
 * rather than chain ffmpeg's xfade filters: xfade places transitions by timestamp, where rounding
 * can gain or lose a frame, while counting frames here makes the length exact by construction.
 */

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { blendFrames, crossfadeWeight } from './crossfade.js';
import { decodeFrames } from './decode-frames.js';
import { type EncodedVideo, type EncodeMp4Options, encodeMp4 } from './encode-mp4.js';
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
import { probeVideo, type VideoProbe } from './probe.js';
import type { VideoFormat } from './video-format.js';

export interface StitchOptions extends Omit<EncodeMp4Options, 'oddSize'> {
  /** Frames shared by neighbouring segments: one number for every join, or one per join. Default 0. */
  overlaps?: number | readonly number[];
}

export interface StitchedVideo extends EncodedVideo {
  segmentFrames: number[];
  overlaps: number[];
}

export async function stitchVideos(
  segments: readonly string[],
  outPath: string,
  options: StitchOptions = {},
): Promise<StitchedVideo> {
  if (segments.length === 0) throw new InvalidMediaInputError('cannot stitch zero segments');
  const overlaps = resolveOverlaps(segments.length, options.overlaps ?? 0);
  await Promise.all(segments.map(assertReadable));
  const probes = await Promise.all(segments.map((path) => probeVideo(path, options)));
  const format = commonFormat(segments, probes);
  probes.forEach((probe, i) => {
    const need = (overlaps[i - 1] ?? 0) + (overlaps[i] ?? 0);
    if (probe.frameCount < need) {
      throw new InvalidMediaInputError(
        `segment ${i} has ${probe.frameCount} frames; its overlaps need ${need}`,
      );
    }
  });

  const encoded = await encodeMp4(
    stitchedFrames(segments, overlaps, format, options),
    format,
    outPath,
    options,
  );
  return { ...encoded, segmentFrames: probes.map((probe) => probe.frameCount), overlaps };
}

/** A missing segment is bad input (a broken chain), not an ffprobe failure worth retrying. */
async function assertReadable(path: string, index: number): Promise<void> {
  await access(path, constants.R_OK).catch((cause: unknown) => {
    throw new InvalidMediaInputError(`segment ${index} (${path}) cannot be read`, { cause });
  });
}

function resolveOverlaps(count: number, overlaps: number | readonly number[]): number[] {
  const list = typeof overlaps === 'number' ? Array<number>(count - 1).fill(overlaps) : [...overlaps];
  if (list.length !== count - 1) {
    throw new InvalidMediaInputError(`${count} segments need ${count - 1} overlaps, got ${list.length}`);
  }
  for (const overlap of list) {
    if (!Number.isInteger(overlap) || overlap < 0) {
      throw new InvalidMediaInputError(`expected overlaps to be integers >= 0, got ${overlap}`);
    }
  }
  return list;
}

function commonFormat(segments: readonly string[], probes: VideoProbe[]): VideoFormat {
  const first = probes[0]!;
  probes.forEach((probe, i) => {
    if (probe.width !== first.width || probe.height !== first.height) {
      throw new InvalidMediaInputError(
        `segment ${i} (${segments[i]}) is ${probe.width}x${probe.height}; segment 0 is ${first.width}x${first.height}`,
      );
    }
    if (Math.abs(probe.fps - first.fps) > 1e-3) {
      throw new InvalidMediaInputError(`segment ${i} runs at ${probe.fps} fps; segment 0 at ${first.fps}`);
    }
  });
  return { width: first.width, height: first.height, fps: first.fps };
}

/** Streams the joined frames; holds only each segment's last `overlap` frames in memory. */
async function* stitchedFrames(
  segments: readonly string[],
  overlaps: readonly number[],
  format: VideoFormat,
  options: StitchOptions,
): AsyncGenerator<Buffer> {
  let previousTail: Buffer[] = [];
  for (const [s, path] of segments.entries()) {
    const head = overlaps[s - 1] ?? 0;
    const tail = overlaps[s] ?? 0;
    const held: Buffer[] = [];
    let index = 0;
    for await (const frame of decodeFrames(path, format, options)) {
      if (index < head) {
        yield blendFrames(previousTail[index]!, frame, crossfadeWeight(index, head));
      } else {
        held.push(frame);
        if (held.length > tail) yield held.shift()!;
      }
      index++;
    }
    if (index < head + tail) {
      throw new InvalidMediaInputError(
        `segment ${s} decoded to ${index} frames; its overlaps need ${head + tail}`,
      );
    }
    previousTail = held;
  }
}
