export * from './apply-callback.js';
export * from './callback-app.js';
export * from './callback-outputs.js';
export * from './task-owner-cache.js';
