export * from './callback-client.js';
export * from './errors.js';
export * from './retry-delay.js';
export * from './retrying-fetch.js';
