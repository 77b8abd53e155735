/**
 * One LISTEN connection for every subscription of a Postgres database, kept alive: a lost
 * connection (an error, the server closing it, or a heartbeat that gets no answer from a server
 * that stopped answering) is logged and reopened with capped exponential backoff and jitter, every
 * channel is LISTENed again, and each subscriber is told it was restored, because notifications
 * sent while the connection was down are gone: a subscriber re-reads what it may have missed.
 */
import pg from 'pg';
import type { ListenerStatus, ListenOptions } from './database.js';
import type { DatabaseLogger } from './database-logger.js';
import { outsideDeadline } from './deadline.js';
import { timedQuery } from './timed-query.js';

export interface PostgresListenerOptions {
  /** Opens a new, unconnected client (the database's settings, its own application name). */
  newClient: () => pg.Client;
  logger: DatabaseLogger;
  /** How often the connection is probed with `select 1`. */
  heartbeatMs: number;
  /** How long a probe or a (re)connection may take before the connection counts as lost. */
  timeoutMs: number;
  /** First and largest wait between reconnection attempts. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

interface Subscription {
  channel: string;
  onPayload: (payload: string) => void;
  onRestored: ListenOptions['onRestored'];
}

type State = 'idle' | 'connecting' | 'up' | 'down' | 'closed';

export class PostgresListener {
  private readonly subscriptions = new Set<Subscription>();
  private client: pg.Client | null = null;
  private state: State = 'idle';
  private downSince: number | null = null;
  private lastError: string | null = null;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private connecting: Promise<void> | null = null;
  private probing = false;

  constructor(private readonly options: PostgresListenerOptions) {}

  /** Resolves once the subscription is registered (and listening, if the database answers). */
  async subscribe(
    channel: string,
    onPayload: (payload: string) => void,
    listenOptions: ListenOptions = {},
  ): Promise<() => Promise<void>> {
    if (this.state === 'closed') throw new Error('the database is closed');
    const subscription: Subscription = { channel, onPayload, onRestored: listenOptions.onRestored };
    const newChannel = !this.channels().includes(channel);
    this.subscriptions.add(subscription);
    // The connection outlives the request that may be subscribing: keep its deadline off it.
    if (this.state === 'idle') await outsideDeadline(() => this.connect());
    else if (this.state === 'connecting') await this.connecting;
    else if (this.state === 'up' && newChannel) {
      await this.client?.query(`listen ${pg.escapeIdentifier(channel)}`).catch((error: unknown) => {
        this.lost(this.client, error);
      });
    }
    return async () => {
      this.subscriptions.delete(subscription);
      if (this.state !== 'up' || this.channels().includes(channel)) return;
      await this.client?.query(`unlisten ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    };
  }

  status(): ListenerStatus {
    return {
      listening: this.state === 'up' || this.subscriptions.size === 0,
      channels: this.channels(),
      downSinceMs: this.downSince === null ? null : Date.now() - this.downSince,
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.subscriptions.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private channels(): string[] {
    return [...new Set([...this.subscriptions].map((subscription) => subscription.channel))];
  }

  private connect(): Promise<void> {
    this.state = 'connecting';
    this.connecting = this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = this.options.newClient();
    this.client = client;
    // Registered before connecting: an unhandled 'error' event would end the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('Connection terminated unexpectedly')));
    client.on('notification', (message) => {
      for (const subscription of this.subscriptions) {
        if (subscription.channel !== message.channel) continue;
        try {
          outsideDeadline(() => subscription.onPayload(message.payload ?? ''));
        } catch (error) {
          this.options.logger.warn({ err: (error as Error).message }, 'a LISTEN subscriber threw');
        }
      }
    });
    try {
      await client.connect();
      const channels = this.channels();
      if (channels.length > 0) {
        await client.query(
          timedQuery(
            channels.map((channel) => `listen ${pg.escapeIdentifier(channel)}`).join('; '),
            undefined,
            this.options.timeoutMs,
          ),
        );
      }
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client || this.state === 'closed') return;
    const lostAt = this.downSince;
    const downMs = lostAt === null ? 0 : Date.now() - lostAt;
    this.state = 'up';
    this.downSince = null;
    this.lastError = null;
    this.attempts = 0;
    this.heartbeatTimer = setInterval(() => this.probe(client), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
    if (lostAt === null) return;
    this.options.logger.info(
      { channels: this.channels(), downMs },
      'postgres listener reconnected; subscribers re-read what they missed',
    );
    for (const subscription of this.subscriptions) {
      try {
        outsideDeadline(() => subscription.onRestored?.({ lostAt: new Date(lostAt), downMs }));
      } catch (error) {
        this.options.logger.warn({ err: (error as Error).message }, 'a LISTEN subscriber failed to catch up');
      }
    }
  }

  /** A server that holds the socket open but answers nothing sends no error: ask it something. */
  private probe(client: pg.Client): void {
    // One probe at a time: a heartbeat shorter than the timeout must not stack queries up.
    if (this.client !== client || this.state !== 'up' || this.probing) return;
    this.probing = true;
    client
      .query(timedQuery('select 1', undefined, this.options.timeoutMs))
      .catch((error: unknown) => this.lost(client, error))
      .finally(() => {
        this.probing = false;
      });
  }

  private lost(client: pg.Client | null, error: unknown): void {
    if (client === null || this.client !== client || this.state === 'closed') return;
    this.client = null;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    client.removeAllListeners('notification');
    // A blackholed socket would never finish a graceful end: destroy it.
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    client.end().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    if (this.downSince === null) {
      this.downSince = Date.now();
      this.options.logger.warn(
        { err: message, channels: this.channels() },
        'postgres listener lost its connection; notifications are missed until it reconnects',
      );
    }
    this.state = 'down';
    this.attempts += 1;
    const ceiling = Math.min(
      this.options.reconnectMaxMs,
      this.options.reconnectMinMs * 2 ** Math.min(this.attempts - 1, 16),
    );
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.retryTimer = outsideDeadline(() =>
      setTimeout(() => {
        this.retryTimer = null;
        if (this.state === 'down') void this.connect();
      }, delay),
    );
    this.retryTimer.unref();
  }
}
