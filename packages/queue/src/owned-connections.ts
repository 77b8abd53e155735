/**
 * Redis connections that end only when their owner closes them.
 *
 * ioredis can end a connection nobody closed: a connection whose connector is closed while it is
 * connecting fails that connect and goes to status `end`, from which ioredis never reconnects and
 * after which it reports nothing. Its Sentinel failover detector does exactly that when
 * +switch-master arrives while the client is asking the sentinels where the master is — a window of
 * milliseconds, wider over TLS and on a loaded host, in which an api instance stops enqueueing or a
 * worker stops taking jobs until restarted. These classes track whether the owner asked for the
 * close (`disconnect()`, `quit()`) and connect again, with backoff, when it did not.
 */
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

const firstDelayMs = 100;
const maxDelayMs = 2_000;

interface OwnedConnection {
  readonly closedByOwner: boolean;
}

function connectAgainWhenEndedUnasked(client: (Redis | Cluster) & OwnedConnection): void {
  let attempts = 0;
  client.on('ready', () => {
    attempts = 0;
  });
  client.on('end', () => {
    if (client.closedByOwner) return;
    attempts += 1;
    const delayMs = Math.min(firstDelayMs * 2 ** attempts, maxDelayMs);
    // Reported like ioredis's own connection errors: to 'error' listeners when there are any.
    if (client.listenerCount('error') > 0)
      client.emit(
        'error',
        new Error(`Redis connection ended without being closed; connecting again in ${delayMs} ms`),
      );
    setTimeout(() => {
      if (client.closedByOwner || client.status !== 'end') return;
      // A failed try ends the connection again, which schedules the next one.
      client.connect().catch(() => {});
    }, delayMs).unref();
  });
}

export class OwnedRedis extends Redis implements OwnedConnection {
  private ownerClosed?: boolean;

  /** `url` (a single node's) or the options alone (a Sentinel-managed master). */
  constructor(url: string | undefined, options: RedisOptions) {
    if (url === undefined) super(options);
    else super(url, options);
    connectAgainWhenEndedUnasked(this);
  }

  get closedByOwner(): boolean {
    return this.ownerClosed === true;
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) this.ownerClosed = true;
    super.disconnect(reconnect);
  }

  override quit(...args: Parameters<Redis['quit']>): ReturnType<Redis['quit']> {
    this.ownerClosed = true;
    return super.quit(...args);
  }
}

export class OwnedCluster extends Cluster implements OwnedConnection {
  private ownerClosed?: boolean;

  constructor(nodes: ClusterNode[], options: ClusterOptions) {
    super(nodes, options);
    connectAgainWhenEndedUnasked(this);
  }

  get closedByOwner(): boolean {
    return this.ownerClosed === true;
  }

  override disconnect(reconnect = false): void {
    if (!reconnect) this.ownerClosed = true;
    super.disconnect(reconnect);
  }

  override quit(...args: Parameters<Cluster['quit']>): ReturnType<Cluster['quit']> {
    this.ownerClosed = true;
    return super.quit(...args);
  }
}
