/**
 * `/openapi.json`, built from the zod schemas of @gpuq/job-types (never written by hand), and
 * `/docs`, a self-contained page rendered from that document (no CDN: it works offline).
 */
import { openApiSchemas } from '@gpuq/job-types';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';

type Operation = { summary: string; request?: string; response: string; status?: string };

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
    post: { summary: 'Worker result (signed per job)', request: 'JobCallbackPayload', response: 'JobRecord' },
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
  '/v1/jobs': { get: { summary: "The caller's jobs", response: 'JobListResponse' } },
  '/v1/jobs/{id}': { get: { summary: 'One job', response: 'JobRecord' } },
};

export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, operations] of Object.entries(API_OPERATIONS)) {
    paths[path] = {};
    for (const [method, operation] of Object.entries(operations)) {
      paths[path][method] = {
        summary: operation.summary,
        ...(operation.request
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: ref(operation.request) } },
              },
            }
          : {}),
        responses: {
          [operation.status ?? '200']: {
            description: 'OK',
            content: { 'application/json': { schema: ref(operation.response) } },
          },
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
          html`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${op.summary}</td><td>${op.request ? html`<a href="#${op.request}">${op.request}</a>` : ''}</td><td><a href="#${op.response}">${op.response}</a></td></tr>`,
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
