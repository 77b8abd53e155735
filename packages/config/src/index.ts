export * from './byte-size.js';
export * from './config-error.js';
export * from './parse-env.js';
export * from './redis-topology.js';
export * from './settings.js';
