/**
 * Picks one process among many to run duties that should run once (periodic sweeps): whoever
 * holds a Postgres session advisory lock on its own direct connection leads.
 *
 * Why a session lock on a direct connection: a transaction pooler hands a session's statements to
 * any server connection, so a session lock taken through it lands on a connection that someone
 * else then uses (or is released at once); a `pg_try_advisory_xact_lock` per pass lives only as
 * long as its transaction, so it serialises passes instead of electing anyone, and a long pass
 * would sit idle in a transaction. A session lock ends with its session, which is what makes a
 * dead leader's duties move:
 * - a killed process: its kernel closes the socket, Postgres ends the session and frees the lock;
 *   a candidate takes it on its next try (every `failoverMs / 3`);
 * - a vanished host or a cut network: the session's TCP keepalives (set per session below) end
 *   it on the server within about `failoverMs * 2/3`, and the old leader's own probe fails in the
 *   same time, so it stops leading before (or about when) another starts.
 * Duties must stay safe to run twice anyway: the two bounds are a few seconds apart at worst.
 */
import pg from 'pg';
import type { DatabaseLogger } from './database-logger.js';
import { timedQuery } from './timed-query.js';

export interface LeaderElectionOptions {
  /** A direct postgres:// URL (not a transaction pooler's). */
  url: string;
  /** What is led; processes with the same name compete for the same lock. */
  name: string;
  /** Longest time a dead leader's duties wait for a new leader. */
  failoverMs: number;
  /** Starts the duties; called when this process becomes leader. */
  onElected(): Promise<void> | void;
  /** Stops the duties; called when this process stops leading (lost connection, or stop()). */
  onDeposed(): Promise<void> | void;
  logger: DatabaseLogger;
  /** Shown in pg_stat_activity. Default 'gpuq-leader'. */
  applicationName?: string;
}

export interface LeaderElection {
  /** Settles after the first try (elected or not). */
  firstTry: Promise<void>;
  isLeader(): boolean;
  /** Steps down (duties stopped) and closes the connection. */
  stop(): Promise<void>;
}

export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const tryEveryMs = Math.max(100, Math.floor(options.failoverMs / 3));
  const keepaliveS = Math.max(1, Math.floor(options.failoverMs / 3000));
  let client: pg.Client | null = null;
  let leading = false;
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();

  async function open(): Promise<pg.Client> {
    const next = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: tryEveryMs,
      application_name: options.applicationName ?? 'gpuq-leader',
      keepAlive: true,
      keepAliveInitialDelayMillis: tryEveryMs,
    });
    // A lost connection shows on the next probe; without a listener the error would end the process.
    next.on('error', () => undefined);
    await next.connect();
    // The server notices a silent peer (and frees its lock) in about keepaliveS * 2, not hours.
    await next.query(
      timedQuery(
        `set tcp_keepalives_idle = ${keepaliveS}; set tcp_keepalives_interval = ${Math.max(1, Math.floor(keepaliveS / 3))}; set tcp_keepalives_count = 3; set tcp_user_timeout = ${keepaliveS * 1000}`,
        undefined,
        tryEveryMs,
      ),
    );
    return next;
  }

  async function dropConnection(): Promise<void> {
    const old = client;
    client = null;
    if (!old) return;
    (old as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    await old.end().catch(() => undefined);
  }

  async function stepDown(reason: string): Promise<void> {
    if (!leading) return;
    leading = false;
    // Losing the lock to a failure is worth a warning; handing it over at shutdown is not.
    if (stopped) options.logger.info({ lock: options.name }, 'stopped leading: shutting down');
    else options.logger.warn({ lock: options.name, reason }, 'stopped leading');
    await Promise.resolve(options.onDeposed()).catch((error: unknown) =>
      options.logger.warn({ err: (error as Error).message }, 'stopping the leader duties failed'),
    );
  }

  async function attempt(): Promise<void> {
    try {
      client ??= await open();
      if (leading) {
        await client.query(timedQuery('select 1', undefined, tryEveryMs));
        return;
      }
      const { rows } = await client.query<{ got: boolean }>(
        timedQuery('select pg_try_advisory_lock(hashtextextended($1, 0)) as got', [options.name], tryEveryMs),
      );
      if (!rows[0]?.got || stopped) return;
      leading = true;
      options.logger.info({ lock: options.name }, 'leading');
      await options.onElected();
    } catch (error) {
      // Whatever state the session is in, a fresh one starts clean: its lock (if any) goes with it.
      await stepDown((error as Error).message);
      await dropConnection();
    }
  }

  const timer = setInterval(() => {
    busy = busy.then(() => (stopped ? undefined : attempt()));
  }, tryEveryMs);
  timer.unref();
  busy = attempt();

  return {
    firstTry: busy,
    isLeader: () => leading,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
      await stepDown('stopping');
      await dropConnection();
    },
  };
}
