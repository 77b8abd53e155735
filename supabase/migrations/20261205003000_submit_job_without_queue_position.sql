-- submit_job no longer counts the task's place in its queue. The count read every Queued task of
-- the queue ahead of the new one, so its cost grew with the backlog (about 0.25 µs a task: 2 ms of
-- the 2.9 ms a call took with 8 000 waiting, against 0.9 ms without it), and Postgres paid it on
-- every queue-job. queue-api now asks the queue itself, in Redis, where the job is in line.
--
-- The signature stays, so api instances of the previous release keep working through a rolling
-- deploy: p_queue_task_types is ignored and queue_position is always null (which the job record
-- allows: they answer a null position until they are replaced).
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
  begin
    perform public.enforce_in_flight_cap(p_user_id, p_max_in_flight);
  exception when sqlstate 'GQ010' then
    if p_idempotency_key is null or not exists (
      select 1 from public.tasks t where t.user_id = p_user_id and t.idempotency_key = p_idempotency_key
    ) then
      raise;
    end if;
  end;

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

  return query select v_made.created, null::integer, v_task;
end
$$;
