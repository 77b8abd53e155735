/**
 * A TCP proxy in front of a real service, for tests that break the network between a client and
 * it:
 * - `cut()` drops every open connection and refuses new ones until `restore()`, as a network
 *   partition or a crashed server looks to the client;
 * - `blackhole()` keeps every connection open and accepts new ones but passes nothing either way
 *   until `restore()`, as a server that stopped answering (or a partition that drops packets
 *   without resets) looks. Bytes sent meanwhile are held, not lost: on `restore()` they are
 *   delivered in order, and a side that closed during the blackhole is closed after its held
 *   bytes, the way TCP delivers what was sent before a FIN once the path heals. A client that gave
 *   up on a statement therefore still gets it run late, which is what tests of deadlines need.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './redis-server.js';

export type TcpProxyMode = 'pass' | 'cut' | 'blackhole';

export interface TcpProxy {
  port: number;
  readonly mode: TcpProxyMode;
  cut(): Promise<void>;
  blackhole(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** One direction of a proxied connection; holds its bytes while the proxy is blackholed. */
class Pipe {
  private readonly held: Buffer[] = [];
  private ended = false;

  constructor(
    private readonly to: Socket,
    private readonly passing: () => boolean,
  ) {}

  write(chunk: Buffer): void {
    if (this.passing() && this.held.length === 0) this.to.write(chunk);
    else this.held.push(chunk);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.passing() && this.held.length === 0) this.to.end();
  }

  flush(): void {
    for (const chunk of this.held.splice(0)) this.to.write(chunk);
    if (this.ended) this.to.end();
  }
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const pipes = new Set<Pipe>();
  let mode: TcpProxyMode = 'pass';
  let server: Server | undefined;
  const passing = () => mode === 'pass';

  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer({ allowHalfOpen: true }, (client) => {
        const upstream = createConnection({ ...target, allowHalfOpen: true });
        const toUpstream = new Pipe(upstream, passing);
        const toClient = new Pipe(client, passing);
        pipes.add(toUpstream);
        pipes.add(toClient);
        for (const [socket, pipe] of [
          [client, toUpstream],
          [upstream, toClient],
        ] as const) {
          sockets.add(socket);
          socket.on('data', (chunk: Buffer) => pipe.write(chunk));
          socket.on('end', () => pipe.end());
          // A side that is gone (closed or reset) ends the other, after any held bytes.
          socket.on('close', () => {
            sockets.delete(socket);
            pipe.end();
          });
          socket.on('error', () => socket.destroy());
        }
      });
      server.listen(port, '127.0.0.1', resolve);
    });

  const closeServer = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      pipes.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    port,
    get mode() {
      return mode;
    },
    async cut() {
      mode = 'cut';
      await closeServer();
    },
    async blackhole() {
      mode = 'blackhole';
    },
    async restore() {
      const previous = mode;
      mode = 'pass';
      if (previous === 'cut') await listen();
      if (previous === 'blackhole') {
        for (const pipe of pipes) pipe.flush();
      }
    },
    close: async () => {
      mode = 'cut';
      await closeServer();
    },
  };
}
