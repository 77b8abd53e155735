/**
 * gpuq on a real Redis Cluster (three masters, one replica each): the api, the rate limiter,
 * cancellation and both worker fleets connect through REDIS_CLUSTER_NODES with the queue keys
 * under one hash tag; the master of the queue's slot killed mid-run is replaced by its replica
 * with no job lost and no credit charged twice.
 */
import { startRedisCluster } from '@gpuq/testing';
import { describeRedisTopology } from './topology-suite.js';

describeRedisTopology('Redis Cluster', {
  async start() {
    const redis = await startRedisCluster();
    return { redis, settings: { REDIS_CLUSTER_NODES: redis.seeds } };
  },
  // The queue prefix is the hash tag: its slot holds every key of both queues.
  killMaster: (drill) => drill.redis.killMasterOf(drill.api.env.QUEUE_PREFIX),
});
