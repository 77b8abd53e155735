export * from './gpu-worker.js';
export * from './run-worker-process.js';
export * from './worker-env.js';
