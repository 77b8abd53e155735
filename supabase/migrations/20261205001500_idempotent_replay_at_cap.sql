-- submit_job: a retry that carries the Idempotency-Key of a job already made answers that job,
-- even when the user is now at the in-flight cap. Before, the cap was checked first, so a client
-- that retried after a lost response while at its cap got 429 for a job it had in fact been
-- given (and, retrying on, never learned its id).
--
-- The cap still comes first for every new request and still takes the profile lock first, as
-- enforce_in_flight_cap documents. When the cap refuses (GQ010) and the request carries a key,
-- the key is looked up: by then any concurrent request with the same key that got in first has
-- committed (it held the profile lock this one waited for), so its task is visible and
-- create_task below answers it (or GQ-refuses a key reused for another request). Otherwise the
-- cap's error stands.
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

  return query select v_made.created,
    case when v_task.status = 'Queued' then (
      select count(*)::integer from public.tasks q
      where q.status = 'Queued' and q.task_type = any (p_queue_task_types)
        and (q.created_at, q.id) <= (v_task.created_at, v_task.id)
    ) end,
    v_task;
end
$$;
