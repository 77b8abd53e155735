/**
 * Where segments of a travel stored their videos, in the order asked (a stitch reads all of them,
 * a segment its predecessor). The stored result
 * (`result.outputs`) is preferred; a segment completed with only a URL is read back through the
 * storage URL rules, so a video outside the owner's folder can never be pulled into a stitch.
 */
import { type Database, getTask, type StoredOutput, storedOutputs, type Task } from '@gpuq/db';
import { type TaskType, taskSpec } from '@gpuq/job-types';
import { parseStorageLocation } from '@gpuq/storage';
import { TravelInputError } from '../errors/travel-input-error.js';

export async function segmentOutputs(
  db: Database,
  reader: Task,
  segmentTaskIds: readonly string[],
  storageBaseUrls: readonly string[],
): Promise<StoredOutput[]> {
  const outputs: StoredOutput[] = [];
  for (const [index, id] of segmentTaskIds.entries()) {
    const segment = await getTask(db, { taskId: id });
    const fail = (message: string, cause?: unknown) =>
      new TravelInputError(reader.id, reader.taskType, message, { cause });
    if (!segment || segment.userId !== reader.userId || segment.status !== 'Complete') {
      throw fail(
        `segment ${segmentIndex(segment, index)} (${id}) is ${segment?.status ?? 'missing'}, not Complete`,
      );
    }
    const stored = storedOutputs(segment).find((output) => output.kind === 'video');
    if (stored) {
      outputs.push(stored);
      continue;
    }
    if (!segment.outputLocation) throw fail(`segment ${segmentIndex(segment, index)} has no output`);
    const bucket = taskSpec(segment.taskType as TaskType).bucket;
    try {
      const location = parseStorageLocation(segment.outputLocation, {
        userId: reader.userId,
        bucket,
        storageBaseUrls,
      });
      outputs.push({ kind: 'video', bucket: location.bucket ?? bucket, path: location.path });
    } catch (cause) {
      throw fail(`segment ${segmentIndex(segment, index)}'s output is not in this system's storage`, cause);
    }
  }
  return outputs;
}

/** The segment's own index when its params name one, else its place in the list asked for. */
function segmentIndex(segment: Task | null, position: number): number {
  const index = segment?.params.segment_index;
  return typeof index === 'number' ? index : position;
}
