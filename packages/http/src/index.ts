export * from './http-error.js';
export * from './json-body.js';
export * from './json-depth.js';
export * from './json-depth-limit.js';
export * from './json-nul.js';
export * from './not-found.js';
export * from './request-log.js';
export * from './validate.js';
