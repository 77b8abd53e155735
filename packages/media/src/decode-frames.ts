/**
 * Decodes a video into RGB8 frames, streamed from ffmpeg's stdout one frame at a time, so a long
 * segment never sits in memory whole. Stopping the iteration early kills the decoder.
 */
import { FfmpegFailedError } from './errors/ffmpeg-failed-error.js';
import { type FfmpegToolsOptions, resolveFfmpegTools } from './ffmpeg/ffmpeg-tools.js';
import { runTool } from './ffmpeg/run-tool.js';
import { frameBytes } from './video-format.js';

export interface DecodeOptions extends FfmpegToolsOptions {
  signal?: AbortSignal;
}

export async function* decodeFrames(
  path: string,
  size: { width: number; height: number },
  options: DecodeOptions = {},
): AsyncGenerator<Buffer> {
  const { ffmpeg } = resolveFfmpegTools(options);
  const kill = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, kill.signal]) : kill.signal;
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-i', path, '-map', '0:v:0'],
    // passthrough: every decoded frame once, no rate conversion.
    ...['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ];
  const run = runTool(ffmpeg, args, { stdout: true, signal });
  const bytes = frameBytes(size);
  let frame = Buffer.allocUnsafe(bytes);
  let filled = 0;
  let finished = false;
  try {
    for await (const chunk of run.child.stdout! as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(bytes - filled, chunk.length - offset);
        chunk.copy(frame, filled, offset, offset + take);
        filled += take;
        offset += take;
        if (filled === bytes) {
          yield frame;
          frame = Buffer.allocUnsafe(bytes); // the consumer may keep the previous one
          filled = 0;
        }
      }
    }
    await run.exited;
    if (filled !== 0)
      throw new FfmpegFailedError(ffmpeg, 0, `${path}: stream ended inside a frame (${filled} bytes)`);
    finished = true;
  } finally {
    if (!finished) {
      kill.abort();
      await run.exited.catch(() => undefined);
    }
  }
}
