/** The Markdown face of a BenchReport: targets first, then each scenario's detail, memory, profiles. */
import type { BenchReport } from '../run-bench.js';
import type { EngineGeneration } from '../scenarios/engine-steps.js';
import { type LoadRound, medianRound, type Target } from '../scenarios/http-load.js';
import type { LoadResult } from '../util/load.js';
import { median } from '../util/stats.js';
import { type Cell, table } from './markdown-table.js';
import { simulationSection } from './simulation-markdown.js';

function verdict(ok: boolean): string {
  return ok ? 'met' : '**not met**';
}

function loadRow(name: string, result: LoadResult): Cell[] {
  return [
    name,
    Math.round(result.requestsPerS),
    result.p50Ms,
    result.p99Ms,
    result.maxMs,
    result.non2xx + result.errors,
  ];
}

/** (d): one load shape's results for the four routes. */
function routesTable(results: Record<Target, LoadResult>): string {
  return table(
    ['route', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
    [
      loadRow('bare Hono hello', results.hello),
      loadRow('hand-written enqueue', results.handwritten),
      loadRow('hand-written enqueue, same records', results.records),
      loadRow('queue-job', results.queueJob),
    ],
  );
}

/** A (d) target: queue-job's and the baseline's p99 in the round whose ratio is the median. */
function p99TargetRow(
  measure: string,
  round: Pick<LoadRound, 'handwritten' | 'records' | 'queueJob'>,
  baseline: 'handwritten' | 'records',
  ratio: number,
): Cell[] {
  const name = baseline === 'records' ? 'hand-written, same records' : 'hand-written';
  return [
    measure,
    round.queueJob.p99Ms,
    `${round[baseline].p99Ms} ${name}`,
    ratio,
    '≤ 2×',
    verdict(ratio <= 2),
  ];
}

/** Every round of an open-loop shape; the routes table above shows the median one. */
function roundsTable(rounds: readonly LoadRound[]): string {
  return table(
    [
      'round',
      'hand-written p50 / p99 ms',
      'same records p50 / p99 ms',
      'queue-job p50 / p99 ms',
      'p99 ratio',
      'p99 ratio, same records',
    ],
    rounds.map((round, index) => [
      index + 1,
      `${round.handwritten.p50Ms} / ${round.handwritten.p99Ms}`,
      `${round.records.p50Ms} / ${round.records.p99Ms}`,
      `${round.queueJob.p50Ms} / ${round.queueJob.p99Ms}`,
      round.p99Ratio,
      round.recordsP99Ratio,
    ]),
  );
}

export function toMarkdown(report: BenchReport): string {
  const { queueLayer: a, fullPath: b, pickup: c, http: d, engine: e, size } = report;
  const sdxlPickup = c.find((row) => row.worker.includes('sdxl_queue'));
  const out: string[] = [];
  out.push(`# gpuq bench — ${report.startedAt}`);
  out.push(
    `${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; ` +
      `load average ${report.machine.loadAvgBefore.join(' / ')} before, ${report.machine.loadAvgAfter.join(' / ')} after. ` +
      'Client, servers, Redis and Postgres share these cores (and other people use them): compare ratios within this run, not absolute numbers across runs.',
  );
  out.push('## Targets');
  out.push(
    table(
      ['measure', 'ours', 'baseline', 'ratio', 'target', 'verdict'],
      [
        [
          '(a) queue layer, no-op jobs/s (median)',
          a.oursMedian,
          `${a.rawMedian} raw BullMQ (median)`,
          a.ratio,
          '≥ 0.8',
          verdict(a.ratio >= 0.8),
        ],
        [
          '(b) full path, jobs/s end to end',
          b.ours.jobsPerS,
          `${b.handwritten.jobsPerS} hand-written (median)`,
          b.ratio,
          '≥ 0.5',
          verdict(b.ratio >= 0.5),
        ],
        [
          '(b) the same, against a hand-written path writing the same records',
          b.ours.jobsPerS,
          `${b.records.jobsPerS} hand-written, same records (median)`,
          b.recordsRatio,
          '≥ 0.5',
          verdict(b.recordsRatio >= 0.5),
        ],
        [
          '(c) pickup p99, idle sdxl worker (ms)',
          sdxlPickup?.p99Ms,
          `${sdxlPickup?.seedPollingP99Ms} seed polling`,
          null,
          '< 5 ms',
          verdict((sdxlPickup?.p99Ms ?? Infinity) < 5),
        ],
        p99TargetRow(
          `(d) queue-job p99 at ${d.rate} req/s, evenly paced (ms; the median of ${d.pacedRounds.length} rounds)`,
          d.paced,
          'handwritten',
          d.pacedP99Ratio,
        ),
        p99TargetRow(
          '(d) the same, against a hand-written enqueue writing the same records',
          medianRound(d.pacedRounds, 'recordsP99Ratio'),
          'records',
          d.pacedRecordsP99Ratio,
        ),
        p99TargetRow(
          `(d) queue-job p99 in autocannon's bursts of ${size.connections} (ms; the median of ${d.atRateRounds.length} rounds)`,
          d.atRate,
          'handwritten',
          d.p99Ratio,
        ),
        p99TargetRow(
          '(d) in bursts, against a hand-written enqueue writing the same records',
          medianRound(d.atRateRounds, 'recordsP99Ratio'),
          'records',
          d.recordsP99Ratio,
        ),
      ],
    ),
  );

  out.push(
    "(a) and (b): the ratio is the median of alternating pairs' ratios, so it need not equal the two medians' quotient. (d): ours and the baseline are the round whose ratio is the median. (c): the seed's polling is the expected wait of a 2 s poll, not a measurement.",
  );

  out.push('## (a) Queue layer against raw BullMQ');
  out.push(
    `${size.queueJobs} no-op jobs per run, ${size.queueConcurrency} adds in flight, worker concurrency ${size.queueConcurrency}, one worker process per side; one untimed warm-up run each, then runs alternate raw/ours and the ratio is the median of the pairs' ratios. ` +
      'Ours = QueueJobRequest.parse + resolveGenerationParams + JobQueues.enqueue (jobId = task id, attempts 3, backoff, removeOnComplete) → startGpuWorker.',
  );
  out.push(
    table(
      ['side', 'jobs/s per run', 'median'],
      [
        ['raw BullMQ', a.rawJobsPerS.join(', '), a.rawMedian],
        ['ours', a.oursJobsPerS.join(', '), a.oursMedian],
        ['ours / raw, per pair', a.pairRatios.join(', '), a.ratio],
        [
          'ours with job data prepared once (no per-job resolve)',
          a.preparedJobsPerS.join(', '),
          median(a.preparedJobsPerS),
        ],
      ],
    ),
  );
  out.push(
    `Prepared / raw: ${a.preparedRatio} (median of rounds). The per-job resolve (QueueJobRequest.parse + resolveGenerationParams + randomUUID), timed alone in the producer: ${a.resolveMicrosPerJob} µs per job.`,
  );

  out.push('## (b) Full path against the hand-written paths');
  out.push(
    `${size.fullJobs} queue-job requests over ${size.connections} connections rotating over ${size.users} users (after three untimed requests per user); ` +
      `${size.workers} worker processes × concurrency ${size.workerConcurrency}, no-op engine. The three stacks up side by side; ${size.fullRepeats} timed runs per path, in rounds; each ratio is the median of the rounds' ratios (against bare: ${b.pairRatios.join(', ')}; against same records: ${b.recordsPairRatios.join(', ')}). A run's clock stops when Postgres records its last job finished. ` +
      'The same-records path is as bare as the first (no auth, validation, limits, logs, metrics or signing) but writes what ours writes per job, with plain SQL on our migrated schema: the credit charge and its ledger row, the task, its claim, the staged file moved into its bucket, the completion (whose trigger records the generation), the image and the settlement with its ledger row. Ours against it is what our code costs; it against bare is what the records cost.',
  );
  const paths = [
    ['hand-written', 'hand-written, bare (Hono + 1 tx + add → Worker → POST → 1 update)', b.handwritten],
    [
      'same records',
      'hand-written, same records (Hono + plain SQL on our schema → Worker → claim, file, complete)',
      b.records,
    ],
    ['ours', 'ours (queue-api → runWorkerProcess + no-op engine → signed callbacks)', b.ours],
  ] as const;
  out.push(
    table(
      ['path', 'jobs/s per run', 'median jobs/s', 'HTTP req/s (last run)', 'HTTP p50 ms', 'HTTP p99 ms'],
      paths.map(([, title, run]) => [
        title,
        run.jobsPerSRuns.join(', '),
        run.jobsPerS,
        Math.round(run.http.requestsPerS),
        run.http.p50Ms,
        run.http.p99Ms,
      ]),
    ),
  );
  out.push("Stage timings from Postgres timestamps (`created_at` is the request transaction's start):");
  const stageRows: Cell[][] = [];
  for (const [path, , run] of paths) {
    for (const [stage, value] of Object.entries(run.stages))
      stageRows.push([path, stage, value.p50Ms, value.p99Ms]);
  }
  out.push(table(['path', 'stage', 'p50 ms', 'p99 ms'], stageRows));

  out.push(
    'Round trips per job over the timed runs (roles/count-io counts every pg statement and ioredis command in each process; idle workers still poll Redis, so a few commands are not per job):',
  );
  const ioRows: Cell[][] = [];
  for (const [path, , run] of paths) {
    for (const [process, counts] of Object.entries(run.ioPerJob))
      ioRows.push([path, process, counts.pg, counts.redis]);
  }
  out.push(table(['path', 'process', 'Postgres statements / job', 'Redis commands / job'], ioRows));

  out.push(
    "CPU per job over the timed runs, by process (/proc user + system; `postgres` is the backends of the stack's database, `redis` the shared server, `load generator` the bench itself). On a machine whose cores are all busy, jobs/s is about cores ÷ `all`:",
  );
  const labels = [...new Set(paths.flatMap(([, , run]) => Object.keys(run.cpuMsPerJob)))];
  out.push(
    table(
      ['process', ...paths.map(([path]) => `${path} ms / job`)],
      labels.map((label) => [label, ...paths.map(([, , run]) => run.cpuMsPerJob[label] ?? '—')]),
    ),
  );

  out.push('## (c) Enqueue-to-pickup latency, idle workers');
  out.push(
    `One job at a time, round-robin over the three workers, ${size.pickupGapMs} ms apart, concurrency 1. The seed polled every 2 s (SDXL) / 5 s (WAN): a job waits a uniform share of the interval, so p50 = interval/2 and p99 = 0.99 × interval.`,
  );
  out.push(
    table(
      [
        'worker',
        'samples',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'seed polling p50 ms',
        'seed polling p99 ms',
      ],
      c.map((row) => [
        row.worker,
        row.samples,
        row.p50Ms,
        row.p90Ms,
        row.p99Ms,
        row.maxMs,
        row.seedPollingP50Ms,
        row.seedPollingP99Ms,
      ]),
    ),
  );

  out.push('## (d) queue-job HTTP against the hand-written enqueues and a bare Hono hello route');
  out.push(
    `No workers (HTTP side only); ${size.connections} connections, users warmed up. The same-records enqueue is (b)'s: bare Hono and plain SQL on our schema charging the credit, logging the reservation and inserting the task, then the add (no auth, validation, limits, logs or metrics). Against the bare enqueue (d) prices our code and our records together; against it, our code alone. Closed loop, ${size.httpRequests} requests each:`,
  );
  out.push(routesTable(d.max));
  out.push(
    "CPU per request of those closed loops, by process (/proc user + system; `postgres` is the backends of the stack's database, `redis` the shared server, `load generator` the bench itself). A burst is answered at the pace `all` allows:",
  );
  const enqueues = [
    ['hand-written', d.maxCpuMsPerRequest.handwritten],
    ['same records', d.maxCpuMsPerRequest.records],
    ['queue-job', d.maxCpuMsPerRequest.queueJob],
  ] as const;
  const parts = [...new Set(enqueues.flatMap(([, cpu]) => Object.keys(cpu)))];
  out.push(
    table(
      ['process', ...enqueues.map(([name]) => `${name} ms / request`)],
      parts.map((part) => [part, ...enqueues.map(([, cpu]) => cpu[part] ?? '—')]),
    ),
  );
  out.push(
    `Open loop at the same offered load, ${d.rate} req/s evenly paced (one request due every ${1000 / d.rate} ms, sent when due over a keep-alive pool of ${size.connections} sockets; latency from when it was due) for ${size.pacedDurationS} s each:`,
  );
  out.push(routesTable(d.paced));
  out.push(roundsTable(d.pacedRounds));
  out.push(
    `The same offered load through autocannon, ${d.rate} req/s for ${size.rateDurationS} s each. Its rate limit releases each second's share at the start of the second over all ${size.connections} connections, so this is bursty load (${size.connections} at once, then idle): its p99 is close to the latency of ${size.connections} requests at once, i.e. to the closed loop's, the same for all four routes:`,
  );
  out.push(routesTable(d.atRate));
  out.push(roundsTable(d.atRateRounds));

  out.push('## Per-stage timings of one queue-job request');
  out.push(
    `The steps of submitJob and its presenter, one request at a time (${report.stages.requests} requests, users warmed up), each timed alone: where one request's latency goes on an idle system. ` +
      `Sum of medians ${report.stages.totalP50Ms} ms (stages marked cached left out: queue-api pays for them about once a second); HTTP, auth middleware, logging and metrics come on top. The hand-written path makes 4 Postgres round trips (begin, upsert, insert, commit) and 1 Redis script.`,
  );
  out.push(
    table(
      ['stage', 'talks to', 'p50 ms', 'p99 ms'],
      report.stages.rows.map((row) => [row.stage, row.io, row.p50Ms, row.p99Ms]),
    ),
  );

  out.push('## (e) Engine step time on CPU');
  if (e) {
    out.push(
      table(
        ['model', 'how', 'step ms', 'notes'],
        [
          [
            'SDXL tiny',
            'engine bench (`gpuq_bench --tiny-only`, UNet step, batch 2, 32×32 latent)',
            e.nativeUnetStepMs,
            `mean ${e.nativeUnetStepMeanMs} ms; sgemm ${e.nativeSgemmGflops} GFLOP/s`,
          ],
          [
            'SDXL tiny',
            `SdxlEngine.generate, 64×64, ${e.sdxl.steps} steps, guidance 5 (median between progress events)`,
            e.sdxl.stepMs,
            generationNotes(e.sdxl),
          ],
          [
            'WAN 2.1 tiny',
            `WanEngine.generate, 48×32, 9 frames, ${e.wan.steps} steps, guidance 5 (median between progress events)`,
            e.wan.stepMs,
            generationNotes(e.wan),
          ],
        ],
      ),
    );
  } else out.push('Skipped at this size.');

  if (report.simulation) out.push(...simulationSection(report.simulation));

  out.push('## Peak RSS per process (MiB)');
  out.push(
    table(
      ['process', 'peak RSS MiB'],
      Object.entries(report.peakRssMiB).map(([name, mib]) => [name, mib]),
    ),
  );

  if (report.profile) {
    out.push('## Where the time goes: CPU profiles of (b)');
    out.push(
      `\`node --cpu-prof\` of queue-api and one worker during a repeat of (b); raw profiles in \`${report.profile.dir}\` (not committed; open in Chrome DevTools for a flame graph). Self time, share of busy time:`,
    );
    for (const [name, summary] of Object.entries(report.profile.processes)) {
      out.push(`### ${name}: ${summary.busyMs} ms busy of ${summary.totalMs} ms sampled`);
      out.push(
        table(
          ['charged to the nearest package on the stack', 'ms', 'share %'],
          summary.byOwner.map((row) => [row.name, row.ms, row.share]),
        ),
      );
      out.push(
        table(
          ['package (self time)', 'self ms', 'share %'],
          summary.byPackage.map((row) => [row.name, row.ms, row.share]),
        ),
      );
      out.push(
        table(
          ['function', 'where', 'self ms', 'share %'],
          summary.topFunctions.map((row) => [`\`${row.name}\``, row.where, row.ms, row.share]),
        ),
      );
    }
  }
  out.push('## Scenario wall time (s)');
  out.push(table(['scenario', 's'], Object.entries(report.seconds)));
  return `${out.join('\n\n')}\n`;
}

function generationNotes(generation: EngineGeneration): string {
  return `first step ${generation.firstStepMs} ms (incl. text encoding), total ${generation.totalMs} ms, load ${generation.loadMs} ms`;
}
