import { MediaError } from './media-error.js';

/** The ffmpeg or ffprobe executable could not be started. */
export class FfmpegNotFoundError extends MediaError {
  override name = 'FfmpegNotFoundError';
  readonly executable: string;

  constructor(executable: string, options?: { cause?: unknown }) {
    super(
      'ffmpeg_not_found',
      `cannot run ${executable}: install Debian's ffmpeg (apt-get install -y ffmpeg) or set FFMPEG_PATH / FFPROBE_PATH`,
      options,
    );
    this.executable = executable;
  }
}
