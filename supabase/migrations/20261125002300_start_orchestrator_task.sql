-- start_orchestrator_task: a travel_orchestrator leaves the queue when it is expanded.
--
-- public.start_orchestrator_task(p_task_id uuid) -> public.tasks
--   Queued -> In Progress for a travel_orchestrator, with no worker and no claim: the server ran
--   its only step (expanding orchestrator_details into segments and a stitch) in the transaction
--   that created it, so no pull-worker may claim it, and the stale-claim reaper (claimed_by =
--   'http' only) leaves it alone. It finishes with its stitch (migration travel_chain_cascade).
--   Errors: GQ005 when the task is not a Queued travel_orchestrator. Service only.

create function public.start_orchestrator_task(p_task_id uuid)
returns public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks;
begin
  update public.tasks
  set status = 'In Progress', claimed_at = now(), generation_started_at = now()
  where id = p_task_id and status = 'Queued' and task_type = 'travel_orchestrator'
  returning * into v_task;
  if not found then
    raise exception 'task % is not a queued travel_orchestrator', p_task_id using errcode = 'GQ005';
  end if;
  return v_task;
end
$$;

revoke all on function public.start_orchestrator_task(uuid) from public, anon, authenticated;
grant execute on function public.start_orchestrator_task(uuid) to service_role;
