/**
 * What the reliability tests share: a real queue-api whose Postgres connections go through a TCP
 * proxy the test controls, a log it can read, an event stream reader, and a direct connection to
 * the same database that the proxy does not touch (the test's view of what was committed).
 */
import { Writable } from 'node:stream';
import { type Database, openDatabase } from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import { createLogger } from '@gpuq/logger';
import { startTcpProxy, type TcpProxy, TEST_DATABASE_URL } from '@gpuq/testing';
import { type ApiHarness, type StartApiOptions, startApi } from '../api-harness.js';

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface ProxiedApi {
  api: ApiHarness;
  proxy: TcpProxy;
  /** The api's database, reached directly (not through the proxy). */
  direct: Database;
  logs: LogLine[];
  close(): Promise<void>;
}

export async function startProxiedApi(
  settings: Record<string, string>,
  options: Omit<StartApiOptions, 'logger'> = {},
): Promise<ProxiedApi> {
  const target = new URL(TEST_DATABASE_URL);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const logs: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ name: 'reliability', level: 'info', destination });
  const api = await startApi(
    { DATABASE_URL_VIA_PROXY: String(proxy.port), ...settings },
    { ...options, logger },
  );
  const directUrl = new URL(api.env.DATABASE_URL ?? '');
  directUrl.port = target.port || '5432';
  const direct = await openDatabase({ url: directUrl.toString(), poolSize: 2 });
  return {
    api,
    proxy,
    direct,
    logs,
    async close() {
      await proxy.restore().catch(() => undefined);
      await direct.close().catch(() => undefined);
      await api.close().catch(() => undefined);
      await proxy.close();
    },
  };
}

export interface EventStream {
  /** Every job event received so far. */
  jobs: JobRecord[];
  close(): void;
}

/** Opens `/v1/events` (on any api that answers requests like the harness) and collects its job events until closed. */
export async function openEventStream(api: Pick<ApiHarness, 'request'>, token: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await api.request('/v1/events', { token, signal: controller.signal });
  if (response.status !== 200 || !response.body) throw new Error(`event stream answered ${response.status}`);
  const jobs: JobRecord[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        if (block.includes('event: job') && data) jobs.push(JSON.parse(data) as JobRecord);
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  return { jobs, close: () => controller.abort() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function readiness(api: ApiHarness): Promise<{ status: number; ms: number; body: unknown }> {
  const started = Date.now();
  const response = await api.request('/readyz');
  return { status: response.status, ms: Date.now() - started, body: await response.json() };
}
