export * from './config-error.js';
export * from './parse-env.js';
export * from './settings.js';
export * from './byte-size.js';
