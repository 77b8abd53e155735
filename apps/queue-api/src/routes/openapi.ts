/**
 * `/openapi.json`, built from the zod schemas of @gpuq/job-types (never written by hand), and
 * `/docs`, a self-contained page rendered from that document (no CDN: it works offline).
 */
import { jsonSchemaOf, openApiSchemas, ProjectsQuery } from '@gpuq/job-types';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { z } from 'zod';
import { JobListQuery } from './jobs.js';

type Operation = {
  summary: string;
  /** Schema id of the JSON body. */
  request?: string;
  /** Schema id of the JSON answer. */
  response?: string;
  status?: string;
  /** Query parameters, from the zod schema the route parses them with. */
  query?: z.ZodObject;
  /** A body that is not a schema's JSON: raw bytes, or any JSON object. */
  body?: 'binary' | 'json-object';
  /** An answer that is not a schema's JSON. */
  answer?: 'binary' | 'event-stream' | 'none' | 'json';
};

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Every documented route: method, path, request and response schema ids. */
export const API_OPERATIONS: Record<string, Record<string, Operation>> = {
  '/functions/v1/queue-job': {
    post: { summary: 'Queue a generation', request: 'QueueJobRequest', response: 'QueueJobResponse' },
  },
  '/functions/v1/calculate-task-cost': {
    post: {
      summary: 'Credits a request would cost',
      request: 'QueueJobRequest',
      response: 'TaskCostResponse',
    },
  },
  '/functions/v1/job-callback': {
    post: {
      summary: 'Worker result (signed per job)',
      request: 'JobCallbackPayload',
      response: 'JobResponse',
    },
  },
  '/functions/v1/job-callback/upload-url': {
    post: {
      summary: "Worker storage (signed per job): a PUT URL for a file in the job's folder",
      request: 'JobUploadUrlRequest',
      response: 'JobStorageUrl',
    },
  },
  '/functions/v1/job-callback/download-url': {
    post: {
      summary: "Worker storage (signed per job): a GET URL for a file in the job owner's folder",
      request: 'JobDownloadUrlRequest',
      response: 'JobStorageUrl',
    },
  },
  '/functions/v1/create-task': {
    post: {
      summary: 'Task protocol: create a task',
      request: 'CreateTaskRequest',
      response: 'CreateTaskResponse',
    },
  },
  '/functions/v1/create_task': {
    post: {
      summary: 'Task protocol: create-task under the name some clients call',
      request: 'CreateTaskRequest',
      response: 'CreateTaskResponse',
    },
  },
  '/functions/v1/claim-next-task': {
    post: {
      summary: 'Task protocol: claim the oldest claimable task',
      request: 'ClaimNextTaskRequest',
      response: 'ClaimedTask',
    },
  },
  '/functions/v1/complete-task': {
    post: {
      summary: 'Task protocol: complete a task',
      request: 'CompleteTaskRequest',
      response: 'CompleteTaskResponse',
    },
  },
  '/functions/v1/update-task-status': {
    post: {
      summary: 'Task protocol: move a task forward',
      request: 'UpdateTaskStatusRequest',
      response: 'ApiErrorBody',
    },
  },
  '/functions/v1/task-counts': {
    post: {
      summary: 'Task protocol: queued and running counts',
      request: 'TaskCountsRequest',
      response: 'TaskCountsResponse',
    },
  },
  '/functions/v1/generate-upload-url': {
    post: {
      summary: 'Task protocol: signed upload URL',
      request: 'GenerateUploadUrlRequest',
      response: 'GenerateUploadUrlResponse',
    },
  },
  '/functions/v1/get-predecessor-output': {
    post: {
      summary: 'Task protocol: first dependency output',
      request: 'PredecessorOutputRequest',
      response: 'PredecessorOutputResponse',
    },
  },
  '/functions/v1/get-completed-segments': {
    post: {
      summary: 'Task protocol: completed travel segments',
      request: 'CompletedSegmentsRequest',
      response: 'CompletedSegmentsResponse',
    },
  },
  '/functions/v1/complete_task': {
    post: {
      summary: 'Task protocol: complete-task under the name older pull-workers call',
      request: 'CompleteTaskRequest',
      response: 'CompleteTaskResponse',
    },
  },
  '/functions/v1/generate-admin-image': {
    post: {
      summary: 'Admins only: one free SDXL image, waited for (202 with the job if the wait runs out)',
      request: 'AdminImageRequest',
      response: 'AdminImageResponse',
    },
  },
  '/rest/v1/{table}': {
    get: {
      summary:
        'PostgREST-compatible read of an allow-listed table (select, filters, order, limit/offset, Range, Prefer: count=exact), under row-level security as the caller',
      answer: 'json',
    },
    patch: {
      summary:
        'PostgREST-compatible update of the rows the filters reach, as the caller: the service role’s tasks (status, worker_id null, error_message; kept inside the task rules and credits) and workers (status, metadata); a user’s cancel of their own tasks',
      body: 'json-object',
      answer: 'json',
    },
    delete: {
      summary:
        'PostgREST-compatible delete of Queued, Failed or Cancelled tasks the filters reach, as the caller (service role only); a Queued task is refunded',
      answer: 'json',
    },
    post: {
      summary:
        'PostgREST-compatible insert of new tasks (one row or an array), each created as create-task creates it (price, limits, the caller’s own project); 201, the rows under Prefer: return=representation',
      body: 'json-object',
      answer: 'json',
      status: '201',
    },
    put: {
      summary: 'Not served (405, PostgREST code PGRST117)',
      body: 'json-object',
      answer: 'json',
      status: '405',
    },
  },
  '/rest/v1/rpc/{name}': {
    post: {
      summary: 'Task protocol: a Postgres function of the rpc allow-list, as supabase-js `.rpc()` calls it',
      body: 'json-object',
      answer: 'json',
    },
  },
  '/v1/jobs': {
    get: {
      summary: "The caller's jobs, newest first (keyset page)",
      query: JobListQuery,
      response: 'JobListResponse',
    },
  },
  '/v1/jobs/{id}': { get: { summary: 'One job', response: 'JobResponse' } },
  '/v1/jobs/{id}/cancel': {
    post: {
      summary: 'Cancel a job that has not finished; its credits are refunded',
      response: 'JobResponse',
    },
  },
  '/v1/events': {
    get: {
      summary: "Server-sent events: every change of the caller's jobs, until the credential expires",
      answer: 'event-stream',
    },
  },
  '/v1/projects': {
    get: { summary: "The caller's projects (keyset page)", query: ProjectsQuery, response: 'ProjectPage' },
    post: {
      summary: 'Create a project',
      request: 'NewProjectRequest',
      response: 'ProjectResponse',
      status: '201',
    },
  },
  '/v1/tokens': {
    get: { summary: "The signed-in user's personal access tokens (never a secret)", response: 'TokenList' },
    post: {
      summary: 'Mint a personal access token (sign-in only; the secret is shown once)',
      request: 'NewTokenRequest',
      response: 'NewTokenResponse',
      status: '201',
    },
  },
  '/v1/tokens/{id}': {
    delete: {
      summary: 'Revoke a token and the tokens minted under it (sign-in only)',
      answer: 'none',
      status: '204',
    },
  },
  '/storage/v1/object/public/{bucket}/{path}': {
    get: { summary: 'A file of a public bucket', answer: 'binary' },
    head: { summary: 'Headers of a file of a public bucket', answer: 'binary' },
  },
  '/storage/v1/object/sign/{bucket}/{path}': {
    get: { summary: 'A file, through a signed URL (`?token=`)', answer: 'binary' },
    head: { summary: 'Headers of a file, through a signed URL (`?token=`)', answer: 'binary' },
  },
  '/storage/v1/object/upload/sign/{bucket}/{path}': {
    put: {
      summary: 'Store a file through a signed upload URL (`?token=`); bytes sniffed against Content-Type',
      body: 'binary',
      answer: 'json',
    },
  },
};

const ANSWER_CONTENT: Record<NonNullable<Operation['answer']>, Record<string, unknown> | undefined> = {
  binary: { 'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } } },
  'event-stream': { 'text/event-stream': { schema: { type: 'string' } } },
  json: { 'application/json': { schema: { type: 'object' } } },
  none: undefined,
};

function requestBodyOf(operation: Operation): Record<string, unknown> | undefined {
  if (operation.request) {
    return { required: true, content: { 'application/json': { schema: ref(operation.request) } } };
  }
  if (operation.body === 'binary') {
    return { required: true, content: { '*/*': { schema: { type: 'string', contentEncoding: 'binary' } } } };
  }
  if (operation.body === 'json-object') {
    return { required: false, content: { 'application/json': { schema: { type: 'object' } } } };
  }
  return undefined;
}

function parametersOf(path: string, operation: Operation): Record<string, unknown>[] {
  const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const shape = operation.query?.shape ?? {};
  const inQuery = Object.entries(shape).map(([name, schema]) => {
    const { $schema: _dialect, ...json } = jsonSchemaOf(schema as z.ZodType);
    return { name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, schema: json };
  });
  return [...inPath, ...inQuery];
}

export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, operations] of Object.entries(API_OPERATIONS)) {
    paths[path] = {};
    for (const [method, operation] of Object.entries(operations)) {
      const requestBody = requestBodyOf(operation);
      const parameters = parametersOf(path, operation);
      const content = operation.response
        ? { 'application/json': { schema: ref(operation.response) } }
        : ANSWER_CONTENT[operation.answer ?? 'none'];
      paths[path][method] = {
        summary: operation.summary,
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses: {
          [operation.status ?? '200']: { description: 'OK', ...(content ? { content } : {}) },
          default: { description: 'Error', content: { 'application/json': { schema: ref('ApiErrorBody') } } },
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'gpuq API',
      version: '0.1.0',
      description: 'Queue image and video generations; follow them to completion.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      schemas: openApiSchemas(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or personal access token' },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

export function openApiRoutes(): Hono {
  const app = new Hono();
  const document = openApiDocument();
  app.get('/openapi.json', (c) => c.json(document));
  app.get('/docs', (c) => {
    const rows = Object.entries(API_OPERATIONS).flatMap(([path, operations]) =>
      Object.entries(operations).map(
        ([method, op]) =>
          html`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${op.summary}</td><td>${op.request ? html`<a href="#${op.request}">${op.request}</a>` : ''}</td><td>${op.response ? html`<a href="#${op.response}">${op.response}</a>` : (op.answer ?? '')}</td></tr>`,
      ),
    );
    const schemas = Object.entries(openApiSchemas()).map(
      ([id, schema]) => html`<h3 id="${id}">${id}</h3><pre>${JSON.stringify(schema, null, 2)}</pre>`,
    );
    return c.html(html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>gpuq API</title>
          <style>${raw('body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}td,th{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #ddd}pre{background:#f6f6f6;padding:1rem;overflow:auto;max-height:24rem}')}</style>
        </head>
        <body>
          <h1>gpuq API</h1>
          <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1, generated from the zod schemas).</p>
          <table><thead><tr><th>method</th><th>path</th><th>what</th><th>request</th><th>response</th></tr></thead><tbody>${rows}</tbody></table>
          <h2>Schemas</h2>
          ${schemas}
        </body>
      </html>`);
  });
  return app;
}
