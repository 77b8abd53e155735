export * from './database-errors.js';
export * from './error-handler.js';
export * from './request-deadline.js';
