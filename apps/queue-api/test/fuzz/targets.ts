/**
 * Every route of queue-api that reads a body or a query, as fast-check arbitraries of bad
 * requests. A request that the route would rightly accept and act on (a valid body for the
 * caller's own task, say) is dropped as `null`: the fuzz pass checks that nothing changes.
 * Read-only routes take anything.
 */
import { createHmac } from 'node:crypto';
import { issueCallbackCredential, signedHeaders } from '@gpuq/callback-client/signing';
import {
  ClaimNextTaskRequest,
  CompleteTaskRequest,
  CreateTaskRequest,
  JobCallbackPayload,
  JobType,
  Prompt,
  QueueJobRequest,
  SingleImageParams,
  TravelOrchestratorParams,
  UpdateTaskStatusRequest,
} from '@gpuq/job-types';
import { createUrlToken } from '@gpuq/storage';
import { REST_TABLES, RPC_FUNCTIONS } from '@gpuq/task-protocol';
import fc from 'fast-check';
import { z } from 'zod';
import {
  bodyText,
  edgeNumber,
  edgeString,
  encodeQuery,
  type JsonBody,
  junkQuery,
  junkValue,
  mutated,
} from './bad-values.js';

export interface FuzzRequest {
  target: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface FuzzTarget {
  name: string;
  runs: number;
  requests: fc.Arbitrary<FuzzRequest | null>;
}

/** What the fuzz pass created before it started: ids and credentials the requests aim at. */
export interface FuzzContext {
  secrets: { jwt: string; serviceRoleKey: string; callback: string };
  storageSecret: Uint8Array;
  userId: string;
  userJwt: string;
  userPat: string;
  adminJwt: string;
  projectId: string;
  /** The user's queue-job task, Queued. */
  jobId: string;
  /** The user's single_image protocol task, Queued. */
  protocolTaskId: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url');

function hs256(payload: Record<string, unknown>, secret: string): string {
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** JSON text → value, or a marker that it is none (the route will refuse it). */
function parsed(body: JsonBody): unknown {
  if ('json' in body) return JSON.parse(JSON.stringify(body.json) ?? 'null');
  if (body.text.trim() === '') return {};
  try {
    return JSON.parse(body.text);
  } catch {
    return Symbol('not json');
  }
}

const INT32_MAX = 2 ** 31 - 1;

/**
 * Whether a body stays inside what a client can legitimately send: at most 64 levels of nesting
 * (the API's limit) and the named top-level fields, which land in Postgres `integer` columns,
 * within that type. Only such bodies are ever dropped as "the route would accept this"; a wild
 * body that a schema lets through is sent anyway, so a schema too lax for its column shows up as
 * a 5xx or a changed row instead of being skipped.
 */
function tame(body: JsonBody, integerFields: readonly string[] = []): boolean {
  const stack: Array<[value: unknown, key: string, depth: number]> = [[parsed(body), '', 0]];
  while (stack.length > 0) {
    const [value, key, depth] = stack.pop()!;
    if (typeof value === 'number') {
      if (depth === 1 && integerFields.includes(key) && Math.abs(value) > INT32_MAX) return false;
    } else if (value !== null && typeof value === 'object') {
      if (depth >= 64) return false;
      for (const [childKey, child] of Object.entries(value)) stack.push([child, childKey, depth + 1]);
    }
  }
  return true;
}

/** The route would accept this body and act on it. */
const valid = (schema: z.ZodType, body: JsonBody, integerFields: readonly string[] = []) =>
  tame(body, integerFields) && schema.safeParse(parsed(body)).success;

export function fuzzTargets(ctx: FuzzContext): FuzzTarget[] {
  const now = () => Math.floor(Date.now() / 1000);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Tokens that must not work, and some that do (the user, their PAT, the service). */
  const badToken = fc.oneof(
    edgeString.filter((text) => /^[\x21-\x7e]+$/.test(text)),
    fc.constantFrom('Bearer', 'null', 'undefined', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.'),
    // Signed with the right secret, naming nobody sensible.
    fc
      .record({
        sub: fc.oneof(edgeString, junkValue),
        role: fc.constantFrom('authenticated', 'anon', 'admin', '', undefined),
        aud: fc.constantFrom('authenticated', 'anon', undefined),
        exp: fc.oneof(fc.constant(now() + 600), edgeNumber),
      })
      .map((claims) => hs256({ ...claims, iat: now() }, ctx.secrets.jwt)),
    // The right claims, the wrong secret.
    fc
      .uuid()
      .map((sub) => hs256({ sub, aud: 'authenticated', exp: now() + 600 }, 'wrong-secret-0123456789abcdef')),
  );
  const authHeaders = fc.oneof(
    { arbitrary: fc.constant(bearer(ctx.userJwt)), weight: 6 },
    { arbitrary: fc.constant(bearer(ctx.userPat)), weight: 1 },
    { arbitrary: fc.constant(bearer(ctx.secrets.serviceRoleKey)), weight: 1 },
    { arbitrary: fc.constant({}), weight: 1 },
    { arbitrary: badToken.map(bearer), weight: 2 },
    {
      arbitrary: edgeString
        .filter((text) => /^[\x20-\x7e]*$/.test(text))
        .map((text) => ({ authorization: text })),
      weight: 1,
    },
  );
  const json = { 'content-type': 'application/json' };

  const post = (
    target: string,
    path: string,
    bodies: fc.Arbitrary<JsonBody>,
    refuse: (body: JsonBody) => boolean = () => true,
    headers: fc.Arbitrary<Record<string, string>> = authHeaders,
  ): fc.Arbitrary<FuzzRequest | null> =>
    fc
      .tuple(bodies, headers)
      .map(([body, auth]) =>
        refuse(body)
          ? { target, method: 'POST', path, headers: { ...json, ...auth }, body: bodyText(body) }
          : null,
      );

  const taskIdOrJunk = fc.oneof(
    fc.constant(ctx.protocolTaskId),
    fc.constant(ctx.jobId),
    fc.uuid(),
    edgeString,
  );
  const ownTask = (body: JsonBody) => {
    const value = parsed(body) as { task_id?: unknown } | null;
    return value?.task_id === ctx.protocolTaskId || value?.task_id === ctx.jobId;
  };
  const pathPart = fc.oneof(edgeString, fc.uuid()).map((text) => encodeQuery(text) || '%20');

  // ---- queue-job and its price
  const queueJobBody = mutated(
    fc.record({
      jobType: fc.constantFrom(...JobType.options),
      metadata: fc.record(
        {
          prompt: fc.string({ maxLength: 50 }),
          seed: fc.integer({ min: 0, max: 1000 }),
          width: fc.constantFrom(512, 768, 832),
          height: fc.constantFrom(512, 480),
          numImages: fc.integer({ min: 1, max: 6 }),
          referenceImageUrl: fc.webUrl(),
        },
        { requiredKeys: [] },
      ),
      projectId: fc.constantFrom(ctx.projectId, '00000000-0000-4000-8000-000000000000'),
    }),
  );
  const queueJob = fc
    .tuple(queueJobBody, fc.option(edgeString, { nil: undefined }), authHeaders)
    .map(([body, key, auth]): FuzzRequest | null =>
      valid(QueueJobRequest, body)
        ? null
        : {
            target: 'POST /functions/v1/queue-job',
            method: 'POST',
            path: '/functions/v1/queue-job',
            headers: {
              ...json,
              ...auth,
              ...(key !== undefined && /^[\x20-\x7e]*$/.test(key) ? { 'idempotency-key': key } : {}),
            },
            body: bodyText(body),
          },
    );

  // ---- admin image: the admin's own request, refused unless its body is whole
  const AdminImage = z.object({
    prompt: Prompt.refine((text) => text.trim().length > 0),
    mode: z.enum(['fast', 'high']).default('fast'),
    metadata: z.record(z.string(), z.unknown()).optional(),
  });
  const adminImageAccepted = (body: JsonBody) => {
    if (!tame(body)) return false;
    const result = AdminImage.safeParse(parsed(body));
    if (!result.success) return false;
    const { metadata, prompt, mode } = result.data;
    return QueueJobRequest.safeParse({
      jobType: mode === 'high' ? 'sdxl_image_high' : 'sdxl_image_fast',
      metadata: { ...metadata, prompt },
    }).success;
  };

  // ---- task protocol
  const singleImageParams = fc.record({
    prompt: fc.string({ maxLength: 30 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    width: fc.constantFrom(512, 64),
    height: fc.constantFrom(512, 2048),
  });
  const orchestratorParams = fc.record({
    orchestrator_details: fc.record({
      base_prompts_expanded: fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 3 }),
      segment_frames_expanded: fc.array(fc.integer({ min: 1, max: 81 }), { minLength: 1, maxLength: 3 }),
      frame_overlap_expanded: fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 2 }),
      parsed_resolution_wh: fc.constantFrom('832x480', '64x64', '9999x1'),
    }),
  });
  const createTaskBody = mutated(
    fc.record({
      task_type: fc.constantFrom(
        'single_image',
        'travel_orchestrator',
        'travel_segment',
        'travel_stitch',
        // Registered in task_types, and one that is not.
        'qwen_image',
        'wgp',
        'no_such_type',
      ),
      project_id: fc.oneof(fc.constant(ctx.projectId), fc.uuid(), edgeString),
      params: fc.oneof(singleImageParams, orchestratorParams, fc.dictionary(fc.string(), junkValue)),
      dependant_on: fc.oneof(fc.constant(null), fc.uuid(), fc.array(taskIdOrJunk, { maxLength: 3 })),
    }),
  );
  const createTaskRefused = (body: JsonBody) => {
    if (!tame(body)) return true;
    const value = parsed(body);
    const request = CreateTaskRequest.safeParse(value);
    if (!request.success) return true;
    if (request.data.project_id !== ctx.projectId) return true;
    if (request.data.task_type === 'no_such_type') return true;
    const paramsSchema =
      request.data.task_type === 'single_image'
        ? SingleImageParams
        : request.data.task_type === 'travel_orchestrator'
          ? TravelOrchestratorParams
          : null;
    return paramsSchema !== null && !paramsSchema.safeParse(request.data.params).success;
  };
  const completeBody = mutated(
    fc.oneof(
      fc.record({
        task_id: taskIdOrJunk,
        file_data: fc.base64String({ maxLength: 40 }),
        filename: fc.constantFrom('out.png', 'a/b.png', '..', 'x.html'),
      }),
      fc.record({
        task_id: taskIdOrJunk,
        storage_path: fc.oneof(edgeString, fc.constant(`${ctx.userId}/tasks/x.png`)),
      }),
      fc.record({ task_id: taskIdOrJunk, output_location: fc.oneof(fc.webUrl(), edgeString) }),
    ),
  );
  const completeRefused = (body: JsonBody) => !(valid(CompleteTaskRequest, body) && ownTask(body));
  const updateStatusBody = mutated(
    fc.record({
      task_id: taskIdOrJunk,
      status: fc.constantFrom('Queued', 'In Progress', 'Complete', 'Failed', 'Cancelled', 'Bogus'),
      output_location: edgeString,
      reset_generation_started_at: fc.boolean(),
    }),
  );

  // ---- rpc
  // Claims, heartbeats and task creation act whatever they name (a valid call changes state).
  const RPC_ACTING_ANYWHERE = [
    'func_claim_available_task',
    'func_worker_heartbeat_with_logs',
    'func_claim_task',
    'func_claim_user_task',
    'func_add_task',
  ];
  const HEARTBEAT_INTEGERS = ['vram_total_mb_param', 'vram_used_mb_param'];
  const rpcNames = [...Object.keys(RPC_FUNCTIONS), 'func_unknown', 'pg_sleep', '__proto__', 'constructor'];
  const rpcBody = mutated(
    fc.record(
      {
        worker_id_param: edgeString,
        p_task_id: taskIdOrJunk,
        task_id_param: taskIdOrJunk,
        p_status: fc.constantFrom('Queued', 'In Progress', 'Complete', 'Failed', 'Cancelled', 'x'),
        p_output_location: edgeString,
        p_error_message: edgeString,
        error_message_param: edgeString,
        vram_total_mb_param: edgeNumber,
        vram_used_mb_param: edgeNumber,
        logs_param: fc.array(junkValue, { maxLength: 3 }),
        current_task_id_param: taskIdOrJunk,
        status_param: edgeString,
        p_worker_id: edgeString,
        p_user_id: fc.oneof(fc.constant(ctx.userId), fc.uuid(), edgeString),
        p_run_id: edgeString,
        p_params: fc.oneof(edgeString, junkValue, fc.constant('{"prompt":"a fox"}')),
        p_task_type: fc.constantFrom('single_image', 'travel_orchestrator', 'x'),
        p_project_id: fc.oneof(fc.constant(ctx.projectId), fc.uuid(), edgeString),
        p_dependant_on: taskIdOrJunk,
        p_table_name: fc.constantFrom('tasks', 'profiles', 'x'),
        p_gen_task_type: fc.constantFrom('travel_segment', 'x'),
      },
      { requiredKeys: [] },
    ),
  );
  const rpcHeaders = fc.oneof(
    authHeaders,
    fc.constant({ apikey: ctx.secrets.serviceRoleKey }),
    badToken.map((token) => ({ apikey: token })),
  );
  const rpc = fc
    .tuple(fc.constantFrom(...rpcNames), rpcBody, rpcHeaders)
    .map(([name, body, auth]): FuzzRequest | null => {
      const fn = Object.hasOwn(RPC_FUNCTIONS, name) ? RPC_FUNCTIONS[name] : undefined;
      const value = parsed(body) as Record<string, unknown> | null;
      const integerFields = name === 'func_worker_heartbeat_with_logs' ? HEARTBEAT_INTEGERS : [];
      if (fn && valid(fn.args, body, integerFields)) {
        // Claims and heartbeats act whatever they name; the others only on a real task.
        if (RPC_ACTING_ANYWHERE.includes(name)) return null;
        const named = [value?.p_task_id, value?.task_id_param];
        if (named.includes(ctx.protocolTaskId) || named.includes(ctx.jobId)) return null;
      }
      return {
        target: 'POST /rest/v1/rpc/*',
        method: 'POST',
        path: `/rest/v1/rpc/${encodeQuery(name)}`,
        headers: { ...json, ...auth },
        body: bodyText(body),
      };
    });

  // ---- /rest/v1/<table>: reads take anything (they change nothing); writes are refused, but for
  // the service role's writes of the worker's tables
  const restKeys = [
    'select',
    'order',
    'limit',
    'offset',
    'or',
    'and',
    'not.or',
    'id',
    'status',
    'params->>prompt',
    'params',
    'worker_id',
    'created_at',
    'user_id',
  ];
  const restValue = fc.oneof(
    fc.constantFrom(
      'eq.Queued',
      'neq.x',
      'gt.2026-01-01',
      'in.(a,"b,c")',
      'in.(',
      'is.null',
      'is.maybe',
      'like.*a*',
      'ilike.%',
      'cs.{"a":1}',
      'cs.{',
      'not.eq.1',
      'not.approx.1',
      '(id.eq.1,and(status.eq.Queued,not.or(id.is.null)))',
      '(id.eq.1',
      'id,params->>prompt,x:task_type',
      'params->a->>b',
      'created_at.desc.nullslast',
      'created_at.sideways',
      '*',
      'projects(name)',
      'id::text',
      '99999999999',
      '-1',
    ),
    edgeString,
    edgeNumber.map(String),
  );
  const restQuery = fc.oneof(
    fc.constantFrom(
      'select=*',
      'select=id,status&status=eq.Queued&order=created_at.desc.nullslast&limit=5',
      'or=(status.eq.Queued,and(status.eq.Complete,output_location.not.is.null))',
      'select=id,prompt:params->>prompt&params->>prompt=ilike.*fox*',
    ),
    junkQuery(restKeys),
    fc
      .array(fc.tuple(fc.constantFrom(...restKeys), restValue), { minLength: 1, maxLength: 4 })
      .map((pairs) => pairs.map(([key, value]) => `${encodeQuery(key)}=${encodeQuery(value)}`).join('&')),
  );
  const restOptions = fc.record(
    {
      range: fc.constantFrom('0-9', '5-', 'x', '9-1', 'items=0-1', '0-99999999999'),
      'range-unit': fc.constantFrom('items', 'bytes'),
      prefer: fc.constantFrom('count=exact', 'count=planned', 'return=representation'),
      accept: fc.constantFrom('application/json', 'application/vnd.pgrst.object+json', '*/*'),
    },
    { requiredKeys: [] },
  );
  const restTables = [...REST_TABLES, 'secrets', 'rpc', '__proto__', 'pg_user', 'profiles'];
  const rest = fc
    .tuple(
      // Mostly tables that exist, so that queries reach the parser and Postgres.
      fc.oneof(
        { arbitrary: fc.constantFrom('tasks', 'generations', 'projects'), weight: 4 },
        { arbitrary: fc.constantFrom(...restTables), weight: 1 },
      ),
      restQuery,
      rpcHeaders,
      restOptions,
      fc.constantFrom('GET', 'GET', 'GET', 'DELETE', 'PATCH', 'POST'),
    )
    .map(([table, query, auth, options, method]): FuzzRequest | null => {
      // The service role's PATCH / DELETE of a table the worker writes acts on whatever the filters
      // reach (rest-writes.ts): not a bad request.
      const service = Object.values(auth).some((value) => value.includes(ctx.secrets.serviceRoleKey));
      if (
        service &&
        (method === 'PATCH' || method === 'DELETE') &&
        (table === 'tasks' || table === 'workers')
      ) {
        return null;
      }
      return {
        target: `${method} /rest/v1/<table>`,
        method,
        path: `/rest/v1/${encodeQuery(table)}?${query}`,
        headers: { ...auth, ...options, ...(method === 'GET' ? {} : json) },
        // A move no caller may make over /rest/v1 (an owner may only cancel).
        ...(method === 'GET' ? {} : { body: '{"status":"Complete"}' }),
      };
    });

  // ---- job callback and its storage routes (signed per job)
  const callbackJobId = fc.oneof(
    fc.constant(ctx.jobId),
    fc.constant(ctx.protocolTaskId),
    fc.uuid(),
    edgeString,
  );
  // Mostly whole reports, so that the one or two junk fields are what the route must catch.
  const callbackBody = mutated(
    fc.record(
      {
        jobId: callbackJobId,
        status: fc.constantFrom('processing', 'completed', 'failed', 'cancelled'),
        attempt: fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 2 },
          { arbitrary: edgeNumber, weight: 1 },
        ),
        workerId: fc.constantFrom('worker-1', ''),
        progress: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), edgeNumber),
        filePath: fc.oneof(fc.constant(`${ctx.userId}/${ctx.jobId}/out.png`), edgeString),
        outputUrl: fc.oneof(fc.webUrl(), edgeString),
        imageUrls: fc.array(edgeString, { maxLength: 2 }),
        metadata: fc.dictionary(fc.string({ maxLength: 5 }), junkValue, { maxKeys: 2 }),
        errorMessage: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: ['jobId', 'status'] },
    ),
  );
  const uploadUrlBody = mutated(
    fc.record({
      jobId: callbackJobId,
      filename: fc.oneof(fc.constant('out.png'), edgeString),
      contentType: fc.oneof(fc.constantFrom('image/png', 'text/html', 'video/mp4'), edgeString),
    }),
  );
  const downloadUrlBody = mutated(
    fc.record({
      jobId: callbackJobId,
      bucket: fc.oneof(fc.constantFrom('single_image', 'travel', 'images'), edgeString),
      path: fc.oneof(fc.constant(`${ctx.userId}/x.png`), edgeString),
    }),
  );
  /** Unsigned (no headers, or junk ones) or signed correctly for the body's own jobId. */
  const signed = (
    target: string,
    path: string,
    bodies: fc.Arbitrary<JsonBody>,
    refuse: (body: JsonBody) => boolean,
  ) =>
    fc
      .tuple(
        bodies,
        fc.oneof(
          { arbitrary: fc.constant('signed' as const), weight: 3 },
          { arbitrary: fc.constant('none' as const), weight: 1 },
          {
            arbitrary: fc.record({
              'x-gpuq-timestamp': fc.oneof(edgeString, edgeNumber.map(String)),
              'x-gpuq-signature': fc.oneof(
                edgeString,
                fc.string({ unit: fc.constantFrom(...'0123456789abcdef') }).map((hex) => `v1=${hex}`),
              ),
              'x-gpuq-credential-expires': fc.oneof(edgeString, edgeNumber.map(String)),
            }),
            weight: 2,
          },
        ),
      )
      .map(([body, signing]): FuzzRequest | null => {
        const raw = bodyText(body);
        let headers: Record<string, string> = {};
        if (signing === 'signed') {
          const value = parsed(body) as { jobId?: unknown } | null;
          const jobId = typeof value?.jobId === 'string' ? value.jobId : 'no-job';
          if (!refuse(body)) return null;
          headers = signedHeaders(issueCallbackCredential(ctx.secrets.callback, jobId), raw);
        } else if (signing !== 'none') {
          headers = Object.fromEntries(Object.entries(signing).filter(([, v]) => /^[\x20-\x7e]*$/.test(v)));
        }
        return { target, method: 'POST', path, headers: { ...json, ...headers }, body: raw };
      });
  const callbackRefused = (body: JsonBody) => {
    if (!tame(body, ['attempt'])) return true;
    const result = JobCallbackPayload.safeParse(parsed(body));
    return !result.success || (result.data.jobId !== ctx.jobId && result.data.jobId !== ctx.protocolTaskId);
  };

  // ---- storage: junk paths and tokens, and tokens signed for something else
  const storageToken = fc.oneof(
    edgeString,
    fc
      .tuple(fc.string({ maxLength: 5 }), edgeNumber, fc.string({ maxLength: 10 }))
      .map((parts) => parts.join('.')),
    // A real signature for another object (or another verb).
    fc.constantFrom('GET', 'PUT').map((method) =>
      createUrlToken(ctx.storageSecret, {
        method: method as 'GET' | 'PUT',
        bucket: 'single_image',
        path: `${ctx.userId}/elsewhere.png`,
        expiresAt: now() + 600,
      }),
    ),
  );
  const storage = fc
    .tuple(
      fc.constantFrom('sign', 'public', 'upload/sign'),
      fc.oneof(fc.constantFrom('single_image', 'travel', 'images', 'videos'), pathPart),
      fc.oneof(
        fc.constant(`${ctx.userId}/x.png`),
        fc.array(pathPart, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
      ),
      junkQuery(['token', 'contentType', 'download']),
      fc.option(storageToken, { nil: undefined }),
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom('image/png', 'text/html', 'application/octet-stream', ''),
    )
    .map(
      ([kind, bucket, path, query, token, bytes, type]): FuzzRequest => ({
        target: `storage ${kind}`,
        method: kind === 'upload/sign' ? 'PUT' : 'GET',
        path: `/storage/v1/object/${kind}/${bucket}/${path}?${query}${token === undefined ? '' : `&token=${encodeQuery(token)}`}`,
        headers: type ? { 'content-type': type } : {},
        ...(kind === 'upload/sign' ? { body: bytes } : {}),
      }),
    );

  // ---- operator sign-in: broken forms of every kind
  const adminLogin = fc
    .tuple(
      fc.oneof(
        fc.string({ maxLength: 12 }).map((boundary) => ({ boundary })),
        fc.constant({ boundary: undefined }),
      ),
      edgeString,
      fc.nat(),
      fc.constantFrom('multipart', 'urlencoded', 'other'),
      fc.constantFrom(
        'text/plain',
        'application/json',
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'application/x-www-form-urlencoded; charset=x-bogus',
      ),
    )
    .map(([{ boundary }, token, cut, kind, otherType]): FuzzRequest => {
      if (kind === 'multipart') {
        const b = boundary ?? 'gpuq';
        const full = `--${b}\r\nContent-Disposition: form-data; name="token"\r\n\r\n${token}\r\n--${b}--\r\n`;
        return {
          target: 'POST /admin/login',
          method: 'POST',
          path: '/admin/login',
          headers: {
            'content-type': `multipart/form-data${boundary === undefined ? '' : `; boundary=${boundary.replace(/[\r\n]/g, '')}`}`,
          },
          body: full.slice(0, cut % (full.length + 1)),
        };
      }
      if (kind === 'urlencoded') {
        return {
          target: 'POST /admin/login',
          method: 'POST',
          path: '/admin/login',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `token=${token.replace(/[&=]/g, '')}&token=%zz`.slice(0, 10 + (cut % 200)),
        };
      }
      return {
        target: 'POST /admin/login',
        method: 'POST',
        path: '/admin/login',
        headers: { 'content-type': otherType },
        body: token,
      };
    });

  const get = (target: string, paths: fc.Arbitrary<string>, headers = authHeaders) =>
    fc
      .tuple(paths, headers)
      .map(([path, auth]): FuzzRequest => ({ target, method: 'GET', path, headers: auth }));

  const fn = (name: string) => `/functions/v1/${name}`;
  return [
    { name: 'queue-job', runs: 1300, requests: queueJob },
    {
      name: 'calculate-task-cost',
      runs: 400,
      requests: post(
        'POST /functions/v1/calculate-task-cost',
        fn('calculate-task-cost'),
        fc.oneof(queueJobBody, createTaskBody),
      ),
    },
    {
      name: 'jobs list',
      runs: 700,
      requests: get(
        'GET /v1/jobs',
        junkQuery(['status', 'projectId', 'cursor', 'limit']).map((q) => `/v1/jobs?${q}`),
      ),
    },
    {
      name: 'job get',
      runs: 250,
      requests: get(
        'GET /v1/jobs/:id',
        pathPart.map((id) => `/v1/jobs/${id}`),
      ),
    },
    {
      name: 'job cancel',
      runs: 250,
      requests: fc.tuple(pathPart, authHeaders, junkValue).map(([id, auth, body]) => ({
        target: 'POST /v1/jobs/:id/cancel',
        method: 'POST',
        path: `/v1/jobs/${id}/cancel`,
        headers: { ...json, ...auth },
        body: JSON.stringify(body) ?? '',
      })),
    },
    {
      name: 'projects',
      runs: 350,
      requests: post(
        'POST /v1/projects',
        '/v1/projects',
        mutated(fc.record({ name: fc.string({ maxLength: 20 }) })),
        (body) => !valid(z.object({ name: z.string().trim().min(1).max(200) }), body),
      ),
    },
    {
      name: 'projects list',
      runs: 150,
      requests: get(
        'GET /v1/projects',
        junkQuery(['limit', 'cursor']).map((q) => `/v1/projects?${q}`),
      ),
    },
    {
      name: 'tokens',
      runs: 350,
      requests: post(
        'POST /v1/tokens',
        '/v1/tokens',
        mutated(
          fc.record({
            name: fc.string({ maxLength: 20 }),
            scopes: fc.array(edgeString),
            expiresAt: edgeString,
          }),
        ),
        (body) => !valid(z.object({ name: z.string().trim().max(200).default('') }), body),
      ),
    },
    {
      name: 'token revoke',
      runs: 200,
      requests: fc.tuple(pathPart, authHeaders).map(([id, auth]) => ({
        target: 'DELETE /v1/tokens/:id',
        method: 'DELETE',
        path: `/v1/tokens/${id}`,
        headers: auth,
      })),
    },
    {
      name: 'events',
      runs: 300,
      requests: get(
        'GET /v1/events',
        fc
          .tuple(junkQuery(['access_token', 'since']), badToken)
          .map(([q, token]) => `/v1/events?${q}&access_token=${encodeQuery(token)}`),
        fc.constant({}),
      ),
    },
    {
      name: 'events (signed in)',
      runs: 20,
      requests: get(
        'GET /v1/events',
        junkQuery(['since', 'status']).map((q) => `/v1/events?${q}`),
        fc.constant(bearer(ctx.userJwt)),
      ),
    },
    {
      name: 'admin image',
      runs: 400,
      requests: post(
        'POST /functions/v1/generate-admin-image',
        fn('generate-admin-image'),
        mutated(
          fc.record({
            prompt: fc.string({ maxLength: 20 }),
            mode: fc.constantFrom('fast', 'high', 'x'),
            metadata: fc.dictionary(
              fc.constantFrom('width', 'height', 'seed', 'numImages', 'jobType', 'x'),
              junkValue,
            ),
          }),
        ),
        (body) => !adminImageAccepted(body),
        fc.oneof(
          { arbitrary: fc.constant(bearer(ctx.adminJwt)), weight: 4 },
          { arbitrary: authHeaders, weight: 1 },
        ),
      ),
    },
    {
      name: 'create-task',
      runs: 800,
      requests: post('POST /functions/v1/create-task', fn('create-task'), createTaskBody, createTaskRefused),
    },
    {
      name: 'create_task',
      runs: 200,
      requests: post('POST /functions/v1/create_task', fn('create_task'), createTaskBody, createTaskRefused),
    },
    {
      name: 'claim-next-task',
      runs: 300,
      requests: post(
        'POST /functions/v1/claim-next-task',
        fn('claim-next-task'),
        mutated(fc.record({ worker_id: edgeString, run_type: fc.constantFrom('gpu', 'api', 'x') })),
        (body) => !valid(ClaimNextTaskRequest, body),
      ),
    },
    {
      name: 'complete-task',
      runs: 400,
      requests: post('POST /functions/v1/complete-task', fn('complete-task'), completeBody, completeRefused),
    },
    {
      name: 'complete_task',
      runs: 150,
      requests: post('POST /functions/v1/complete_task', fn('complete_task'), completeBody, completeRefused),
    },
    {
      name: 'update-task-status',
      runs: 400,
      requests: post(
        'POST /functions/v1/update-task-status',
        fn('update-task-status'),
        updateStatusBody,
        (body) => !(valid(UpdateTaskStatusRequest, body) && ownTask(body)),
      ),
    },
    {
      name: 'task-counts',
      runs: 200,
      requests: post(
        'POST /functions/v1/task-counts',
        fn('task-counts'),
        mutated(fc.record({ run_type: fc.constantFrom('gpu', 'api'), include_active: fc.boolean() })),
      ),
    },
    {
      name: 'generate-upload-url',
      runs: 300,
      requests: post(
        'POST /functions/v1/generate-upload-url',
        fn('generate-upload-url'),
        mutated(
          fc.record({
            task_id: taskIdOrJunk,
            filename: fc.oneof(fc.constant('out.png'), edgeString),
            content_type: fc.oneof(fc.constantFrom('image/png', 'text/html'), edgeString),
            generate_thumbnail_url: fc.boolean(),
          }),
        ),
      ),
    },
    {
      name: 'get-predecessor-output',
      runs: 200,
      requests: post(
        'POST /functions/v1/get-predecessor-output',
        fn('get-predecessor-output'),
        mutated(fc.record({ task_id: taskIdOrJunk })),
      ),
    },
    {
      name: 'get-completed-segments',
      runs: 200,
      requests: post(
        'POST /functions/v1/get-completed-segments',
        fn('get-completed-segments'),
        mutated(
          fc.record({
            run_id: edgeString,
            project_id: fc.oneof(fc.constant(ctx.projectId), fc.uuid(), edgeString),
          }),
        ),
      ),
    },
    { name: 'rpc', runs: 1000, requests: rpc },
    { name: 'rest tables', runs: 800, requests: rest },
    {
      name: 'job-callback',
      runs: 900,
      requests: signed(
        'POST /functions/v1/job-callback',
        '/functions/v1/job-callback',
        callbackBody,
        callbackRefused,
      ),
    },
    {
      name: 'job-callback upload-url',
      runs: 300,
      requests: signed(
        'POST /functions/v1/job-callback/upload-url',
        '/functions/v1/job-callback/upload-url',
        uploadUrlBody,
        () => true,
      ),
    },
    {
      name: 'job-callback download-url',
      runs: 300,
      requests: signed(
        'POST /functions/v1/job-callback/download-url',
        '/functions/v1/job-callback/download-url',
        downloadUrlBody,
        () => true,
      ),
    },
    { name: 'storage', runs: 700, requests: storage },
    { name: 'admin login', runs: 400, requests: adminLogin },
  ];
}
