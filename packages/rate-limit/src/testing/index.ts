export * from './upstash-rest-server.js';
