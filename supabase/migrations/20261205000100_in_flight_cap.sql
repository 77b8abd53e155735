-- enforce_in_flight_cap: the in-flight cap (MAX_JOBS_IN_FLIGHT) as one function, for every route
-- that creates work: queue-job (through submit_job, replaced below to call it) and the task
-- protocol's create-task (in its own transaction, before the tasks are inserted).
--
-- public.enforce_in_flight_cap(p_user_id uuid, p_max_in_flight integer) -> void
--   Locks the user's profile row until the caller's transaction ends, so one user's submissions
--   run one at a time from here and the count is exact; then
--   GQ010  p_max_in_flight tasks of the user are already Queued or In Progress (the api: 429).
--   p_max_in_flight null: no cap (the lock is still taken). The profile lock comes before
--   create_task's idempotency lock, as it always has in submit_job.
-- Service only.

create function public.enforce_in_flight_cap(p_user_id uuid, p_max_in_flight integer)
returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  v_in_flight integer;
begin
  perform 1 from public.profiles pr where pr.id = p_user_id for update;
  if p_max_in_flight is null then
    return;
  end if;
  select count(*)::integer into v_in_flight from public.tasks t
  where t.user_id = p_user_id and t.status in ('Queued', 'In Progress');
  if v_in_flight >= p_max_in_flight then
    raise exception 'at most % jobs may be queued or running at once', p_max_in_flight
      using errcode = 'GQ010';
  end if;
end
$$;

revoke all on function public.enforce_in_flight_cap(uuid, integer) from public, anon, authenticated;
grant execute on function public.enforce_in_flight_cap(uuid, integer) to service_role;

-- submit_job as before (migration submit_job), its cap now the function above.
create or replace function public.submit_job(
  p_user_id uuid,
  p_project_id uuid,
  p_task_type text,
  p_params jsonb,
  p_cost integer,
  p_signup_credits integer,
  p_max_in_flight integer,
  p_queue_task_types text[],
  p_idempotency_key text default null,
  p_request_hash text default null,
  p_run_type text default 'gpu'
)
returns table (created boolean, queue_position integer, task public.tasks)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_project_id uuid := p_project_id;
  v_made record;
  v_task public.tasks;
begin
  perform public.ensure_profile(p_user_id, p_signup_credits);
  perform public.enforce_in_flight_cap(p_user_id, p_max_in_flight);

  if v_project_id is null then
    v_project_id := (public.ensure_default_project(p_user_id)).id;
  elsif not exists (select 1 from public.projects p where p.id = v_project_id and p.user_id = p_user_id) then
    raise exception 'project % is not one of user %''s projects', v_project_id, p_user_id
      using errcode = 'GQ004';
  end if;

  select r.created, r.task into v_made
  from public.create_task(
    p_user_id, v_project_id, p_task_type, p_params, p_cost, '{}'::uuid[],
    p_idempotency_key, p_request_hash, null, p_run_type
  ) r;
  v_task := v_made.task;

  return query select v_made.created,
    case when v_task.status = 'Queued' then (
      select count(*)::integer from public.tasks q
      where q.status = 'Queued' and q.task_type = any (p_queue_task_types)
        and (q.created_at, q.id) <= (v_task.created_at, v_task.id)
    ) end,
    v_task;
end
$$;
