export * from './env.js';
export * from './model-profile.js';
export * from './sdxl-model.js';
