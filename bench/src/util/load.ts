/**
 * HTTP load through autocannon (a maintained, widely used Node load generator with HDR
 * histograms): closed-loop (`amount` requests over `connections`) or open-loop at a fixed
 * `rate` for `durationS`. Requests rotate over many users, since one user's requests serialise
 * on their credit row.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  /** Headers of the n-th request (its user). */
  headersFor?: (n: number) => Record<string, string>;
  connections: number;
  /** Closed loop: stop after this many responses. */
  amount?: number;
  /** Open loop: requests per second over all connections, for `durationS`. */
  rate?: number;
  durationS?: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  durationS: number;
  /** 2xx responses per second of the run. */
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let sent = 0;
  const started = performance.now();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount === undefined ? { duration: options.durationS ?? 3 } : { amount: options.amount }),
        ...(options.rate === undefined ? {} : { overallRate: options.rate }),
        requests: [
          {
            method: options.method ?? 'GET',
            setupRequest: (request) => ({
              ...request,
              ...(options.body === undefined ? {} : { body: options.body }),
              headers: {
                ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
                ...options.headersFor?.(sent++),
              },
            }),
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // autocannon notices the last response only at its next once-a-second tick, and reports a
    // duration rounded to it; the rate is timed here, to the last response, instead.
    instance.on('response', () => {
      lastResponse = performance.now();
    });
  });
  const ok = result['2xx'];
  // A timed (open-loop) run lasts its whole duration even when the last second's requests are
  // answered early; a closed-loop run ends with its last response.
  const durationS = options.amount === undefined ? result.duration : (lastResponse - started) / 1000;
  return {
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: Math.round(durationS * 1000) / 1000,
    requestsPerS: Math.round(ok / durationS),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}
