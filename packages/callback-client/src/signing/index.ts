export * from './callback-credential.js';
export * from './request-signature.js';
