export * from './child-process.js';
export * from './redis-cluster.js';
export * from './redis-node.js';
export * from './redis-sentinel.js';
export * from './redis-server.js';
export * from './services.js';
export * from './tcp-proxy.js';
export * from './test-database.js';
