/**
 * The WAN fleet on a GPU host that does not share the api's disk, all real: the worker process has
 * a GPUQ_DATA_DIR of its own and WORKER_STORAGE=api, so every file it reads (a travel's start image
 * in another bucket, each predecessor's video, the segments it stitches) and writes (segments,
 * travel, poster) goes through the job-callback service's signed URLs. A write to its own disk
 * would not be found by the api: the outputs are read back through the api's storage.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { storedOutputs } from '@gpuq/db';
import { describe, expect, it } from 'vitest';
import {
  DUNES_TRAVEL,
  newUser,
  probeStored,
  runMetadata,
  runTravel,
  storeImage,
  videoPathOf,
} from './travel-helpers.js';
import { useWanStack } from './wan-stack.js';

const stack = useWanStack('wan-remote', { WAN_TINY_CHECKPOINT: 'image-to-video' }, { remoteWorker: true });

describe('travel on a WAN worker without the api disk (WORKER_STORAGE=api)', () => {
  it('reads its inputs and stores three segments and the stitch through signed URLs', async () => {
    expect(stack.workerDataDir).not.toBe(stack.api.env.GPUQ_DATA_DIR);
    const user = await newUser(stack.api);
    const start = await storeImage(stack.api, user, 'start', [30, 160, 90]);
    const { orchestrator, segments, stitch } = await runTravel(stack.api, stack.worker, user, {
      ...DUNES_TRAVEL,
      input_image_paths_resolved: [start],
    });
    const tasks = [...segments, stitch];
    expect(
      tasks.map((task) => [task.taskType, task.status, task.workerId]),
      tasks.map((task) => task.errorMessage).join('; '),
    ).toEqual([
      ['travel_segment', 'Complete', 'wan-remote'],
      ['travel_segment', 'Complete', 'wan-remote'],
      ['travel_segment', 'Complete', 'wan-remote'],
      ['travel_stitch', 'Complete', 'wan-remote'],
    ]);
    expect(orchestrator.status).toBe('Complete');

    // Read: the start image (bucket `uploads`), then each predecessor's video, all downloaded.
    expect(segments.map((task) => runMetadata(task)?.startedFrom)).toEqual([
      { bucket: 'uploads', path: `${user.userId}/start.png`, frame: 0 },
      { bucket: 'travel', path: videoPathOf(segments[0]!), frame: 6 },
      { bucket: 'travel', path: videoPathOf(segments[1]!), frame: 9 },
    ]);
    // Written: every output is in the api's storage, under <userId>/<taskId>/.
    for (const task of tasks) {
      for (const output of storedOutputs(task)) {
        expect(output.path.startsWith(`${user.userId}/${task.id}/`)).toBe(true);
        expect(await stack.api.services.storage.exists(output.bucket, output.path)).toBe(true);
      }
    }
    const probes = await Promise.all(segments.map((task) => probeStored(stack.api, task, stack.work)));
    expect(probes.map((probe) => probe.frameCount)).toEqual([9, 11, 9]);
    const travel = await probeStored(stack.api, stitch, stack.work);
    expect(travel).toMatchObject({ codec: 'h264', frameCount: 9 + 11 + 9 - (3 + 2) });

    // Nothing went to the worker's own disk but its models.
    expect(existsSync(join(stack.workerDataDir, 'models'))).toBe(true);
    expect(existsSync(join(stack.workerDataDir, 'storage'))).toBe(false);
    expect(stack.worker.output()).toContain('"storage":"api"');
  }, 200_000);
});
