-- task_recovery_functions: heartbeats and the reaper for HTTP-claimed tasks whose worker went
-- silent. BullMQ-claimed tasks are left alone: BullMQ's own lock renewal recovers them.
--
-- public.task_heartbeat(p_task_id uuid, p_worker_id text = null) -> boolean
--   stamps heartbeat_at on a running task (of that worker, when given); false if none matched
-- public.func_worker_heartbeat_with_logs(worker_id_param text, vram_total_mb_param integer = null,
--   vram_used_mb_param integer = null, logs_param jsonb = '[]', current_task_id_param uuid = null,
--   status_param text = 'active') -> jsonb
--   the Headless worker's heartbeat rpc (its parameter names): registers or refreshes the worker,
--   keeps its VRAM figures, and heartbeats its current task. Returns
--   { success, worker_id, task_heartbeat, logs_received }; logs are counted, not stored.
-- public.requeue_stale_tasks(p_timeout_s integer = 1800, p_max_attempts integer = 3)
--   -> table (stale_task_id uuid, new_status public.task_status, new_attempts integer)
--   every In Progress task claimed over HTTP with no heartbeat for p_timeout_s goes back to
--   Queued with attempts + 1, or, when that reaches p_max_attempts, to Failed with a refund.
--   SKIP LOCKED lets several api instances run it at once without doing a task twice.
-- Service only.

create function public.task_heartbeat(p_task_id uuid, p_worker_id text default null)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.tasks
  set heartbeat_at = now()
  where id = p_task_id and status = 'In Progress'
    and (p_worker_id is null or worker_id = p_worker_id);
  return found;
end
$$;

create function public.func_worker_heartbeat_with_logs(
  worker_id_param text,
  vram_total_mb_param integer default null,
  vram_used_mb_param integer default null,
  logs_param jsonb default '[]'::jsonb,
  current_task_id_param uuid default null,
  status_param text default 'active'
)
returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task_beat boolean := false;
begin
  insert into public.workers (id, status, last_heartbeat, metadata)
  values (
    worker_id_param, coalesce(status_param, 'active'), now(),
    pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'vram_total_mb', vram_total_mb_param, 'vram_used_mb', vram_used_mb_param))
  )
  on conflict (id) do update
  set status = excluded.status,
      last_heartbeat = excluded.last_heartbeat,
      metadata = public.workers.metadata || excluded.metadata;

  if current_task_id_param is not null then
    v_task_beat := public.task_heartbeat(current_task_id_param, worker_id_param);
  end if;

  return pg_catalog.jsonb_build_object(
    'success', true,
    'worker_id', worker_id_param,
    'task_heartbeat', v_task_beat,
    'logs_received', case when pg_catalog.jsonb_typeof(logs_param) = 'array'
                          then pg_catalog.jsonb_array_length(logs_param) else 0 end
  );
end
$$;

create function public.requeue_stale_tasks(p_timeout_s integer default 1800, p_max_attempts integer default 3)
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
          claimed_at = null, heartbeat_at = null, generation_started_at = null, progress = null
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

revoke all on function public.task_heartbeat(uuid, text) from public, anon, authenticated;
revoke all on function public.func_worker_heartbeat_with_logs(text, integer, integer, jsonb, uuid, text)
  from public, anon, authenticated;
revoke all on function public.requeue_stale_tasks(integer, integer) from public, anon, authenticated;
grant execute on function public.task_heartbeat(uuid, text) to service_role;
grant execute on function public.func_worker_heartbeat_with_logs(text, integer, integer, jsonb, uuid, text)
  to service_role;
grant execute on function public.requeue_stale_tasks(integer, integer) to service_role;
