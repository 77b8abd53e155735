export * from './apply-callback.js';
export * from './callback-app.js';
export * from './callback-outputs.js';
export * from './job-storage-routes.js';
export * from './signed-job-request.js';
export * from './task-owner-cache.js';
