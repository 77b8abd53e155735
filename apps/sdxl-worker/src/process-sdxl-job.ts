/**
 * The SDXL fleet's per-job work. The native engine (packages/engine) is not wired in yet, so a
 * job is refused as unrecoverable with that reason rather than faked: it lands failed, visibly.
 */
import type { Logger } from '@gpuq/logger';
import type { ProcessJob } from '@gpuq/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import type { SdxlWorkerSettings } from './env.js';

export const ENGINE_PENDING = 'the SDXL engine is not wired into this worker yet';

export async function prepareSdxl(_settings: SdxlWorkerSettings, logger: Logger): Promise<ProcessJob> {
  logger.warn(ENGINE_PENDING);
  return async (job, { logger: jobLogger }) => {
    jobLogger.warn({ taskType: job.data.taskType }, ENGINE_PENDING);
    throw new UnrecoverableError(ENGINE_PENDING);
  };
}
