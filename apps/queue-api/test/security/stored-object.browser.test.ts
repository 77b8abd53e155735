/**
 * A stored file against a signed-in admin, in real headless Chromium over a real queue-api: the
 * attack is an uploaded file that, opened by an admin on the api's origin, runs script that pauses
 * every queue through Bull Board's same-origin API. Shown here: the admin page itself can do that
 * (so the checks below would see it), script-bearing uploads are refused however they are typed,
 * and what is stored opens as an image in an opaque-origin sandbox that can reach nothing, or as a
 * download.
 */

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { ensureProfile, grantAdmin } from '@gpuq/db';
import type { GenerateUploadUrlResponse } from '@gpuq/job-types';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { mediaFixture, queuedTask } from './storage-support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED: stored-object browser test needs Chromium at ${CHROMIUM}`);

// What the attacker's file runs: pause every queue through the board's API, and say so.
const PAYLOAD = `fetch('/admin/queues/api/queues/pause', { method: 'PUT' }); document.title = 'ran';`;
const svgPayload = `<svg xmlns="http://www.w3.org/2000/svg" onload="${PAYLOAD}"><script>${PAYLOAD}</script></svg>`;
const htmlPayload = `<!doctype html><html><body><script>${PAYLOAD}</script></body></html>`;

describe.skipIf(!hasChromium)('a stored file opened by a signed-in admin in Chromium', () => {
  let api: ApiHarness;
  let browser: Browser;
  let page: Page;
  const adminRequests: string[] = [];

  const queuesPaused = async () => Promise.all(api.services.queues.all().map((queue) => queue.isPaused()));

  beforeAll(async () => {
    api = await startApi();
    const adminId = randomUUID();
    await ensureProfile(api.services.db, { userId: adminId, signupCredits: 0 });
    await grantAdmin(api.services.db, { userId: adminId });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const context = await browser.newContext({ acceptDownloads: true });
    context.on('request', (request) => {
      if (request.url().includes('/admin/queues/api/')) adminRequests.push(request.url());
    });
    page = await context.newPage();
    await page.goto(`${api.url}/admin/queues`);
    await page.fill('#token', await api.token(adminId));
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin\/queues/);
    await page.getByText('sdxl_queue').first().waitFor({ timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('(control) script on the api origin with the admin session can pause every queue', async () => {
    const status = await page.evaluate(async () => {
      const response = await fetch('/admin/queues/api/queues/pause', { method: 'PUT' });
      return response.status;
    });
    expect(status).toBe(200);
    expect(await queuesPaused()).toEqual([true, true]);
    await page.evaluate(() => fetch('/admin/queues/api/queues/resume', { method: 'PUT' }));
    expect(await queuesPaused()).toEqual([false, false]);
    adminRequests.length = 0;
  });

  it('refuses to store the payload as SVG, as HTML, or spoofed as a PNG, from the browser', async () => {
    const attacker = randomUUID();
    const { token, taskId } = await queuedTask(api, attacker);
    const outcome = await page.evaluate(
      async ({ token, taskId, svgPayload, htmlPayload }) => {
        const ask = (filename: string, contentType: string) =>
          fetch('/functions/v1/generate-upload-url', {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ task_id: taskId, filename, content_type: contentType }),
          });
        const svg = await ask('x.svg', 'image/svg+xml');
        const html = await ask('x.html', 'text/html');
        const png = (await (await ask('x.png', 'image/png')).json()) as { upload_url: string };
        const put = (body: string) =>
          fetch(png.upload_url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body });
        return {
          svgUrl: svg.status,
          htmlUrl: html.status,
          svgAsPng: (await put(svgPayload)).status,
          htmlAsPng: (await put(htmlPayload)).status,
        };
      },
      { token, taskId, svgPayload, htmlPayload },
    );
    expect(outcome).toEqual({ svgUrl: 415, htmlUrl: 415, svgAsPng: 415, htmlAsPng: 415 });
    for (const name of ['x.svg', 'x.html', 'x.png']) {
      expect(await api.services.storage.exists('image_fast', `${attacker}/tasks/${taskId}/${name}`)).toBe(
        false,
      );
    }
  });

  it('opens a PNG carrying script (it passes the sniffer) as an image in a sandbox that reaches nothing', async () => {
    const { token, taskId } = await queuedTask(api, randomUUID());
    const answer = await api.request('/functions/v1/generate-upload-url', {
      token,
      json: { task_id: taskId, filename: 'polyglot.png', content_type: 'image/png' },
    });
    const upload = (await answer.json()) as GenerateUploadUrlResponse;
    const polyglot = Buffer.concat([mediaFixture('tiny.png'), Buffer.from(htmlPayload)]);
    const stored = await fetch(upload.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: polyglot,
    });
    expect(stored.status).toBe(200);

    const url = await api.services.storage.signedUrl('image_fast', upload.storage_path, 60);
    const response = await page.goto(url);
    expect(response?.headers()['content-security-policy']).toBe(
      "sandbox; default-src 'none'; media-src 'self'",
    );
    await page.waitForTimeout(500);
    expect(await page.title()).not.toBe('ran');
    // Evaluated inside the opened file's document (a string: this file is not typed for the DOM).
    const inside = await page.evaluate(`(async () => ({
      origin: window.origin,
      image: document.querySelector('img') !== null,
      board: await fetch('/admin/queues/api/queues').then((r) => r.status, () => 'blocked'),
    }))()`);
    expect(inside).toEqual({ origin: 'null', image: true, board: 'blocked' });
    expect(adminRequests.filter((u) => u.includes('/pause'))).toEqual([]);
    expect(await queuesPaused()).toEqual([false, false]);
  });

  it('still shows stored images and videos opened directly (the sandbox stops no media)', async () => {
    const owner = randomUUID();
    await api.services.storage.put('single_image', `${owner}/a.png`, mediaFixture('tiny.png'), 'image/png');
    await api.services.storage.put('video_fast', `${owner}/a.webm`, mediaFixture('tiny.webm'), 'video/webm');
    await page.goto(api.services.storage.publicUrl('single_image', `${owner}/a.png`));
    await page.waitForFunction('document.querySelector("img")?.complete === true');
    expect(await page.evaluate('document.querySelector("img").naturalWidth')).toBe(16);
    await page.goto(await api.services.storage.signedUrl('video_fast', `${owner}/a.webm`, 60));
    await page.waitForFunction('(document.querySelector("video")?.readyState ?? 0) >= 1', undefined, {
      timeout: 10_000,
    });
    expect(await page.evaluate('document.querySelector("video").videoWidth')).toBe(16);
  });

  it('downloads an SVG stored before the allow-list instead of running it', async () => {
    const owner = randomUUID();
    const path = `${owner}/tasks/${randomUUID()}/old.svg`;
    await api.services.storage.put('single_image', path, Buffer.from(svgPayload), 'image/svg+xml');
    const download = page.waitForEvent('download');
    await page.goto(api.services.storage.publicUrl('single_image', path)).catch(() => undefined);
    expect((await download).suggestedFilename()).toBe('old.svg');
    await page.waitForTimeout(500);
    expect(adminRequests.filter((u) => u.includes('/pause'))).toEqual([]);
    expect(await queuesPaused()).toEqual([false, false]);
  });
});
