/**
 * Prometheus metrics of one api instance. Queue depth and backlog are read at scrape time (from
 * Redis and from the data layer), so every instance reports the same fleet-wide truth; request
 * latency and job outcomes are this instance's own counts, summed by Prometheus across instances.
 */
import { JobType, QueueName } from '@gpuq/job-types';
import type { JobQueues } from '@gpuq/queue';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const QUEUE_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;

export interface MetricsSources {
  queues: JobQueues;
  /** Expected GPU-seconds of work not yet finished, per queue: what an autoscaler sizes fleets by. */
  backlogSeconds?: () => Promise<Record<QueueName, number>>;
}

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requestSeconds = new Histogram({
    name: 'gpuq_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly jobOutcomes = new Counter({
    name: 'gpuq_jobs_total',
    help: 'Jobs by type and outcome (queued, completed, failed, cancelled)',
    labelNames: ['job_type', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    new Gauge({
      name: 'gpuq_queue_jobs',
      help: 'Jobs in each BullMQ queue by state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const queue of sources.queues.all()) {
          const counts = await queue.getJobCounts(...QUEUE_STATES);
          for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
        }
      },
    });
    const backlog = sources.backlogSeconds;
    if (backlog) {
      new Gauge({
        name: 'gpuq_backlog_gpu_seconds',
        help: 'Expected GPU-seconds of queued and running work per queue',
        labelNames: ['queue'] as const,
        registers: [this.registry],
        async collect() {
          const seconds = await backlog();
          for (const queue of QueueName.options) this.set({ queue }, seconds[queue] ?? 0);
        },
      });
    }
    // Zero-initialise every series so dashboards see them before the first job.
    for (const jobType of JobType.options) {
      for (const outcome of ['queued', 'completed', 'failed', 'cancelled'])
        this.jobOutcomes.inc({ job_type: jobType, outcome }, 0);
    }
  }

  /** Times every request under its route pattern (not its raw path, which would explode cardinality). */
  middleware(): MiddlewareHandler {
    const histogram = this.requestSeconds;
    return async function timeRequest(c, next) {
      const stop = histogram.startTimer();
      await next();
      stop({ method: c.req.method, route: routePath(c, -1), status: String(c.res.status) });
    };
  }
}
