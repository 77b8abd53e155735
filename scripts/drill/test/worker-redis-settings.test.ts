/**
 * Both worker apps, given a Redis topology that does not add up, stop at start-up with exit code 2
 * and the settings named, before they load a model or touch Redis.
 */
import { fileURLToPath } from 'node:url';
import { runTsEntry } from '@gpuq/testing';
import { describe, expect, it } from 'vitest';

const app = (name: string) => ({
  entry: fileURLToPath(new URL(`../../../apps/${name}/src/main.ts`, import.meta.url)),
  cwd: fileURLToPath(new URL(`../../../apps/${name}/`, import.meta.url)),
});

describe('worker Redis settings', () => {
  it.each([
    [
      'sdxl-worker',
      { REDIS_SENTINELS: '127.0.0.1:26379' },
      /REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS/,
    ],
    [
      'wan-worker',
      { REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: 'gpuq' },
      /QUEUE_PREFIX: must contain a \{hash tag\}/,
    ],
    [
      'sdxl-worker',
      { REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_URL: 'redis://127.0.0.1:6379' },
      /REDIS_URL: leave unset/,
    ],
    ['wan-worker', { REDIS_CLUSTER_NODES: '127.0.0.1' }, /REDIS_CLUSTER_NODES: expected host:port entries/],
    [
      'sdxl-worker',
      { REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_TLS: 'true', REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' },
      /REDIS_TLS_CA_FILE: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/,
    ],
    [
      'wan-worker',
      { REDIS_URL: 'rediss://127.0.0.1:6380', REDIS_TLS: 'true' },
      /REDIS_TLS: only for Cluster or Sentinel/,
    ],
  ])('%s with %j: exit 2, naming the setting', async (name, settings, named) => {
    const { entry, cwd } = app(name);
    const worker = runTsEntry(entry, { GPUQ_DEVICE: 'cpu', ...settings }, cwd);
    expect(await worker.exited()).toBe(2);
    expect(worker.output()).toMatch(named);
    expect(worker.output()).not.toContain('model loaded');
  });
});
