export * from './env.js';
export * from './process-sdxl-job.js';
