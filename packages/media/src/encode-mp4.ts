/**
 * Frames → MP4 (H.264, yuv420p, moov atom first for progressive playback) through ffmpeg, frames
 * streamed over stdin as rawvideo: no temporary file per frame, memory bounded by the pipe.
 * Output is written to a temporary name and renamed, so a failed or cancelled encode never leaves
 * a half-written file at `outPath`. Optionally writes a poster PNG of one frame.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MediaError } from './errors/media-error.js';
import { evenSize, type OddSizePolicy } from './even-size.js';
import { type FfmpegToolsOptions, resolveFfmpegTools } from './ffmpeg/ffmpeg-tools.js';
import { runTool } from './ffmpeg/run-tool.js';
import { checkedFrames, type FrameSource, type FrameTally, precheckFrames } from './frame-source.js';
import { encodePng } from './png.js';
import { assertVideoFormat, type VideoFormat } from './video-format.js';

export interface EncodeMp4Options extends FfmpegToolsOptions {
  /** x264 constant rate factor; default 18 (visually lossless for generated video). */
  crf?: number;
  /** x264 preset; default `medium`. `veryfast` is ~3x faster at a larger file. */
  preset?: string;
  /** Odd width/height handling; default `pad` (see even-size.ts). */
  oddSize?: OddSizePolicy;
  /** Also write this frame as a PNG here (original size, no padding). */
  posterPath?: string;
  /** Which frame the poster shows; default 0, clamped to the last frame. */
  posterFrame?: number;
  /** ffmpeg encoder threads; default ffmpeg's choice. */
  threads?: number;
  signal?: AbortSignal;
}

export interface EncodedVideo {
  path: string;
  posterPath: string | undefined;
  frameCount: number;
  /** Size of the encoded video, after any odd-size adjustment. */
  width: number;
  height: number;
  fps: number;
  adjustment: 'none' | 'padded' | 'cropped';
}

export async function encodeMp4(
  frames: FrameSource,
  format: VideoFormat,
  outPath: string,
  options: EncodeMp4Options = {},
): Promise<EncodedVideo> {
  assertVideoFormat(format);
  precheckFrames(frames, format);
  const size = evenSize(format, options.oddSize ?? 'pad');
  const tools = resolveFfmpegTools(options);
  await mkdir(dirname(outPath), { recursive: true });
  const temporary = `${outPath}.${randomUUID()}.partial`;

  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s:v', `${format.width}x${format.height}`],
    ...['-framerate', String(format.fps), '-i', 'pipe:0'],
    ...(size.filter ? ['-vf', size.filter] : []),
    ...['-c:v', 'libx264', '-preset', options.preset ?? 'medium', '-crf', String(options.crf ?? 18)],
    ...(options.threads ? ['-threads', String(options.threads)] : []),
    // passthrough: one output frame per input frame, whatever the muxer's timestamp rounding.
    ...['-pix_fmt', 'yuv420p', '-fps_mode', 'passthrough', '-movflags', '+faststart', '-an'],
    ...['-f', 'mp4', temporary],
  ];

  const kill = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, kill.signal]) : kill.signal;
  const ffmpeg = runTool(tools.ffmpeg, args, { stdin: true, signal });
  const tally: FrameTally = { count: 0, poster: undefined };
  try {
    const pumpError = await pipeline(
      Readable.from(checkedFrames(frames, format, tally, options.posterFrame ?? 0)),
      ffmpeg.child.stdin!,
      options.signal ? { signal: options.signal } : {},
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    // Our own validation errors win; otherwise ffmpeg's exit explains a broken pipe best.
    if (pumpError instanceof MediaError) {
      kill.abort(pumpError);
      await ffmpeg.exited.catch(() => undefined);
      throw pumpError;
    }
    await ffmpeg.exited;
    if (pumpError) throw pumpError;
    await rename(temporary, outPath);
  } catch (error) {
    kill.abort(error);
    await rm(temporary, { force: true });
    throw error;
  }

  if (options.posterPath && tally.poster) {
    await mkdir(dirname(options.posterPath), { recursive: true });
    await writeFile(options.posterPath, encodePng(tally.poster, format.width, format.height));
  }
  return {
    path: outPath,
    posterPath: options.posterPath,
    frameCount: tally.count,
    width: size.width,
    height: size.height,
    fps: format.fps,
    adjustment: size.adjustment,
  };
}
