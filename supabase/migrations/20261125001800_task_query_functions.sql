-- task_query_functions: what pull-workers ask about the tasks around theirs.
--
-- public.get_predecessor_output(p_task_id uuid, p_user_id uuid = null)
--   -> table (predecessor_id uuid, predecessor_status public.task_status, output_location text)
--   the task's first dependency and its output (null until it is Complete); no row when the task
--   has no dependency; GQ003 when the task is unknown or out of scope
-- public.get_completed_segments(p_run_id text, p_project_id uuid = null, p_user_id uuid = null)
--   -> table (segment_index integer, output_location text)
--   Complete travel_segment tasks whose params carry this orchestrator_run_id, by segment_index
-- public.task_counts(p_run_type text = null, p_include_active boolean = true, p_user_id uuid = null)
--   -> table (queued integer, in_progress integer)
--   claimable work for pull-workers (queue-job types excluded, as claim_next_task excludes them);
--   in_progress is 0 unless p_include_active
-- All scoped by private.caller_scope. Service only.

create function public.get_predecessor_output(p_task_id uuid, p_user_id uuid default null)
returns table (predecessor_id uuid, predecessor_status public.task_status, output_location text)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_scope uuid := private.caller_scope(p_user_id);
  v_first uuid;
  v_owner uuid;
begin
  select t.dependant_on[1], t.user_id into v_first, v_owner from public.tasks t
  where t.id = p_task_id and (v_scope is null or t.user_id = v_scope);
  if not found then
    raise exception 'task % not found', p_task_id using errcode = 'GQ003';
  end if;
  if v_first is null then
    return;
  end if;
  return query
    select v_first, d.status, case when d.status = 'Complete' then d.output_location end
    from (select 1) as one
    left join public.tasks d on d.id = v_first and d.user_id = v_owner;
end
$$;

create function public.get_completed_segments(
  p_run_id text,
  p_project_id uuid default null,
  p_user_id uuid default null
)
returns table (segment_index integer, output_location text)
language sql stable security definer
set search_path = ''
as $$
  select (t.params ->> 'segment_index')::integer, t.output_location
  from public.tasks t
  where t.task_type = 'travel_segment'
    and t.status = 'Complete'
    and t.params ->> 'orchestrator_run_id' = p_run_id
    and (p_project_id is null or t.project_id = p_project_id)
    and (private.caller_scope(p_user_id) is null or t.user_id = private.caller_scope(p_user_id))
  order by 1
$$;

create function public.task_counts(
  p_run_type text default null,
  p_include_active boolean default true,
  p_user_id uuid default null
)
returns table (queued integer, in_progress integer)
language sql stable security definer
set search_path = ''
as $$
  select
    (count(*) filter (where t.status = 'Queued'))::integer,
    case when p_include_active then (count(*) filter (where t.status = 'In Progress'))::integer else 0 end
  from public.tasks t
  where t.status in ('Queued', 'In Progress')
    and not (t.task_type = any (private.queue_job_types()))
    and (p_run_type is null or t.run_type = p_run_type)
    and (private.caller_scope(p_user_id) is null or t.user_id = private.caller_scope(p_user_id))
$$;

revoke all on function public.get_predecessor_output(uuid, uuid) from public, anon, authenticated;
revoke all on function public.get_completed_segments(text, uuid, uuid) from public, anon, authenticated;
revoke all on function public.task_counts(text, boolean, uuid) from public, anon, authenticated;
grant execute on function public.get_predecessor_output(uuid, uuid) to service_role;
grant execute on function public.get_completed_segments(text, uuid, uuid) to service_role;
grant execute on function public.task_counts(text, boolean, uuid) to service_role;
