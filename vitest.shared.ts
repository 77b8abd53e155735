/**
 * The one vitest configuration every package extends. Tests import workspace packages through the
 * `source` export condition, so they run against TypeScript sources without a prior build.
 */
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export const sharedConfig = defineConfig({
  resolve: { conditions: ['source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
