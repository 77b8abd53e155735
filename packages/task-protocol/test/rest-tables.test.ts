/**
 * `/rest/v1/<table>` as PostgREST serves it, over real HTTP against Postgres with RLS: the
 * Headless worker's direct table reads replayed as supabase-py (postgrest-py) sends them —
 * `apikey` and `Authorization: Bearer` with the same key, the select list without blanks, `.single()`
 * as `Accept: application/vnd.pgrst.object+json` — and checked with the conditions its code applies;
 * then every operator, ranges and counts, object answers, errors, and users kept apart.
 */
import { randomUUID } from 'node:crypto';
import { createTask } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, SERVICE_KEY, startHarness } from './harness.js';

let h: Harness;
const WORKER = 'gpu-20250723_221138-afa8403b';
const OBJECT = 'application/vnd.pgrst.object+json';

/** postgrest-py's GET: both headers carry the client's key. */
function get(query: string, key = SERVICE_KEY, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.base}/rest/v1/${query}`, {
    headers: { apikey: key, authorization: `Bearer ${key}`, 'x-client-info': 'supabase-py/2.x', ...headers },
  });
}
const single = (query: string, key = SERVICE_KEY) => get(query, key, { accept: OBJECT });

async function createViaEdge(
  token: string,
  params: Record<string, unknown> = { prompt: 'an owl' },
): Promise<string> {
  const taskId = randomUUID();
  const res = await h.post('/functions/v1/create-task', token, {
    task_id: taskId,
    params,
    task_type: 'single_image',
    project_id: h.alice.projectId,
    dependant_on: null,
  });
  expect(res.status).toBe(200);
  return taskId;
}

let queued: string;
let claimed: string;
let bobTask: string;
const orchestrator = randomUUID();
const children: string[] = [];

beforeAll(async () => {
  h = await startHarness({ label: 'rest' });
  claimed = await createViaEdge(h.alice.pat, { prompt: 'first' });
  const claim = await h.post('/functions/v1/claim-next-task', SERVICE_KEY, {
    worker_id: WORKER,
    run_type: 'gpu',
  });
  expect((await json(claim)).task_id).toBe(claimed);
  queued = await createViaEdge(h.alice.pat, { prompt: 'second' });
  // Children as the worker's orchestrator handlers create them: params name the orchestrator.
  for (const [i, type] of (['travel_segment', 'travel_segment', 'travel_stitch'] as const).entries()) {
    const { task } = await createTask(h.db, {
      userId: h.alice.userId,
      projectId: h.alice.projectId,
      taskType: type,
      params: { orchestrator_task_id_ref: orchestrator, orchestrator_run_id: 'run-1', segment_index: i },
      cost: 0,
    });
    children.push(task.id);
  }
  const { task } = await createTask(h.db, {
    userId: h.bob.userId,
    projectId: h.bob.projectId,
    taskType: 'single_image',
    params: { prompt: 'bob only', orchestrator_task_id_ref: orchestrator },
    cost: 0,
  });
  bobTask = task.id;
});
afterAll(async () => {
  await h?.close();
});

describe("the Headless worker's table reads (source/db_operations.py)", () => {
  it('sees a created task at once (add_task_to_db visibility check, line 1134)', async () => {
    // .select("status, created_at, project_id, task_type").eq("id", actual_db_row_id).single()
    const res = await single(`tasks?select=status,created_at,project_id,task_type&id=eq.${queued}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(OBJECT);
    const row = await json(res);
    // `if status == STATUS_QUEUED: ... break` — the first poll ends the loop.
    expect(row).toEqual({
      status: 'Queued',
      created_at: expect.any(String),
      project_id: h.alice.projectId,
      task_type: 'single_image',
    });
    expect(Object.keys(row)).toEqual(['status', 'created_at', 'project_id', 'task_type']);
  });

  it('checks a dependency exists (line 1079) and reads 0 rows as "0 rows" (its retry condition)', async () => {
    // .select("id").eq("id", dependant_on).single()
    expect(await json(await single(`tasks?select=id&id=eq.${claimed}`))).toEqual({ id: claimed });
    const missing = await single(`tasks?select=id&id=eq.${randomUUID()}`);
    expect(missing.status).toBe(406);
    const error = await json(missing);
    expect(error.code).toBe('PGRST116');
    // The worker retries on `"0 rows" in str(e)`.
    expect(error.details).toContain('0 rows');
  });

  it('recovers a claim whose answer was lost, by worker_id (line 386)', async () => {
    // .select('id, params, task_type, project_id').eq('worker_id', worker_id).eq('status', 'In Progress').limit(1)
    const res = await get(
      `tasks?select=id,params,task_type,project_id&worker_id=eq.${WORKER}&status=eq.In%20Progress&limit=1`,
    );
    expect(res.status).toBe(200);
    const rows = await json(res);
    // `if result.data and len(result.data) > 0: task = result.data[0]`
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      id: claimed,
      params: expect.objectContaining({ prompt: 'first' }),
      task_type: 'single_image',
      project_id: h.alice.projectId,
    });
  });

  it('polls status and output (line 1209), reads output (1258), params (1286), dependant_on (1317)', async () => {
    const status = await json(await single(`tasks?select=status,output_location&id=eq.${claimed}`));
    expect(status).toEqual({ status: 'In Progress', output_location: null });
    const output = await json(await single(`tasks?select=output_location,status&id=eq.${claimed}`));
    expect(output.status).toBe('In Progress');
    const params = await json(await single(`tasks?select=params&id=eq.${claimed}`));
    expect(params.params.prompt).toBe('first');
    const dependency = await json(await single(`tasks?select=dependant_on&id=eq.${queued}`));
    expect(dependency).toEqual({ dependant_on: [] });
  });

  it("lists an orchestrator's children oldest first (line 1347) and its incomplete ones (line 428)", async () => {
    // .select("id, task_type, status, params, output_location").contains("params", {"orchestrator_task_id_ref": id}).order("created_at", desc=False)
    // postgrest-py: json.dumps(value) (a blank after the colon); order without `.desc` is bare.
    const contains = encodeURIComponent(`{"orchestrator_task_id_ref": "${orchestrator}"}`);
    const res = await get(
      `tasks?select=id,task_type,status,params,output_location&params=cs.${contains}&order=created_at`,
    );
    const rows = await json(res);
    expect(rows.map((row: { id: string }) => row.id)).toEqual([...children, bobTask]);
    // get_orchestrator_child_tasks sorts them by task_type.
    expect(rows.filter((row: { task_type: string }) => row.task_type === 'travel_segment')).toHaveLength(2);
    const incomplete = await json(await get(`tasks?select=id,status&params=cs.${contains}`));
    expect(incomplete.every((row: { status: string }) => row.status === 'Queued')).toBe(true);
  });

  it('reads completed travel segments (line 1577)', async () => {
    await h.db.query(
      `update public.tasks set status = 'Complete', output_location = 'seg.mp4' where id = $1`,
      [children[0]],
    );
    // .select("params, output_location").eq("task_type", "travel_segment").eq("status", "Complete")
    const rows = await json(
      await get('tasks?select=params,output_location&task_type=eq.travel_segment&status=eq.Complete'),
    );
    const mine = rows.filter(
      (row: { params: { orchestrator_run_id: string } }) =>
        String(row.params.orchestrator_run_id) === 'run-1',
    );
    expect(mine).toEqual([
      { params: expect.objectContaining({ segment_index: 0 }), output_location: 'seg.mp4' },
    ]);
  });

  it('answers the start-up check `select("count", count="exact")` (line 312) as PostgREST does', async () => {
    const res = await get('tasks?select=count&limit=1', SERVICE_KEY, { prefer: 'count=exact' });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ code: '42703', message: 'column tasks.count does not exist' });
  });
});

describe('row-level security decides', () => {
  it("a user's token reads their own tasks only; another user's task is not there", async () => {
    const mine = await json(await get('tasks?select=id,user_id', h.alice.pat));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((row: { user_id: string }) => row.user_id === h.alice.userId)).toBe(true);
    const theirs = await single(`tasks?select=id&id=eq.${bobTask}`, h.alice.pat);
    expect(theirs.status).toBe(406);
    expect(await json(await get(`tasks?id=eq.${bobTask}`, h.alice.jwt))).toEqual([]);
    expect(await json(await get(`tasks?select=id&id=eq.${bobTask}`, h.bob.jwt))).toEqual([{ id: bobTask }]);
  });

  it('counts only what the caller may see', async () => {
    const res = await get('tasks?select=id', h.bob.jwt, { prefer: 'count=exact' });
    expect(res.headers.get('content-range')).toBe('0-0/1');
  });

  it("workers are the service role's: a user gets 403 42501", async () => {
    const res = await get('workers?select=id', h.alice.pat);
    expect(res.status).toBe(403);
    expect((await json(res)).code).toBe('42501');
    const fleet = await json(await get(`workers?select=id&id=eq.${WORKER}`));
    expect(fleet).toEqual([{ id: WORKER }]);
  });

  it("generations (Reigh's gallery read): the owner's rows, in project order, never another user's", async () => {
    const insert = `insert into public.generations (project_id, user_id, type, location)
      values ($1, $2, 'image', $3) returning id`;
    const aliceGen = (await h.db.query<{ id: string }>(insert, [h.alice.projectId, h.alice.userId, 'a.png']))
      .rows[0]!.id;
    await h.db.query(insert, [h.bob.projectId, h.bob.userId, 'b.png']);
    // .from('generations').select('id, location, type', { count: 'exact' }).eq('project_id', …).order('created_at', { ascending: false })
    const res = await get(
      `generations?select=id,location,type&project_id=eq.${h.alice.projectId}&order=created_at.desc`,
      h.alice.jwt,
      { prefer: 'count=exact' },
    );
    expect(await json(res)).toEqual([{ id: aliceGen, location: 'a.png', type: 'image' }]);
    expect(res.headers.get('content-range')).toBe('0-0/1');
    const across = await get(`generations?select=location&project_id=eq.${h.bob.projectId}`, h.alice.jwt);
    expect(await json(across)).toEqual([]);
  });

  it('projects are read under their policy too', async () => {
    const rows = await json(await get('projects?select=id', h.alice.jwt));
    expect(rows).toEqual([{ id: h.alice.projectId }]);
  });

  it('no token is 401; a jobs-scoped token is 403', async () => {
    const res = await fetch(`${h.base}/rest/v1/tasks`);
    expect(res.status).toBe(401);
    expect(await json(res)).toMatchObject({ code: 'PGRST301' });
  });
});

describe('operators', () => {
  const ids = (rows: { id: string }[]) => rows.map((row) => row.id).sort();
  const alice = (query: string) => get(query, h.alice.jwt).then(json);

  it('eq neq gt gte lt lte', async () => {
    expect(ids(await alice(`tasks?select=id&id=eq.${queued}`))).toEqual([queued]);
    const notQueued = await alice(`tasks?select=id,status&status=neq.Queued`);
    expect(notQueued.every((row: { status: string }) => row.status !== 'Queued')).toBe(true);
    expect(notQueued.length).toBeGreaterThan(0);
    const claimedRow = await json(await single(`tasks?select=created_at&id=eq.${claimed}`, h.alice.jwt));
    const at = encodeURIComponent(claimedRow.created_at);
    expect(ids(await alice(`tasks?select=id&created_at=lte.${at}`))).toEqual([claimed]);
    expect(ids(await alice(`tasks?select=id&created_at=lt.${at}`))).toEqual([]);
    expect(await alice(`tasks?select=id&created_at=gte.${at}`)).toHaveLength(5);
    expect(ids(await alice(`tasks?select=id&created_at=gt.${at}`))).not.toContain(claimed);
  });

  it('in, with quoted items; not.in', async () => {
    expect(ids(await alice(`tasks?select=id&id=in.(${queued},"${claimed}")`))).toEqual(
      [queued, claimed].sort(),
    );
    const rest = await alice(`tasks?select=task_type&task_type=not.in.(single_image,travel_stitch)`);
    expect(rest).toEqual([{ task_type: 'travel_segment' }, { task_type: 'travel_segment' }]);
    expect(await alice('tasks?select=id&id=in.()')).toEqual([]);
  });

  it('is null / not.is.null, also on a JSON path', async () => {
    expect(await alice('tasks?select=id&output_location=not.is.null')).toHaveLength(1);
    expect(await alice('tasks?select=id&output_location=is.null')).toHaveLength(4);
    // Reigh: .is('params->orchestrator_task_id_ref', null) — only parent tasks.
    expect(ids(await alice('tasks?select=id&params->orchestrator_task_id_ref=is.null'))).toEqual(
      [queued, claimed].sort(),
    );
  });

  it('like and ilike with *', async () => {
    expect(await alice('tasks?select=task_type&task_type=like.travel_*')).toHaveLength(3);
    expect(await alice('tasks?select=task_type&task_type=ilike.TRAVEL_S*')).toHaveLength(3);
    expect(await alice('tasks?select=id&params->>prompt=eq.second')).toEqual([{ id: queued }]);
  });

  it('or=(…) with a nested and(…), and not.or', async () => {
    const rows = await alice(
      `tasks?select=id&or=(id.eq.${queued},and(status.eq.In%20Progress,task_type.eq.single_image))`,
    );
    expect(ids(rows)).toEqual([queued, claimed].sort());
    expect(ids(await alice(`tasks?select=id&task_type=eq.single_image&not.or=(id.eq.${queued})`))).toEqual([
      claimed,
    ]);
  });

  it('renames and JSON paths in the select list', async () => {
    const row = await json(
      await single(
        `tasks?select=task:id,prompt:params->>prompt,params->segment_index&id=eq.${queued}`,
        h.alice.jwt,
      ),
    );
    expect(row).toEqual({ task: queued, prompt: 'second', segment_index: null });
  });

  it('order asc / desc with nullsfirst / nullslast', async () => {
    const desc = await alice('tasks?select=id,created_at&order=created_at.desc');
    const asc = await alice('tasks?select=id,created_at&order=created_at.asc');
    expect(desc.map((r: { id: string }) => r.id)).toEqual(asc.map((r: { id: string }) => r.id).reverse());
    const first = await alice('tasks?select=output_location&order=output_location.asc.nullsfirst&limit=1');
    expect(first).toEqual([{ output_location: null }]);
    const last = await alice('tasks?select=output_location&order=output_location.asc.nullslast&limit=1');
    expect(last).toEqual([{ output_location: 'seg.mp4' }]);
  });
});

describe('pages and counts', () => {
  const order = 'order=created_at.asc';

  it('limit / offset and Content-Range', async () => {
    const res = await get(`tasks?select=id&${order}&limit=2&offset=1`, h.alice.jwt);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('1-2/*');
    expect(await json(res)).toHaveLength(2);
  });

  it('Prefer: count=exact gives the total, and a partial page is 206', async () => {
    const res = await get(`tasks?select=id&${order}&limit=2`, h.alice.jwt, { prefer: 'count=exact' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('0-1/5');
    const all = await get(`tasks?select=id`, h.alice.jwt, { prefer: 'count=exact' });
    expect(all.status).toBe(200);
    expect(all.headers.get('content-range')).toBe('0-4/5');
  });

  it('the Range header, intersected with limit', async () => {
    const res = await get(`tasks?select=id&${order}`, h.alice.jwt, { range: '1-3', 'range-unit': 'items' });
    expect(res.headers.get('content-range')).toBe('1-3/*');
    expect(await json(res)).toHaveLength(3);
    const both = await get(`tasks?select=id&${order}&limit=2`, h.alice.jwt, { range: '1-3' });
    expect(both.headers.get('content-range')).toBe('1-1/*');
  });

  it('HEAD with count: headers only (supabase-js head: true)', async () => {
    const res = await fetch(`${h.base}/rest/v1/tasks?select=id`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${h.alice.jwt}`, prefer: 'count=exact' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('0-4/5');
    expect(await res.text()).toBe('');
  });

  it('an empty page says */total; an offset past the end is 416', async () => {
    const empty = await get(`tasks?select=id&id=eq.${randomUUID()}`, h.alice.jwt, { prefer: 'count=exact' });
    expect(empty.headers.get('content-range')).toBe('*/0');
    const past = await get('tasks?select=id&offset=10', h.alice.jwt, { prefer: 'count=exact' });
    expect(past.status).toBe(416);
    expect((await json(past)).code).toBe('PGRST103');
  });

  it('object Accept with several rows is 406', async () => {
    const res = await single('tasks?select=id', h.alice.jwt);
    expect(res.status).toBe(406);
    expect(await json(res)).toEqual({
      code: 'PGRST116',
      message: 'JSON object requested, multiple (or no) rows returned',
      details: 'The result contains 5 rows',
      hint: null,
    });
  });
});

describe('errors are PostgREST-shaped and change nothing', () => {
  it.each([
    ['secrets', 404, 'PGRST205'],
    ['tasks?select=nope', 400, '42703'],
    ['tasks?nope=eq.1', 400, '42703'],
    ['tasks?id=eq.not-a-uuid', 400, '22P02'],
    ['tasks?status=eq.Sleeping', 400, '22P02'],
    ['tasks?id=approx.1', 400, 'PGRST100'],
    ['tasks?or=(id.eq.1', 400, 'PGRST100'],
    ['tasks?limit=-1', 400, 'PGRST100'],
    ['tasks?order=created_at.sideways', 400, 'PGRST100'],
    ['tasks?select=id,projects(name)', 400, 'PGRST200'],
    ['tasks?select=id::text', 400, 'PGRST100'],
    ['tasks?select=params->>a;drop', 400, 'PGRST100'],
    ['tasks?id=is.maybe', 400, 'PGRST100'],
  ])('%s → %i %s', async (query, status, code) => {
    const res = await get(query, h.alice.jwt);
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message']);
    expect(body.code).toBe(code);
    expect(body.message).toEqual(expect.any(String));
  });

  it('Accept-Profile other than public is 406 PGRST106; public is served', async () => {
    const other = await get('tasks?select=id', h.alice.jwt, { 'accept-profile': 'private' });
    expect(other.status).toBe(406);
    expect((await json(other)).code).toBe('PGRST106');
    const pub = await get('tasks?select=id', h.alice.jwt, { 'accept-profile': 'public' });
    expect(pub.status).toBe(200);
  });

  it('a bad Range is 416', async () => {
    const res = await get('tasks?select=id', h.alice.jwt, { range: 'ten-twenty' });
    expect(res.status).toBe(416);
  });
});
