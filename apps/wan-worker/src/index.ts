export * from './env.js';
export * from './wan-model.js';
