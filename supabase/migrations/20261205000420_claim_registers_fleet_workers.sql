-- claim_registers_fleet_workers: the workers table is fleet state, so a claim registers its worker
-- only when the caller may speak for the fleet, and only when a task was actually claimed.
--
-- public.claim_next_task(p_worker_id text = null, p_run_type text = null, p_user_id uuid = null,
--                        p_register_worker boolean = false) -> setof public.tasks
--   As before (see task_claim_functions), except: the worker is registered (inserted or
--   refreshed in public.workers) only when p_register_worker is true, the caller is not a
--   PostgREST user role (authenticated/anon: those never register, whatever they pass) and a task
--   was claimed. The api passes true for the service role and for `tasks`-scoped tokens. Any
--   other claim records p_worker_id on the task only when that worker is already registered (by
--   the fleet's heartbeat, whose task heartbeats match on tasks.worker_id), and never touches its
--   row; an unknown worker id is recorded as none.

drop function public.claim_next_task(text, text, uuid);

create function public.claim_next_task(
  p_worker_id text default null,
  p_run_type text default null,
  p_user_id uuid default null,
  p_register_worker boolean default false
)
returns setof public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_scope uuid := private.caller_scope(p_user_id);
  v_register boolean := p_worker_id is not null and p_register_worker
    and pg_catalog.current_setting('role', true) is distinct from 'authenticated'
    and pg_catalog.current_setting('role', true) is distinct from 'anon';
  v_worker text;
  v_task public.tasks;
begin
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

  if v_register then
    perform private.register_worker(p_worker_id);
    v_worker := p_worker_id;
  elsif p_worker_id is not null
        and exists (select 1 from public.workers w where w.id = p_worker_id) then
    v_worker := p_worker_id;
  end if;

  update public.tasks
  set status = 'In Progress', claimed_by = 'http',
      worker_id = v_worker,
      claimed_at = now(), heartbeat_at = now(), generation_started_at = now()
  where id = v_task.id
  returning * into v_task;
  return next v_task;
end
$$;

revoke all on function public.claim_next_task(text, text, uuid, boolean) from public, anon, authenticated;
-- A signed-in user may claim through PostgREST, but only ever their own tasks (caller_scope).
grant execute on function public.claim_next_task(text, text, uuid, boolean) to authenticated, service_role;
