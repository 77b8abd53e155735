export * from './env.js';
export * from './process-wan-job.js';
