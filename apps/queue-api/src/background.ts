/**
 * The loops an api process runs beside its routes: the reconciler (tasks whose enqueue was lost)
 * and the task protocol's stale-claim reaper and dependency dispatcher (which puts a travel's next
 * segment and its stitch on wan_queue as their dependencies complete). main.ts and the test
 * harness start the same set.
 *
 * With many api instances on one database only the leader runs them (a Postgres session lock on
 * the direct connection, leader-election.ts in @gpuq/db); another instance takes over within
 * LEADER_FAILOVER_S of the leader's death. Each loop is also safe to run twice, so a short
 * overlap while leadership moves costs nothing but a repeated pass. The dead-letter watcher is
 * not among them: it reacts to BullMQ events rather than polling, and every instance running it
 * means no failed job waits for an election.
 */
import { startLeaderElection } from '@gpuq/db';
import { startTaskProtocolBackground } from '@gpuq/task-protocol';
import { startReconciler } from './jobs/reconciler.js';
import type { ApiServices } from './services.js';

export interface ApiBackground {
  /** Whether this instance runs the loops now. */
  isLeader(): boolean;
  stop(): Promise<void>;
}

async function startLoops(services: ApiServices): Promise<() => Promise<void>> {
  const stopReconciler = startReconciler(services);
  const protocol = await startTaskProtocolBackground({
    db: services.db,
    logger: services.logger,
    enqueue: services.enqueueTask,
    settings: services.protocolSettings,
  });
  return async () => {
    stopReconciler();
    await protocol.stop();
  };
}

export async function startApiBackground(services: ApiServices): Promise<ApiBackground> {
  const { env } = services;
  const directUrl = env.DATABASE_DIRECT_URL ?? env.DATABASE_URL;
  if (!directUrl) {
    // Embedded PGlite belongs to this one process: nobody to share the loops with.
    const stop = await startLoops(services);
    return { isLeader: () => true, stop };
  }
  let stopLoops: (() => Promise<void>) | null = null;
  const election = startLeaderElection({
    url: directUrl,
    // Deployments sharing a database but not a queue each elect their own leader.
    name: `gpuq:background:${env.QUEUE_PREFIX}`,
    failoverMs: env.LEADER_FAILOVER_S * 1000,
    logger: services.logger,
    applicationName: 'queue-api-leader',
    async onElected() {
      stopLoops = await startLoops(services);
    },
    async onDeposed() {
      const stop = stopLoops;
      stopLoops = null;
      await stop?.();
    },
  });
  // The first pass has run (or another instance leads) once start-up is over, as with one instance.
  await election.firstTry;
  return { isLeader: () => election.isLeader(), stop: () => election.stop() };
}
