/**
 * A TCP load balancer in front of several copies of a service, as a test's stand-in for the one a
 * deployment puts before its api instances: each new connection goes to the next target in turn,
 * and a target that refuses the connection (its process is dead) is skipped for the next one.
 * Open connections to a target that dies are cut, as a real balancer's would be.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { freePort } from './redis-server.js';

export interface RoundRobinProxy {
  port: number;
  /** Connections handed to each target port so far. */
  connections(): Map<number, number>;
  close(): Promise<void>;
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export async function startRoundRobinProxy(targetPorts: number[]): Promise<RoundRobinProxy> {
  const port = await freePort();
  const counts = new Map(targetPorts.map((target) => [target, 0]));
  const open = new Set<Socket>();
  let next = 0;

  async function upstream(): Promise<Socket | null> {
    for (let tried = 0; tried < targetPorts.length; tried += 1) {
      const target = targetPorts[next % targetPorts.length]!;
      next += 1;
      const socket = await connectTo(target).catch(() => null);
      if (socket) {
        counts.set(target, (counts.get(target) ?? 0) + 1);
        return socket;
      }
    }
    return null;
  }

  const server = createServer((client) => {
    open.add(client);
    client.pause();
    client.on('error', () => undefined);
    client.once('close', () => open.delete(client));
    void upstream().then((service) => {
      if (!service) {
        client.destroy();
        return;
      }
      open.add(service);
      service.once('close', () => {
        open.delete(service);
        client.destroy();
      });
      service.on('error', () => client.destroy());
      client.once('close', () => service.destroy());
      client.pipe(service);
      service.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    connections: () => new Map(counts),
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
