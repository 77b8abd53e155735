/**
 * A travel_stitch on the WAN fleet: the segment videos named in the job data (resolved by the api
 * when every segment was Complete) joined into one MP4 with each overlap crossfaded, plus a
 * poster. The runtime stores both and reports them; completing the stitch completes the travel.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TravelJobInputs } from '@gpuq/job-types';
import { stitchStoredVideos } from '@gpuq/media';
import type { ModelResult, ModelRunContext } from '@gpuq/worker-runtime';

export type StitchInputs = Extract<TravelJobInputs, { kind: 'stitch' }>;

export async function runTravelStitchJob(
  inputs: StitchInputs,
  context: ModelRunContext,
): Promise<ModelResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'gpuq-wan-stitch-'));
  try {
    const stitched = await stitchStoredVideos({
      storage: context.storage,
      segments: inputs.segmentVideos,
      overlaps: inputs.overlaps,
      workDir,
      signal: context.signal,
    });
    context.logger.info({ frames: stitched.frameCount, segments: stitched.segmentFrames }, 'travel stitched');
    return {
      files: [
        {
          kind: 'video',
          filename: 'travel.mp4',
          contentType: 'video/mp4',
          bytes: await readFile(stitched.videoFile),
        },
        {
          kind: 'poster',
          filename: 'travel.png',
          contentType: 'image/png',
          bytes: await readFile(stitched.posterFile),
        },
      ],
      metadata: { frameCount: stitched.frameCount, segmentFrames: stitched.segmentFrames },
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
