export * from './child-process.js';
export * from './pgbouncer.js';
export * from './redis-server.js';
export * from './round-robin-proxy.js';
export * from './services.js';
export * from './tcp-proxy.js';
export * from './test-database.js';
