-- uncontended_worker_rows: a worker's claims and progress reports no longer queue on its
-- public.workers row, and a known user's queue-job no longer queues on their profile row twice.
--
-- Before, every BullMQ `processing` report wrote its worker's row twice (the heartbeat upsert,
-- then register_worker inside claim_task) and held that row lock until the callback's COMMIT
-- arrived. A worker running several jobs at once (WORKER_CONCURRENCY > 1) therefore claimed them
-- one at a time: measured at 16 jobs in flight on two workers, the heartbeat upsert spent 12 ms a
-- call waiting for the lock, most of a claim's time in Postgres.
--
-- private.register_worker(p_worker_id text) -> void
--   Inserts the worker when it is unknown; otherwise refreshes status = 'active' and
--   last_heartbeat only when the row is not fresh (older than a second, or not 'active') and no
--   other transaction holds it (skip locked: the holder is refreshing it right now). Never waits
--   for the row. last_heartbeat is therefore at most about a second behind a worker's latest
--   report; every reader of it (the admin view of the fleet, stale-worker checks) works in
--   minutes.
-- public.apply_job_callback(...): unchanged signature and answers. A `processing` report now
--   refreshes its worker through register_worker and stamps this task's heartbeat_at (the claim
--   stamps it itself), instead of the pull-worker heartbeat, which also stamped every HTTP claim
--   of the worker: a BullMQ worker holds none.
-- public.ensure_profile(...): unchanged answers; looks for the profile before trying to insert
--   it, so a known user's request does not wait on a concurrent reservation's row lock here (it
--   still waits, once, in enforce_in_flight_cap, which serialises one user's requests on purpose).

create or replace function private.register_worker(p_worker_id text) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  v_known boolean;
begin
  update public.workers w
  set status = 'active', last_heartbeat = now()
  where w.id = (
    select f.id from public.workers f
    where f.id = p_worker_id
      and (f.status <> 'active' or f.last_heartbeat < now() - interval '1 second')
    for update skip locked
  );
  if found then
    return;
  end if;
  select true into v_known from public.workers w where w.id = p_worker_id;
  if v_known then
    return;
  end if;
  insert into public.workers (id, status, last_heartbeat)
  values (p_worker_id, 'active', now())
  on conflict (id) do nothing;
end
$$;

create or replace function public.ensure_profile(p_user_id uuid, p_signup_credits integer default 100)
returns public.profiles
language plpgsql security definer
set search_path = ''
as $$
declare
  v_profile public.profiles;
begin
  select * into v_profile from public.profiles where id = p_user_id;
  if found then
    return v_profile;
  end if;
  insert into public.profiles (id, credits)
  values (p_user_id, greatest(p_signup_credits, 0))
  on conflict (id) do nothing
  returning * into v_profile;
  if found then
    if v_profile.credits > 0 then
      insert into public.credit_ledger (user_id, kind, amount, balance_after, note)
      values (p_user_id, 'signup', v_profile.credits, v_profile.credits, 'sign-up credits');
    end if;
    return v_profile;
  end if;
  select * into v_profile from public.profiles where id = p_user_id;
  return v_profile;
end
$$;

create or replace function public.apply_job_callback(
  p_task_id uuid,
  p_status text,
  p_attempt integer,
  p_worker_id text default null,
  p_progress real default null,
  p_message text default null,
  p_output_location text default null,
  p_result jsonb default null,
  p_outputs jsonb default null,
  p_enhanced_prompt text default null
)
returns table (changed boolean, task public.tasks)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_worker text := coalesce(p_worker_id, 'bullmq-worker');
  v_task public.tasks;
  v_result public.tasks;
  v_changed boolean;
  v_target public.task_status;
begin
  -- The lock makes a retried callback racing its original apply one after the other.
  select * into v_task from public.tasks t where t.id = p_task_id for update;
  if not found then
    raise exception 'task % not found', p_task_id using errcode = 'GQ003';
  end if;
  if p_attempt < v_task.bullmq_attempt then
    raise exception 'attempt % is older than attempt %', p_attempt, v_task.bullmq_attempt
      using errcode = 'GQ007';
  end if;

  if p_status = 'processing' then
    -- Every report of a running job is its worker's heartbeat.
    perform private.register_worker(v_worker);
    if v_task.status = 'In Progress' and v_task.claimed_by = 'bullmq' and p_attempt = v_task.bullmq_attempt then
      update public.tasks t set heartbeat_at = now() where t.id = p_task_id and t.worker_id = v_worker
      returning * into v_result;
      if not found then
        v_result := v_task;
      end if;
      v_changed := false;
    else
      v_result := public.claim_task(p_task_id, v_worker, p_attempt);
      v_changed := true;
    end if;
    if p_progress is not null and p_progress is distinct from v_result.progress then
      v_result := public.update_task_status(p_task_id, 'In Progress', null, null, p_progress, p_attempt, null);
      v_changed := true;
    end if;
    return query select v_changed, v_result;
    return;
  end if;

  v_target := case p_status
    when 'completed' then 'Complete'::public.task_status
    when 'failed' then 'Failed'::public.task_status
    when 'cancelled' then 'Cancelled'::public.task_status
  end;
  if v_target is null then
    raise exception 'unknown callback status %', p_status using errcode = '22023';
  end if;
  if v_task.status = v_target then
    return query select false, v_task;
    return;
  end if;

  if p_status = 'completed' then
    if p_outputs is null or pg_catalog.jsonb_typeof(p_outputs) <> 'array'
       or pg_catalog.jsonb_array_length(p_outputs) = 0 then
      raise exception 'task % cannot complete without outputs', p_task_id using errcode = 'GQ009';
    end if;
    v_result := public.complete_task(p_task_id, p_output_location, null, p_result, p_attempt, null);
    perform private.record_task_outputs(v_result, p_outputs, p_enhanced_prompt);
  elsif p_status = 'failed' then
    v_result := public.fail_task(p_task_id, p_message, p_attempt, null);
  else
    v_result := public.cancel_task(p_task_id, p_message, null);
  end if;
  return query select true, v_result;
end
$$;
