/**
 * The files a `completed` report names wait in the staging bucket (STAGING_BUCKET, same
 * `<userId>/<taskId>/<filename>` path) until the report is accepted; nothing serves them there.
 * Accepting one checks every named file (there, not empty, of the type its kind and name say:
 * otherwise 400 naming the field) and then moves them all to the job's bucket, inside the
 * transaction that records the completion, so a task is Complete exactly when its outputs are
 * readable. A refused report (the task was cancelled or failed meanwhile) has its staged files
 * removed: the outputs of a job nobody pays for are never served.
 */
import { posix } from 'node:path';
import type { StoredOutput } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import {
  DEFAULT_CONTENT_TYPE,
  essenceOf,
  guessContentType,
  type ObjectInfo,
  STAGING_BUCKET,
  type Storage,
  StorageObjectNotFound,
} from '@gpuq/storage';
import type { ReportedOutput } from './callback-outputs.js';

export interface PromotedOutputs {
  /** Moves the files back to staging (the transaction that recorded them did not commit). */
  undo(): Promise<void>;
}

/** The media type family each output kind must have. */
const FAMILY = { image: 'image', poster: 'image', video: 'video' } as const;

/**
 * 400 naming the field unless every named file is staged, not empty, and of its kind and name's
 * type; else each file's info, in the order of `outputs`.
 */
export async function checkStagedOutputs(
  storage: Storage,
  outputs: readonly ReportedOutput[],
): Promise<ObjectInfo[]> {
  const infos: ObjectInfo[] = [];
  for (const { output, field } of outputs) {
    const info = await storage.stat(STAGING_BUCKET, output.path).catch((error: unknown) => {
      if (!(error instanceof StorageObjectNotFound)) throw error;
      throw refused(field, `${output.path} was not stored (no such staged output)`, error);
    });
    checkObject(info, output.kind, field);
    infos.push(info);
  }
  return infos;
}

function checkObject(info: ObjectInfo, kind: ReportedOutput['output']['kind'], field: string): void {
  if (info.size <= 0) throw refused(field, `${info.path} is empty`);
  const type = essenceOf(info.contentType) ?? info.contentType;
  const family = FAMILY[kind];
  if (!type.startsWith(`${family}/`)) {
    const wanted = family === 'image' ? 'an image' : 'a video';
    throw refused(field, `${info.path} is ${type.slice(0, 100)}, not ${wanted} (a ${kind} output)`);
  }
  const named = guessContentType(info.path);
  if (named !== DEFAULT_CONTENT_TYPE && named !== type) {
    throw refused(field, `${info.path} is ${type} but its name says ${named}`);
  }
}

/** Checks, then moves every staged file to its final place; a failed move puts the others back. */
export async function promoteStagedOutputs(
  storage: Storage,
  outputs: readonly ReportedOutput[],
): Promise<PromotedOutputs> {
  const infos = await checkStagedOutputs(storage, outputs);
  const moved: ReportedOutput[] = [];
  const undo = async () => {
    for (const { output } of moved.splice(0).reverse()) {
      await storage.move(output.bucket, output.path, STAGING_BUCKET, output.path).catch(() => undefined);
    }
  };
  // A job's outputs share a folder per bucket, new for the first moved into it.
  const folders = new Set<string>();
  try {
    for (const [index, reported] of outputs.entries()) {
      const { output, field } = reported;
      // The check just read each file's info: the move does not read it again.
      const source = infos[index];
      const folder = `${output.bucket}/${posix.dirname(output.path)}`;
      const newFolder = !folders.has(folder);
      folders.add(folder);
      await storage
        .move(STAGING_BUCKET, output.path, output.bucket, output.path, { source, newFolder })
        .catch((error: unknown) => {
          if (!(error instanceof StorageObjectNotFound)) throw error;
          throw refused(field, `${output.path} was not stored (no such staged output)`, error);
        });
      moved.push(reported);
    }
  } catch (error) {
    await undo();
    throw error;
  }
  return { undo };
}

/**
 * For a repeated report of a Complete task: moves any recorded output still staged. That happens
 * only when a commit failed on the way back after it had landed (the service then put the files
 * back); the worker's retry is the repeat that finishes the move.
 */
export async function promoteLeftovers(storage: Storage, recorded: readonly StoredOutput[]): Promise<void> {
  for (const output of recorded) {
    if (!(await storage.exists(STAGING_BUCKET, output.path))) continue;
    await storage.move(STAGING_BUCKET, output.path, output.bucket, output.path).catch((error: unknown) => {
      // A concurrent repeat moved it first.
      if (!(error instanceof StorageObjectNotFound)) throw error;
    });
  }
}

/** Removes the staged files of a refused report; best effort (they are unreachable anyway). */
export async function discardStagedOutputs(
  storage: Storage,
  outputs: readonly ReportedOutput[],
): Promise<void> {
  await Promise.all(
    outputs.map(({ output }) => storage.delete(STAGING_BUCKET, output.path).catch(() => undefined)),
  );
}

function refused(field: string, message: string, cause?: unknown): HttpError {
  return new HttpError(400, 'invalid_request', `${field}: ${message}`, { field, cause });
}
