-- task_create_function: insert a task and reserve its credits in one transaction.
--
-- public.create_task(
--   p_user_id uuid, p_project_id uuid, p_task_type text, p_params jsonb = '{}',
--   p_cost integer = 0, p_dependant_on uuid[] = '{}', p_idempotency_key text = null,
--   p_request_hash text = null, p_task_id uuid = null, p_run_type text = 'gpu'
-- ) -> table (created boolean, task public.tasks)
--
-- created = false: a task with this user's idempotency key exists and is returned unchanged
--   (nothing is charged again). Errors:
--   GQ002  the key exists with another request_hash (the api answers 422)
--   GQ004  the project does not exist or is not the user's
--   GQ003  a dependant_on id is not a task of this user (a dependency would otherwise let a
--          user read another user's output through get_predecessor_output)
--   GQ008  the user has no profile
--   GQ001  the balance does not cover p_cost (nothing is written)
--   23505  p_task_id is already taken
-- The balance check and the debit are one conditional UPDATE, so concurrent reservations
-- serialise on the profile row and the balance never goes below zero. Service only.

create function public.create_task(
  p_user_id uuid,
  p_project_id uuid,
  p_task_type text,
  p_params jsonb default '{}'::jsonb,
  p_cost integer default 0,
  p_dependant_on uuid[] default '{}',
  p_idempotency_key text default null,
  p_request_hash text default null,
  p_task_id uuid default null,
  p_run_type text default 'gpu'
)
returns table (created boolean, task public.tasks)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks;
  v_balance integer;
begin
  if p_cost < 0 then
    raise exception 'cost must not be negative' using errcode = '22023';
  end if;

  if p_idempotency_key is not null then
    -- Two requests with one key would both miss the lookup below and race to insert; the lock
    -- makes the second wait and then find the first.
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtextextended(p_user_id::text || '/' || p_idempotency_key, 0)
    );
    select * into v_task from public.tasks t
    where t.user_id = p_user_id and t.idempotency_key = p_idempotency_key;
    if found then
      if v_task.request_hash is distinct from p_request_hash then
        raise exception 'idempotency key % was used for another request', p_idempotency_key
          using errcode = 'GQ002';
      end if;
      return query select false, v_task;
      return;
    end if;
  end if;

  if not exists (select 1 from public.projects p where p.id = p_project_id and p.user_id = p_user_id) then
    raise exception 'project % not found for user %', p_project_id, p_user_id using errcode = 'GQ004';
  end if;

  if exists (
    select 1 from pg_catalog.unnest(coalesce(p_dependant_on, '{}')) as dep(id)
    where not exists (select 1 from public.tasks d where d.id = dep.id and d.user_id = p_user_id)
  ) then
    raise exception 'a dependency of the new task is not a task of user %', p_user_id using errcode = 'GQ003';
  end if;

  update public.profiles set credits = credits - p_cost
  where id = p_user_id and credits >= p_cost
  returning credits into v_balance;
  if not found then
    if exists (select 1 from public.profiles where id = p_user_id) then
      raise exception 'insufficient credits: % needed', p_cost using errcode = 'GQ001';
    end if;
    raise exception 'profile % not found', p_user_id using errcode = 'GQ008';
  end if;

  insert into public.tasks (
    id, task_type, params, dependant_on, run_type, project_id, user_id, cost, idempotency_key, request_hash
  ) values (
    coalesce(p_task_id, gen_random_uuid()), p_task_type, coalesce(p_params, '{}'::jsonb),
    coalesce(p_dependant_on, '{}'), p_run_type, p_project_id, p_user_id, p_cost,
    p_idempotency_key, p_request_hash
  )
  returning * into v_task;

  if p_cost > 0 then
    insert into public.credit_ledger (user_id, task_id, kind, amount, balance_after)
    values (p_user_id, v_task.id, 'reservation', -p_cost, v_balance);
  end if;

  return query select true, v_task;
end
$$;

revoke all on function public.create_task(uuid, uuid, text, jsonb, integer, uuid[], text, text, uuid, text)
  from public, anon, authenticated;
grant execute on function public.create_task(uuid, uuid, text, jsonb, integer, uuid[], text, text, uuid, text)
  to service_role;
