/**
 * Where each segment of a travel stored its video, in stitch order. The stored result
 * (`result.outputs`) is preferred; a segment completed with only a URL is read back through the
 * storage URL rules, so a video outside the owner's folder can never be pulled into a stitch.
 */
import { type Database, getTask, type StoredOutput, storedOutputs, type Task } from '@gpuq/db';
import { type TaskType, taskSpec } from '@gpuq/job-types';
import { parseStorageLocation } from '@gpuq/storage';
import { TravelStitchError } from '../errors/travel-stitch-error.js';

export async function segmentOutputs(
  db: Database,
  stitch: Task,
  segmentTaskIds: readonly string[],
  storageBaseUrls: readonly string[],
): Promise<StoredOutput[]> {
  const outputs: StoredOutput[] = [];
  for (const [index, id] of segmentTaskIds.entries()) {
    const segment = await getTask(db, { taskId: id });
    if (!segment || segment.userId !== stitch.userId || segment.status !== 'Complete') {
      throw new TravelStitchError(
        stitch.id,
        `segment ${index} (${id}) is ${segment?.status ?? 'missing'}, not Complete`,
      );
    }
    const stored = storedOutputs(segment).find((output) => output.kind === 'video');
    if (stored) {
      outputs.push(stored);
      continue;
    }
    if (!segment.outputLocation) throw new TravelStitchError(stitch.id, `segment ${index} has no output`);
    const bucket = taskSpec(segment.taskType as TaskType).bucket;
    try {
      const location = parseStorageLocation(segment.outputLocation, {
        userId: stitch.userId,
        bucket,
        storageBaseUrls,
      });
      outputs.push({ kind: 'video', bucket: location.bucket ?? bucket, path: location.path });
    } catch (cause) {
      throw new TravelStitchError(stitch.id, `segment ${index}'s output is not in this system's storage`, {
        cause,
      });
    }
  }
  return outputs;
}
