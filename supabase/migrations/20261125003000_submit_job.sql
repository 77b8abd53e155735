-- submit_job: queue-job's database work (docs/ARCHITECTURE.md, "queue-job, end to end") in one
-- call: the profile on first sight, the in-flight cap, the project, the task with its credit
-- reservation, and the task's place in its queue for the answer. One round trip per request
-- instead of five.
--
-- public.submit_job(
--   p_user_id uuid, p_project_id uuid, p_task_type text, p_params jsonb, p_cost integer,
--   p_signup_credits integer, p_max_in_flight integer, p_queue_task_types text[],
--   p_idempotency_key text = null, p_request_hash text = null, p_run_type text = 'gpu'
-- ) -> table (created boolean, queue_position integer, task public.tasks)   -- exactly one row
--
--   p_project_id null: the user's default project (created once). p_max_in_flight null: no cap
--   (admin images). p_queue_task_types: the task types sharing the task's BullMQ queue;
--   queue_position is the task's 1-based place among their Queued tasks, oldest first, or null
--   when the task is not Queued (a repeated Idempotency-Key's task that has moved on).
--
--   In order (the api's errors follow them):
--   ensure_profile(p_user_id, p_signup_credits); then the profile row is locked, so one user's
--   submissions run one at a time from here: the in-flight count below is exact, and this lock
--   always comes before create_task's idempotency lock.
--   GQ010  p_max_in_flight tasks of the user are already Queued or In Progress (the api: 429)
--   GQ004  p_project_id is not one of the user's projects (the api: 403)
--   then create_task, with its errors: GQ002 key reused with another body, GQ001 credits.
--   created = false: the Idempotency-Key named an earlier task, returned unchanged.
-- Service only.

create function public.submit_job(
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
  v_in_flight integer;
  v_made record;
  v_task public.tasks;
begin
  perform public.ensure_profile(p_user_id, p_signup_credits);
  perform 1 from public.profiles pr where pr.id = p_user_id for update;

  if p_max_in_flight is not null then
    select count(*)::integer into v_in_flight from public.tasks t
    where t.user_id = p_user_id and t.status in ('Queued', 'In Progress');
    if v_in_flight >= p_max_in_flight then
      raise exception 'at most % jobs may be queued or running at once', p_max_in_flight
        using errcode = 'GQ010';
    end if;
  end if;

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

revoke all on function public.submit_job(uuid, uuid, text, jsonb, integer, integer, integer, text[], text, text, text)
  from public, anon, authenticated;
grant execute on function public.submit_job(uuid, uuid, text, jsonb, integer, integer, integer, text[], text, text, text)
  to service_role;
