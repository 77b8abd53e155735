export * from './cancellation.js';
export * from './job-options.js';
export * from './job-queues.js';
export * from './redis-connection.js';
