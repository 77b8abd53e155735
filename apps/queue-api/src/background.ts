/**
 * The loops an api process runs beside its routes: the reconciler (tasks whose enqueue was lost)
 * and the task protocol's stale-claim reaper and dependency dispatcher (which puts a travel's next
 * segment and its stitch on wan_queue as their dependencies complete). main.ts and the test
 * harness start the same set.
 */
import { startTaskProtocolBackground } from '@gpuq/task-protocol';
import { startReconciler } from './jobs/reconciler.js';
import type { ApiServices } from './services.js';

export interface ApiBackground {
  stop(): Promise<void>;
}

export async function startApiBackground(services: ApiServices): Promise<ApiBackground> {
  const stopReconciler = startReconciler(services);
  const protocol = await startTaskProtocolBackground({
    db: services.db,
    logger: services.logger,
    enqueue: services.enqueueTask,
    settings: services.protocolSettings,
  });
  return {
    async stop() {
      stopReconciler();
      await protocol.stop();
    },
  };
}
