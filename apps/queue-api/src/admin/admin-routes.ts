/**
 * Operator pages: a sign-in form that trades an admin's access token for a session cookie, and
 * Bull Board at /admin/queues showing both queues, every page, asset and API call of it behind
 * the admin gate.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { HttpError, jsonDepthLimit } from '@gpuq/http';
import type { JobQueues } from '@gpuq/queue';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type HonoRequest } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { type AdminGateOptions, adminGate } from './admin-gate.js';
import { ADMIN_COOKIE, ADMIN_SESSION_SECONDS } from './admin-session.js';

export const BULL_BOARD_PATH = '/admin/queues';

const loginPage = (error?: string) => html`<!doctype html>
  <html lang="en">
    <head><meta charset="utf-8" /><title>gpuq operators</title></head>
    <body style="font-family:system-ui,sans-serif;margin:3rem;max-width:36rem">
      <h1>gpuq operators</h1>
      ${error ? html`<p role="alert" style="color:#b00">${error}</p>` : ''}
      <form method="post" action="/admin/login">
        <label for="token">Admin access token</label><br />
        <textarea id="token" name="token" rows="4" cols="60" required></textarea><br />
        <button type="submit">Sign in</button>
      </form>
    </body>
  </html>`;

/** The sign-in form; a body that is no readable form (truncated multipart, say) is a 400. */
async function readForm(request: HonoRequest): Promise<Record<string, unknown>> {
  try {
    return await request.parseBody();
  } catch (cause) {
    throw new HttpError(400, 'invalid_request', 'the sign-in form could not be read', { cause });
  }
}

export function adminRoutes(queues: JobQueues, gate: AdminGateOptions): Hono {
  const app = new Hono();
  app.get('/admin/login', (c) => c.html(loginPage()));
  app.post('/admin/login', async (c) => {
    const form = await readForm(c.req);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const adminId = token ? await gate.adminFromBearer(token) : null;
    if (!adminId) return c.html(loginPage('That token does not belong to an admin.'), 403);
    setCookie(c, ADMIN_COOKIE, await gate.sessions.open(adminId), {
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/admin',
      maxAge: ADMIN_SESSION_SECONDS,
    });
    return c.redirect(BULL_BOARD_PATH, 303);
  });
  app.post('/admin/logout', async (c) => {
    // Revoked server-side: a copy of the cookie stops working too.
    await gate.sessions.close(getCookie(c, ADMIN_COOKIE));
    deleteCookie(c, ADMIN_COOKIE, { path: '/admin' });
    return c.redirect('/admin/login', 303);
  });

  const board = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((queue) => {
      const adapter = new BullMQAdapter(queue);
      // Operators need the job's inputs, not its callback credential.
      adapter.setFormatter('data', (data: Record<string, unknown>) => ({
        ...data,
        callbackToken: '[redacted]',
      }));
      return adapter;
    }),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'gpuq queues' } },
  });
  app.use(`${BULL_BOARD_PATH}`, adminGate(gate));
  app.use(`${BULL_BOARD_PATH}/*`, adminGate(gate));
  app.use(`${BULL_BOARD_PATH}/api/*`, jsonDepthLimit());
  app.route(BULL_BOARD_PATH, board.registerPlugin());
  return app;
}
