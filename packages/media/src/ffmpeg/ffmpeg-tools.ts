/**
 * Which ffmpeg and ffprobe to run. We use the system's (Debian's `ffmpeg` package): it is
 * maintained with security updates and ships libx264 and ffprobe together. npm packages that
 * embed a binary are either years old (@ffmpeg-installer ships ffmpeg 4.1 and no ffprobe) or
 * download at install time (ffmpeg-static), which fails where only registries are reachable.
 *
 * Packages never read process.env: the app passes FFMPEG_PATH / FFPROBE_PATH in here.
 */
import { basename, dirname, join } from 'node:path';

export interface FfmpegToolsOptions {
  /** ffmpeg executable; default `ffmpeg` looked up on PATH. */
  ffmpegPath?: string;
  /** ffprobe executable; default the `ffprobe` beside a given ffmpegPath, else `ffprobe` on PATH. */
  ffprobePath?: string;
}

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

export function resolveFfmpegTools(options: FfmpegToolsOptions = {}): FfmpegTools {
  const ffmpeg = options.ffmpegPath || 'ffmpeg';
  const sibling = basename(ffmpeg) === ffmpeg ? 'ffprobe' : join(dirname(ffmpeg), 'ffprobe');
  return { ffmpeg, ffprobe: options.ffprobePath || sibling };
}
