/**
 * `GET /v1/events`: server-sent events (`event: job`, `data: JobRecord`) for the caller's jobs, or
 * everyone's for the service role. A browser's EventSource cannot send headers, so this route also
 * takes `?access_token=` (mounted with that allowance by the app).
 *
 * A stream outlives the request that authenticated it, so its credential is checked again every
 * SSE_CREDENTIAL_RECHECK_S and when it expires (the JWT's `exp`, the token's expiry): a revoked,
 * expired or otherwise refused credential ends the stream with an `event: end` naming why. A user
 * holds at most SSE_MAX_STREAMS_PER_USER streams over all api instances (counted in Redis,
 * event-stream-limits.ts); one more is 429.
 */
import { AuthError, type Authenticator, extractBearerToken, getPrincipal, type Principal } from '@gpuq/auth';
import { HttpError } from '@gpuq/http';
import type { Logger } from '@gpuq/logger';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ApiHonoEnv } from '../hono-env.js';
import type { ApiServices } from '../services.js';
import { StreamSlots, UNCOUNTED_SLOT } from './event-stream-limits.js';
import { scopeOf } from './jobs.js';

const KEEPALIVE_MS = 15_000;
/** setTimeout's largest delay; a later expiry is left to the periodic re-check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function eventRoutes(services: ApiServices): Hono<ApiHonoEnv> {
  const app = new Hono<ApiHonoEnv>();
  const { env, authenticator, logger } = services;
  const slots = new StreamSlots({
    redis: services.redis,
    prefix: env.QUEUE_PREFIX,
    maxPerHolder: env.SSE_MAX_STREAMS_PER_USER,
    logger,
    // Renewed at every keepalive: a slot of a dead instance lapses after a few missed ones.
    leaseMs: KEEPALIVE_MS * 4,
  });
  app.get('/v1/events', async (c) => {
    const principal = getPrincipal(c);
    const scope = scopeOf(principal);
    const token = extractBearerToken({
      authorization: c.req.header('authorization'),
      queryToken: c.req.query('access_token'),
    });
    // The service role is the operators' own tooling: not capped.
    const slot = principal.kind === 'user' ? await slots.take(principal.userId) : UNCOUNTED_SLOT;
    if (!slot) {
      throw new HttpError(
        429,
        'rate_limited',
        `too many event streams: at most ${slots.maxPerHolder} open at once per user (SSE_MAX_STREAMS_PER_USER); close one first`,
        { headers: { 'retry-after': '5' } },
      );
    }
    return streamSSE(c, async (stream) => {
      let endReason: string | null = null;
      let wake = () => {};
      const end = (reason: string) => {
        endReason ??= reason;
        wake();
      };
      const stopWatching = watchCredential({
        token,
        principal,
        authenticator,
        logger,
        recheckMs: env.SSE_CREDENTIAL_RECHECK_S * 1000,
        onRefused: end,
      });
      let id = 0;
      const unsubscribe = services.events.subscribe(scope, ({ job }) => {
        if (endReason !== null) return;
        id += 1;
        void stream.writeSSE({ event: 'job', data: JSON.stringify(job), id: String(id) });
      });
      stream.onAbort(() => end('client left'));
      try {
        // A comment line keeps proxies from closing an idle stream.
        await stream.write(': connected\n\n');
        while (!stream.aborted && !stream.closed && endReason === null) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, KEEPALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          if (endReason === null && !stream.aborted) {
            await stream.write(': keepalive\n\n');
            await slot.renew();
          }
        }
        if (endReason !== null && !stream.aborted) {
          const body = { error: { code: 'unauthorized', message: endReason } };
          await stream.writeSSE({ event: 'end', data: JSON.stringify(body) });
        }
      } finally {
        unsubscribe();
        stopWatching();
        await slot.release();
      }
    });
  });
  return app;
}

interface CredentialWatch {
  token: string | undefined;
  principal: Principal;
  authenticator: Authenticator;
  logger: Logger;
  recheckMs: number;
  onRefused(reason: string): void;
}

/** Re-authenticates the stream's token on a timer and at its expiry; returns the stop function. */
function watchCredential(watch: CredentialWatch): () => void {
  const { principal } = watch;
  const recheck = async () => {
    try {
      const again = await watch.authenticator.authenticate(watch.token);
      const sameCaller =
        again.kind === principal.kind &&
        (again.kind !== 'user' || (principal.kind === 'user' && again.userId === principal.userId));
      if (!sameCaller) watch.onRefused('the credential now names another caller');
    } catch (error) {
      if (error instanceof AuthError) watch.onRefused(`credential no longer accepted: ${error.message}`);
      // The token store being down is not the token's fault: keep streaming, check again later.
      else watch.logger.warn({ err: (error as Error).message }, 'event stream credential re-check failed');
    }
  };
  const interval = setInterval(() => void recheck(), watch.recheckMs);
  const expiresAt = principal.kind === 'user' ? principal.expiresAt : undefined;
  const untilExpiry = expiresAt ? expiresAt.getTime() - Date.now() : undefined;
  const expiry =
    untilExpiry !== undefined && untilExpiry <= MAX_TIMER_MS
      ? setTimeout(() => watch.onRefused('credential expired'), Math.max(0, untilExpiry))
      : undefined;
  return () => {
    clearInterval(interval);
    if (expiry) clearTimeout(expiry);
  };
}
