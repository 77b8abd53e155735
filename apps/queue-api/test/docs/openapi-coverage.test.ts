/**
 * Every route the real queue-api serves is in the OpenAPI document at /openapi.json, or left out
 * below with the reason; and every path of the document is a route. A route added to the app
 * without either fails here, naming the route to add to `API_OPERATIONS` (src/routes/openapi.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';

/** Routes deliberately left out of the public document, by path prefix or exact path, with why. */
const UNDOCUMENTED: { path: string; prefix?: boolean; why: string }[] = [
  {
    path: '/admin',
    prefix: true,
    why: "operator pages: Bull Board's page and its own JSON API, sign-in and sign-out, behind the operator gate",
  },
  { path: '/openapi.json', why: 'the document itself' },
  { path: '/docs', why: 'an HTML rendering of this document' },
  { path: '/healthz', why: 'liveness probe for the orchestrator, described in docs/OPERATIONS.md' },
  { path: '/readyz', why: 'readiness probe for the orchestrator, described in docs/OPERATIONS.md' },
  { path: '/metrics', why: 'Prometheus scrape endpoint, described in docs/ARCHITECTURE.md' },
];

/** Hono's `:name` (and `:name{regex}`) parameters in OpenAPI's `{name}` form. */
function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}

function undocumented(path: string): boolean {
  return UNDOCUMENTED.some((entry) =>
    entry.prefix ? path === entry.path || path.startsWith(`${entry.path}/`) : path === entry.path,
  );
}

describe('the OpenAPI document', () => {
  let api: ApiHarness;
  let paths: Record<string, Record<string, unknown>>;
  let served: Set<string>;

  beforeAll(async () => {
    api = await startApi();
    const response = await fetch(`${api.url}/openapi.json`);
    expect(response.status).toBe(200);
    paths = ((await response.json()) as { paths: typeof paths }).paths;
    served = new Set(
      api.app.routes
        // Middleware (auth, CORS, limits) is mounted with `ALL`; routes have a method.
        .filter((route) => route.method !== 'ALL' && route.method !== 'OPTIONS')
        .map((route) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`),
    );
  });
  afterAll(() => api?.close());

  it('lists every route the api serves (add a missing one to API_OPERATIONS in src/routes/openapi.ts)', () => {
    const missing = [...served]
      .filter((route) => {
        const [method, path] = route.split(' ') as [string, string];
        return !undocumented(path) && !paths[path]?.[method];
      })
      .sort()
      .map((route) => route.replace(/^\S+/, (method) => method.toUpperCase()));
    expect(missing, `routes missing from /openapi.json:\n${missing.join('\n')}`).toEqual([]);
  });

  it('lists no route the api does not serve', () => {
    const stale = Object.entries(paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
      .filter((route) => !served.has(route))
      .sort();
    expect(stale, `paths in /openapi.json that no route serves:\n${stale.join('\n')}`).toEqual([]);
  });

  it('declares each path parameter and resolves each schema reference', async () => {
    const document = JSON.stringify(paths);
    const components = (
      (await (await fetch(`${api.url}/openapi.json`)).json()) as {
        components: { schemas: Record<string, unknown> };
      }
    ).components.schemas;
    for (const [, id] of document.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      expect(components, `schema ${id}`).toHaveProperty([id as string]);
    }
    for (const [path, operations] of Object.entries(paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(operations)) {
        const declared = ((operation as { parameters?: { name: string; in: string }[] }).parameters ?? [])
          .filter((parameter) => parameter.in === 'path')
          .map((parameter) => parameter.name);
        expect(declared, `${method} ${path}`).toEqual(names);
      }
    }
  });
});
