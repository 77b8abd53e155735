/**
 * Starts ffmpeg/ffprobe as a child process and turns its end into one promise with typed errors:
 * a missing executable, a non-zero exit (with the tail of stderr), or the caller's abort.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { FfmpegFailedError } from '../errors/ffmpeg-failed-error.js';
import { FfmpegNotFoundError } from '../errors/ffmpeg-not-found-error.js';
import { MediaAbortedError } from '../errors/media-aborted-error.js';

const STDERR_TAIL_BYTES = 8192;

export interface ToolProcess {
  child: ChildProcess;
  /** Resolves on exit 0; rejects with a MediaError otherwise. Never left unhandled. */
  exited: Promise<void>;
  /** Everything written to stdout when `collectStdout` is set. */
  stdout(): Buffer;
}

export interface RunToolOptions {
  /** Pipe stdin (frames in); otherwise it is closed. */
  stdin?: boolean;
  /** Buffer all of stdout (ffprobe's JSON); otherwise the caller reads `child.stdout`. */
  collectStdout?: boolean;
  /** Pipe stdout for the caller to stream; ignored when collecting. */
  stdout?: boolean;
  signal?: AbortSignal;
}

export function runTool(
  executable: string,
  args: readonly string[],
  options: RunToolOptions = {},
): ToolProcess {
  const child = spawn(executable, args, {
    stdio: [
      options.stdin ? 'pipe' : 'ignore',
      options.stdout || options.collectStdout ? 'pipe' : 'ignore',
      'pipe',
    ],
    ...(options.signal ? { signal: options.signal, killSignal: 'SIGKILL' as const } : {}),
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
  });
  const chunks: Buffer[] = [];
  if (options.collectStdout) child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A child that exits early makes writes fail with EPIPE; the exit status is the real story.
  child.stdin?.on('error', () => undefined);

  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (options.signal?.aborted) reject(new MediaAbortedError({ cause: options.signal.reason }));
      else if (error.code === 'ENOENT' || error.code === 'EACCES')
        reject(new FfmpegNotFoundError(executable, { cause: error }));
      else reject(new FfmpegFailedError(executable, null, stderr, { cause: error }));
    });
    child.once('close', (code) => {
      if (code === 0) resolve();
      else if (options.signal?.aborted) reject(new MediaAbortedError({ cause: options.signal.reason }));
      else reject(new FfmpegFailedError(executable, code, stderr));
    });
  });
  exited.catch(() => undefined); // callers await it; this only prevents an unhandled rejection
  return { child, exited, stdout: () => Buffer.concat(chunks) };
}
