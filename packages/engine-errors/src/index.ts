export * from './cpp-error-codes.js';
export * from './engine-error-codes.js';
