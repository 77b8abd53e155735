/**
 * Open-loop HTTP load at an even pace: request i is due at start + i / rate and is sent when due,
 * whether or not earlier ones were answered, over a keep-alive pool of `connections` sockets
 * (requests wait for a free socket when all are busy). Latency runs from when a request was due,
 * not from when it left, so a server (or generator) that falls behind shows in the percentiles
 * instead of quietly sending less.
 *
 * Written here rather than taken from autocannon: autocannon's rate limit releases each second's
 * share at the start of the second, a burst of `connections` requests at once, which measures
 * latency under a burst, not at an even rate.
 */
import { Agent, request } from 'node:http';
import type { LoadOptions, LoadResult } from './load.js';
import { percentile, round } from './stats.js';

export interface PacedLoadOptions extends Omit<LoadOptions, 'amount' | 'rate' | 'durationS'> {
  rate: number;
  durationS: number;
}

function send(
  agent: Agent,
  url: URL,
  options: PacedLoadOptions,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        agent,
        method: options.method ?? 'GET',
        headers: {
          ...(options.body === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(options.body)),
              }),
          ...headers,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

export async function runPacedLoad(options: PacedLoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(options.url);
  const total = Math.round(options.rate * options.durationS);
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  try {
    for (let index = 0; index < total; index += 1) {
      const due = started + index * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(
        send(agent, url, options, options.headersFor?.(index) ?? {}).then(
          (status) => {
            latencies.push(performance.now() - due);
            if (status >= 200 && status < 300) ok += 1;
            else non2xx += 1;
          },
          () => {
            errors += 1;
          },
        ),
      );
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  const durationS = (performance.now() - started) / 1000;
  return {
    requests: total,
    ok,
    non2xx,
    errors,
    durationS: round(durationS, 3),
    requestsPerS: Math.round(ok / durationS),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(percentile(latencies, 100), 1),
  };
}
