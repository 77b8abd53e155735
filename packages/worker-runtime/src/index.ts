export * from './engine-failure.js';
export * from './generation-model.js';
export * from './gpu-worker.js';
export * from './job-lifecycle.js';
export * from './run-worker-process.js';
export * from './store-outputs.js';
export * from './worker-env.js';
