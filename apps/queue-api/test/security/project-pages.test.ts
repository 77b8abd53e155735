/**
 * `GET /v1/projects` answers keyset pages (`limit`, `cursor`, `nextCursor`), for users and for the
 * service role that sees everyone's; `POST /v1/projects` is capped per user.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SECRETS, startApi } from '../api-harness.js';

const MAX_PROJECTS = 6;
let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ MAX_PROJECTS_PER_USER: String(MAX_PROJECTS) });
});
afterAll(async () => {
  await api?.close();
});

interface Page {
  projects: Array<{ id: string; name: string }>;
  nextCursor: string | null;
}

async function createProjects(token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await api.request('/v1/projects', { token, json: { name: `p${i}` } });
    expect(response.status).toBe(201);
    ids.push(((await response.json()) as { project: { id: string } }).project.id);
  }
  return ids;
}

async function page(token: string, query: string): Promise<Page> {
  const response = await api.request(`/v1/projects${query}`, { token });
  expect(response.status, query).toBe(200);
  return (await response.json()) as Page;
}

async function everyPage(token: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer: Page = await page(token, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.projects.length).toBeLessThanOrEqual(limit);
    ids.push(...answer.projects.map((project) => project.id));
    cursor = answer.nextCursor;
    pages += 1;
  } while (cursor);
  return { ids, pages };
}

describe('project pages', () => {
  it("walks a user's projects page by page, each once, oldest first", async () => {
    const token = await api.token(randomUUID());
    const created = await createProjects(token, 5);
    const first = await page(token, '?limit=2');
    expect(first.projects.map((p) => p.id)).toEqual(created.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(await everyPage(token, 2)).toEqual({ ids: created, pages: 3 });
    // Exactly one page's worth: no empty page after it.
    expect(await everyPage(token, 5)).toEqual({ ids: created, pages: 1 });
    // Without a limit: a default page of up to 50, with the same shape.
    expect(await page(token, '')).toEqual({ projects: expect.any(Array), nextCursor: null });
  });

  it("pages the service role's view of everyone's projects too", async () => {
    const service = SECRETS.SUPABASE_SERVICE_ROLE_KEY;
    const a = await createProjects(await api.token(randomUUID()), 2);
    const b = await createProjects(await api.token(randomUUID()), 2);
    const first = await page(service, '?limit=3');
    expect(first.projects).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const { ids } = await everyPage(service, 3);
    for (const id of [...a, ...b]) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a bad limit or cursor with 400 naming the field', async () => {
    const token = await api.token(randomUUID());
    const cases: Array<[string, string]> = [
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=two', 'limit'],
      ['?cursor=not-a-cursor', 'cursor'],
      [`?cursor=${Buffer.from('["2026-01-01", "x"]').toString('base64url')}`, 'cursor'],
      [`?cursor=${Buffer.from(`["drop table", "${randomUUID()}"]`).toString('base64url')}`, 'cursor'],
    ];
    for (const [query, field] of cases) {
      const response = await api.request(`/v1/projects${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(await response.json(), query).toMatchObject({ error: { code: 'invalid_request', field } });
    }
  });
});

describe('projects per user', () => {
  it(`refuses a project beyond ${MAX_PROJECTS} with 409 naming the limit, even when racing`, async () => {
    const token = await api.token(randomUUID());
    const answers = await Promise.all(
      Array.from({ length: MAX_PROJECTS + 4 }, (_, i) =>
        api.request('/v1/projects', { token, json: { name: `race ${i}` } }),
      ),
    );
    const statuses = answers.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(MAX_PROJECTS);
    expect(statuses.filter((status) => status === 409)).toHaveLength(4);
    const refused = answers.find((response) => response.status === 409)!;
    expect(await refused.json()).toEqual({
      error: {
        code: 'conflict',
        message: expect.stringContaining(`MAX_PROJECTS_PER_USER=${MAX_PROJECTS}`),
      },
    });
    expect((await everyPage(token, 100)).ids).toHaveLength(MAX_PROJECTS);
  });
});
