-- task_claim_functions: the one way work starts (Queued -> In Progress), for both kinds of worker.
--
-- public.claim_next_task(p_worker_id text = null, p_run_type text = null, p_user_id uuid = null)
--   -> setof public.tasks (zero or one row)
--   The HTTP pull-worker's claim: the oldest Queued task whose every dependant_on id is Complete,
--   of p_run_type when given, never a queue-job type (those live in BullMQ), within the caller's
--   scope (private.caller_scope: a signed-in user's own tasks only; the service may pass a user or
--   null for all). Records claimed_by 'http', the worker (registered on first sight), claimed_at
--   and a first heartbeat. FOR UPDATE SKIP LOCKED lets concurrent claimers pass each other
--   instead of queueing on one row; a row claimed meanwhile fails the re-check and is skipped.
--
-- public.claim_task(p_task_id uuid, p_worker_id text, p_attempt integer = 1) -> public.tasks
--   The BullMQ worker's claim by id (its first `processing` callback). Queued -> In Progress with
--   claimed_by 'bullmq'; a newer attempt of a BullMQ-claimed task takes it over; the same attempt
--   again is a no-op. Errors: GQ003 no such task, GQ006 claimed over HTTP, GQ007 an older attempt
--   than the fence, GQ005 the task is already finished. Service only.

create function private.register_worker(p_worker_id text) returns void
language sql security definer
set search_path = ''
as $$
  insert into public.workers (id, status, last_heartbeat)
  values (p_worker_id, 'active', now())
  on conflict (id) do update set status = 'active', last_heartbeat = now()
$$;

create function public.claim_next_task(
  p_worker_id text default null,
  p_run_type text default null,
  p_user_id uuid default null
)
returns setof public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_scope uuid := private.caller_scope(p_user_id);
  v_task public.tasks;
begin
  if p_worker_id is not null then
    perform private.register_worker(p_worker_id);
  end if;

  select * into v_task
  from public.tasks t
  where t.status = 'Queued'
    and not (t.task_type = any (private.queue_job_types()))
    and (p_run_type is null or t.run_type = p_run_type)
    and (v_scope is null or t.user_id = v_scope)
    and not exists (
      select 1
      from pg_catalog.unnest(t.dependant_on) as dep(id)
      left join public.tasks d on d.id = dep.id
      where d.status is distinct from 'Complete'
    )
  order by t.created_at, t.id
  limit 1
  for update of t skip locked;

  if not found then
    return;
  end if;

  update public.tasks
  set status = 'In Progress', claimed_by = 'http', worker_id = p_worker_id,
      claimed_at = now(), heartbeat_at = now(), generation_started_at = now()
  where id = v_task.id
  returning * into v_task;
  return next v_task;
end
$$;

create function public.claim_task(p_task_id uuid, p_worker_id text, p_attempt integer default 1)
returns public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks;
begin
  select * into v_task from public.tasks where id = p_task_id for update;
  if not found then
    raise exception 'task % not found', p_task_id using errcode = 'GQ003';
  end if;
  if v_task.status in ('Complete', 'Failed', 'Cancelled') then
    raise exception 'task % is already %', p_task_id, v_task.status using errcode = 'GQ005';
  end if;
  if v_task.status = 'In Progress' and v_task.claimed_by = 'http' then
    raise exception 'task % is claimed by an HTTP worker', p_task_id using errcode = 'GQ006';
  end if;
  if p_attempt < v_task.bullmq_attempt then
    raise exception 'attempt % is older than attempt %', p_attempt, v_task.bullmq_attempt
      using errcode = 'GQ007';
  end if;
  if v_task.status = 'In Progress' and p_attempt = v_task.bullmq_attempt
     and v_task.worker_id is not distinct from p_worker_id then
    return v_task;
  end if;

  if p_worker_id is not null then
    perform private.register_worker(p_worker_id);
  end if;
  update public.tasks
  set status = 'In Progress', claimed_by = 'bullmq', worker_id = p_worker_id, bullmq_attempt = p_attempt,
      claimed_at = now(), heartbeat_at = now(), generation_started_at = now()
  where id = p_task_id
  returning * into v_task;
  return v_task;
end
$$;

revoke all on function private.register_worker(text) from public, anon, authenticated;
revoke all on function public.claim_next_task(text, text, uuid) from public, anon, authenticated;
revoke all on function public.claim_task(uuid, text, integer) from public, anon, authenticated;
-- A signed-in user may claim through PostgREST, but only ever their own tasks (caller_scope).
grant execute on function public.claim_next_task(text, text, uuid) to authenticated, service_role;
grant execute on function public.claim_task(uuid, text, integer) to service_role;
