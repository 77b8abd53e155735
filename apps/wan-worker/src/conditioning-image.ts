/**
 * The image an image-to-video checkpoint starts a job from, and what the job records about it.
 * A travel segment with a predecessor starts from the predecessor's frames: the first frame they
 * share (so the crossfaded overlap joins like frames), or its last frame when they share none
 * (as the travel's segments are cut). Otherwise the job's stored conditioning image
 * (referenceImageUrl, a travel's start image). Text-to-video checkpoints take no image: nothing
 * is read, and a travel's overlap is only crossfaded at the stitch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WanConditioningImage } from '@gpuq/engine';
import type { QueueJobData, StoredFileRef } from '@gpuq/job-types';
import { FfmpegFailedError, InvalidMediaInputError, readFrame } from '@gpuq/media';
import { downloadToFile, type Storage, StorageObjectNotFound } from '@gpuq/storage';
import { UnrecoverableError } from 'bullmq';

export interface Conditioning {
  image?: WanConditioningImage;
  /** Reported with the result: which file and frame the video started from, if any. */
  startedFrom: { bucket: string; path: string; frame: number } | null;
}

interface ConditioningInput {
  job: QueueJobData;
  storage: Storage;
  signal: AbortSignal;
  /** Whether the loaded checkpoint is image-to-video. */
  supportsImage: boolean;
}

export async function conditioningFor(input: ConditioningInput): Promise<Conditioning> {
  if (!input.supportsImage) return { startedFrom: null };
  const { job } = input;
  const segment = job.travel?.kind === 'segment' ? job.travel : null;
  const source: { file: StoredFileRef; frame: number } | null = segment?.previousVideo
    ? { file: segment.previousVideo, frame: -Math.max(segment.overlapWithPrevious, 1) }
    : job.conditioningImage
      ? { file: job.conditioningImage, frame: 0 }
      : null;
  if (!source) {
    throw new UnrecoverableError(
      `${job.taskType}: this WAN checkpoint is image-to-video and needs a start image: referenceImageUrl ` +
        "(or a travel's input image) as a URL of this system's storage in your own folder",
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'gpuq-wan-image-'));
  try {
    const file = join(work, 'source');
    await downloadToFile(input.storage, source.file, file, input.signal);
    const frame = await readFrame(file, source.frame, { signal: input.signal });
    return {
      image: { width: frame.width, height: frame.height, rgb: frame.rgb },
      startedFrom: { ...source.file, frame: frame.index },
    };
  } catch (error) {
    // A missing or unreadable start image fails the same way on every retry.
    if (
      error instanceof StorageObjectNotFound ||
      error instanceof InvalidMediaInputError ||
      error instanceof FfmpegFailedError
    ) {
      throw new UnrecoverableError(
        `${job.taskType}: cannot read the start image ${source.file.bucket}/${source.file.path}: ${error.message}`,
      );
    }
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
