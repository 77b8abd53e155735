import { MediaError } from './media-error.js';

/** ffmpeg or ffprobe ran and failed; `stderr` holds the tail of what it said. */
export class FfmpegFailedError extends MediaError {
  override name = 'FfmpegFailedError';
  readonly executable: string;
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(executable: string, exitCode: number | null, stderr: string, options?: { cause?: unknown }) {
    const said = stderr.trim().split('\n').slice(-3).join(' | ');
    super(
      'ffmpeg_failed',
      `${executable} failed (exit ${exitCode ?? 'by signal'})${said ? `: ${said}` : ''}`,
      options,
    );
    this.executable = executable;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
