-- claimable_task_counts: how many Queued protocol tasks a pull-worker could claim right now, and
-- how many wait on a dependency (the Headless worker skips its claim when nothing is claimable).
--
-- public.claimable_task_counts(p_run_type text = null, p_user_id uuid = null)
--   -> table (claimable integer, blocked_by_deps integer)
--   the same rules as claim_next_task (queue-job types excluded, every dependency Complete,
--   private.caller_scope). Service only.

create function public.claimable_task_counts(p_run_type text default null, p_user_id uuid default null)
returns table (claimable integer, blocked_by_deps integer)
language sql stable security definer
set search_path = ''
as $$
  select (count(*) filter (where q.ready))::integer, (count(*) filter (where not q.ready))::integer
  from (
    select not exists (
             select 1
             from pg_catalog.unnest(t.dependant_on) as dep(id)
             left join public.tasks d on d.id = dep.id
             where d.status is distinct from 'Complete'
           ) as ready
    from public.tasks t
    where t.status = 'Queued'
      and not (t.task_type = any (private.queue_job_types()))
      and (p_run_type is null or t.run_type = p_run_type)
      and (private.caller_scope(p_user_id) is null or t.user_id = private.caller_scope(p_user_id))
  ) as q
$$;

revoke all on function public.claimable_task_counts(text, uuid) from public, anon, authenticated;
grant execute on function public.claimable_task_counts(text, uuid) to service_role;
