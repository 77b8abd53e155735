/**
 * What ffprobe says about a video's first video stream: codec, pixel format, size, rate and frame
 * count. The count comes from the container (an MP4's sample table is exact) unless
 * `countFrames` asks ffprobe to decode every frame, the ground truth tests rely on.
 */
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
import { type FfmpegToolsOptions, resolveFfmpegTools } from './ffmpeg/ffmpeg-tools.js';
import { runTool } from './ffmpeg/run-tool.js';
import { isFaststart } from './mp4-boxes.js';

export interface ProbeOptions extends FfmpegToolsOptions {
  /** Decode the stream to count frames; default false (use the container's count). */
  countFrames?: boolean;
  signal?: AbortSignal;
}

export interface VideoProbe {
  codec: string;
  pixFmt: string;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  durationS: number;
  /** MP4 only: `moov` before `mdat`. */
  faststart: boolean;
}

interface FfprobeStream {
  codec_name?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_frames?: string;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { duration?: string; format_name?: string };
}

export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoProbe> {
  const { ffprobe } = resolveFfmpegTools(options);
  const args = [
    ...['-v', 'error', '-select_streams', 'v:0', '-of', 'json'],
    ...(options.countFrames ? ['-count_frames'] : []),
    ...['-show_entries', 'stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_frames,nb_read_frames'],
    ...['-show_entries', 'format=duration,format_name', path],
  ];
  const run = runTool(ffprobe, args, {
    collectStdout: true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await run.exited;
  const output = JSON.parse(run.stdout().toString('utf8')) as FfprobeOutput;
  const stream = output.streams?.[0];
  if (!stream?.codec_name || !stream.width || !stream.height) {
    throw new InvalidMediaInputError(`${path} has no video stream`);
  }
  const frames = Number(options.countFrames ? stream.nb_read_frames : stream.nb_frames);
  const isMp4 = output.format?.format_name?.includes('mp4') ?? false;
  return {
    codec: stream.codec_name,
    pixFmt: stream.pix_fmt ?? 'unknown',
    width: stream.width,
    height: stream.height,
    fps: parseRate(stream.r_frame_rate),
    frameCount: Number.isFinite(frames) ? frames : 0,
    durationS: Number(output.format?.duration ?? 0),
    faststart: isMp4 ? await isFaststart(path) : false,
  };
}

/** ffprobe writes rates as fractions ("16/1", "30000/1001"). */
function parseRate(rate: string | undefined): number {
  const [num, den] = (rate ?? '0/1').split('/').map(Number);
  return den ? num! / den : 0;
}
