-- heartbeat_keeps_claims: a worker's heartbeat keeps every HTTP claim it holds alive, and a claim
-- the reaper took back remembers its worker, so that worker's late completion is not lost.
--
-- The Headless heartbeat guardian posts func_worker_heartbeat_with_logs with its worker id only
-- (no current_task_id_param): before this, a task running longer than the timeout was requeued
-- under a live worker, and that worker's completion then met a Queued task.
--
-- public.tasks.requeued_from_worker_id text
--   the worker whose HTTP claim requeue_stale_tasks returned to Queued (null otherwise). While the
--   task is Queued, a completion is still accepted (the api checks; complete_task already takes
--   any unfinished task). Once another worker claims it, worker_id names the holder.
-- public.worker_heartbeat(p_worker_id text, p_vram_total_mb integer, p_vram_used_mb integer,
--   p_logs jsonb, p_current_task_id uuid, p_status text, p_user_id uuid) -> jsonb
--   registers or refreshes the worker, stamps heartbeat_at on every In Progress HTTP claim of that
--   worker (of p_user_id's tasks only, when given: a user's token keeps only their own claims)
--   and on the named task. Answers { success, worker_id, task_heartbeat, claims_kept,
--   logs_received }; task_heartbeat is true when any claim was stamped.
-- public.func_worker_heartbeat_with_logs(...) -> jsonb: unchanged signature, now this with no user.
-- public.requeue_stale_tasks(...): as before, and records requeued_from_worker_id.
-- Service only.

alter table public.tasks add column requeued_from_worker_id text;

create function public.worker_heartbeat(
  p_worker_id text,
  p_vram_total_mb integer default null,
  p_vram_used_mb integer default null,
  p_logs jsonb default '[]'::jsonb,
  p_current_task_id uuid default null,
  p_status text default 'active',
  p_user_id uuid default null
)
returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_kept integer;
  v_named boolean := false;
begin
  insert into public.workers (id, status, last_heartbeat, metadata)
  values (
    p_worker_id, coalesce(p_status, 'active'), now(),
    pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'vram_total_mb', p_vram_total_mb, 'vram_used_mb', p_vram_used_mb))
  )
  on conflict (id) do update
  set status = excluded.status,
      last_heartbeat = excluded.last_heartbeat,
      metadata = public.workers.metadata || excluded.metadata;

  update public.tasks
  set heartbeat_at = now()
  where status = 'In Progress' and claimed_by = 'http' and worker_id = p_worker_id
    and (p_user_id is null or user_id = p_user_id);
  get diagnostics v_kept = row_count;

  if p_current_task_id is not null then
    update public.tasks
    set heartbeat_at = now()
    where id = p_current_task_id and status = 'In Progress' and worker_id = p_worker_id
      and (p_user_id is null or user_id = p_user_id);
    v_named := found;
  end if;

  return pg_catalog.jsonb_build_object(
    'success', true,
    'worker_id', p_worker_id,
    'task_heartbeat', v_named or v_kept > 0,
    'claims_kept', v_kept,
    'logs_received', case when pg_catalog.jsonb_typeof(p_logs) = 'array'
                          then pg_catalog.jsonb_array_length(p_logs) else 0 end
  );
end
$$;

create or replace function public.func_worker_heartbeat_with_logs(
  worker_id_param text,
  vram_total_mb_param integer default null,
  vram_used_mb_param integer default null,
  logs_param jsonb default '[]'::jsonb,
  current_task_id_param uuid default null,
  status_param text default 'active'
)
returns jsonb
language sql security definer
set search_path = ''
as $$
  select public.worker_heartbeat(worker_id_param, vram_total_mb_param, vram_used_mb_param,
                                 logs_param, current_task_id_param, status_param, null);
$$;

create or replace function public.requeue_stale_tasks(p_timeout_s integer default 1800, p_max_attempts integer default 3)
returns table (stale_task_id uuid, new_status public.task_status, new_attempts integer)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks;
begin
  for v_task in
    select * from public.tasks t
    where t.status = 'In Progress' and t.claimed_by = 'http'
      and coalesce(t.heartbeat_at, t.claimed_at, t.updated_at)
          < now() - pg_catalog.make_interval(secs => p_timeout_s)
    order by t.created_at
    for update of t skip locked
  loop
    if v_task.attempts + 1 >= p_max_attempts then
      update public.tasks
      set status = 'Failed', attempts = v_task.attempts + 1,
          error_message = pg_catalog.format('no heartbeat for %s s after %s attempts', p_timeout_s, v_task.attempts + 1),
          generation_processed_at = now()
      where id = v_task.id
      returning * into v_task;
      perform private.settle_outcome(v_task, 'refund');
    else
      update public.tasks
      set status = 'Queued', attempts = v_task.attempts + 1, worker_id = null, claimed_by = null,
          claimed_at = null, heartbeat_at = null, generation_started_at = null, progress = null,
          requeued_from_worker_id = v_task.worker_id
      where id = v_task.id
      returning * into v_task;
    end if;
    stale_task_id := v_task.id;
    new_status := v_task.status;
    new_attempts := v_task.attempts;
    return next;
  end loop;
end
$$;

revoke all on function public.worker_heartbeat(text, integer, integer, jsonb, uuid, text, uuid)
  from public, anon, authenticated;
grant execute on function public.worker_heartbeat(text, integer, integer, jsonb, uuid, text, uuid)
  to service_role;
