-- task_transition_functions: every later status move, forward only, credits settled or refunded
-- exactly once.
--
-- Common arguments: p_attempt, when given, is the reporting BullMQ attempt; one older than the
-- task's fence is refused (GQ007) and a newer one moves the fence. p_user_id, when given (or
-- forced by a signed-in caller), limits the call to that user's tasks. A repeat of the task's
-- current state is a no-op that returns the task; a move out of a finished state or backwards
-- raises GQ005; an unknown (or out of scope) task raises GQ003; a report with p_attempt for a task
-- that an HTTP worker holds raises GQ006.
--
-- public.complete_task(p_task_id, p_output_location = null, p_thumbnail_url = null,
--                      p_result jsonb = null, p_attempt = null, p_user_id = null) -> public.tasks
--   -> Complete, stores the output and timing, settles the reservation (ledger 'settlement').
-- public.fail_task(p_task_id, p_error_message = null, p_attempt = null, p_user_id = null)
--   -> Failed, stores the error, refunds the reservation (ledger 'refund').
-- public.cancel_task(p_task_id, p_reason = null, p_user_id = null)
--   -> Cancelled from Queued or In Progress, refunds.
-- public.update_task_status(p_task_id, p_status, p_message = null, p_output_location = null,
--                           p_progress = null, p_attempt = null, p_user_id = null) -> public.tasks
--   The protocol's update-task-status: In Progress on a running task is a heartbeat (with
--   progress); Complete / Failed / Cancelled go through the functions above (p_message is the
--   error or the reason). Moving a Queued task to In Progress is a claim and must use one.
-- Service only.

create function private.lock_task(p_task_id uuid, p_user_id uuid, p_attempt integer)
returns public.tasks
language plpgsql
set search_path = ''
as $$
declare
  v_scope uuid := private.caller_scope(p_user_id);
  v_task public.tasks;
begin
  select * into v_task from public.tasks t
  where t.id = p_task_id and (v_scope is null or t.user_id = v_scope)
  for update;
  if not found then
    raise exception 'task % not found', p_task_id using errcode = 'GQ003';
  end if;
  -- A report carrying a BullMQ attempt for a task an HTTP worker holds comes from a job that
  -- lost the claim: it must not finish someone else's work.
  if p_attempt is not null and v_task.status = 'In Progress' and v_task.claimed_by = 'http' then
    raise exception 'task % is claimed by an HTTP worker', p_task_id using errcode = 'GQ006';
  end if;
  if p_attempt is not null and p_attempt < v_task.bullmq_attempt then
    raise exception 'attempt % is older than attempt %', p_attempt, v_task.bullmq_attempt
      using errcode = 'GQ007';
  end if;
  return v_task;
end
$$;

create function private.settle_outcome(p_task public.tasks, p_kind text) returns void
language plpgsql
set search_path = ''
as $$
declare
  v_amount integer := case when p_kind = 'refund' then p_task.cost else 0 end;
  v_balance integer;
begin
  -- The caller holds the task's row lock, so this check and the write below cannot interleave
  -- with another outcome for the same task; the unique index is the backstop.
  if p_task.cost = 0 or exists (
    select 1 from public.credit_ledger l
    where l.task_id = p_task.id and l.kind in ('settlement', 'refund')
  ) then
    return;
  end if;
  update public.profiles set credits = credits + v_amount where id = p_task.user_id
  returning credits into v_balance;
  insert into public.credit_ledger (user_id, task_id, kind, amount, balance_after)
  values (p_task.user_id, p_task.id, p_kind, v_amount, v_balance);
end
$$;

create function public.complete_task(
  p_task_id uuid,
  p_output_location text default null,
  p_thumbnail_url text default null,
  p_result jsonb default null,
  p_attempt integer default null,
  p_user_id uuid default null
)
returns public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks := private.lock_task(p_task_id, p_user_id, p_attempt);
begin
  if v_task.status = 'Complete' then
    return v_task;
  end if;
  if v_task.status in ('Failed', 'Cancelled') then
    raise exception 'task % is already %', p_task_id, v_task.status using errcode = 'GQ005';
  end if;
  update public.tasks
  set status = 'Complete',
      output_location = coalesce(p_output_location, output_location),
      thumbnail_url = coalesce(p_thumbnail_url, thumbnail_url),
      result = coalesce(p_result, result),
      progress = 1,
      error_message = null,
      bullmq_attempt = greatest(bullmq_attempt, coalesce(p_attempt, 0)),
      generation_started_at = coalesce(generation_started_at, claimed_at, now()),
      generation_processed_at = now()
  where id = p_task_id
  returning * into v_task;
  perform private.settle_outcome(v_task, 'settlement');
  return v_task;
end
$$;

create function public.fail_task(
  p_task_id uuid,
  p_error_message text default null,
  p_attempt integer default null,
  p_user_id uuid default null
)
returns public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks := private.lock_task(p_task_id, p_user_id, p_attempt);
begin
  if v_task.status = 'Failed' then
    return v_task;
  end if;
  if v_task.status in ('Complete', 'Cancelled') then
    raise exception 'task % is already %', p_task_id, v_task.status using errcode = 'GQ005';
  end if;
  update public.tasks
  set status = 'Failed',
      error_message = left(coalesce(p_error_message, 'failed'), 4000),
      bullmq_attempt = greatest(bullmq_attempt, coalesce(p_attempt, 0)),
      generation_processed_at = now()
  where id = p_task_id
  returning * into v_task;
  perform private.settle_outcome(v_task, 'refund');
  return v_task;
end
$$;

create function public.cancel_task(p_task_id uuid, p_reason text default null, p_user_id uuid default null)
returns public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks := private.lock_task(p_task_id, p_user_id, null);
begin
  if v_task.status = 'Cancelled' then
    return v_task;
  end if;
  if v_task.status in ('Complete', 'Failed') then
    raise exception 'task % is already %', p_task_id, v_task.status using errcode = 'GQ005';
  end if;
  update public.tasks
  set status = 'Cancelled',
      error_message = left(coalesce(p_reason, 'cancelled'), 4000),
      generation_processed_at = now()
  where id = p_task_id
  returning * into v_task;
  perform private.settle_outcome(v_task, 'refund');
  return v_task;
end
$$;

create function public.update_task_status(
  p_task_id uuid,
  p_status public.task_status,
  p_message text default null,
  p_output_location text default null,
  p_progress real default null,
  p_attempt integer default null,
  p_user_id uuid default null
)
returns public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks;
begin
  case p_status
    when 'Complete' then
      return public.complete_task(p_task_id, p_output_location, null, null, p_attempt, p_user_id);
    when 'Failed' then
      return public.fail_task(p_task_id, coalesce(p_message, p_output_location), p_attempt, p_user_id);
    when 'Cancelled' then
      return public.cancel_task(p_task_id, p_message, p_user_id);
    else
      v_task := private.lock_task(p_task_id, p_user_id, p_attempt);
  end case;

  if v_task.status = p_status and p_status = 'Queued' then
    return v_task;
  end if;
  if p_status = 'In Progress' and v_task.status = 'In Progress' then
    update public.tasks
    set heartbeat_at = now(),
        progress = coalesce(p_progress, progress),
        bullmq_attempt = greatest(bullmq_attempt, coalesce(p_attempt, 0))
    where id = p_task_id
    returning * into v_task;
    return v_task;
  end if;
  if p_status = 'In Progress' and v_task.status = 'Queued' then
    raise exception 'task % must be claimed before it runs', p_task_id using errcode = 'GQ005';
  end if;
  raise exception 'task % cannot move from % to %', p_task_id, v_task.status, p_status
    using errcode = 'GQ005';
end
$$;

revoke all on function private.lock_task(uuid, uuid, integer) from public, anon, authenticated;
revoke all on function private.settle_outcome(public.tasks, text) from public, anon, authenticated;
revoke all on function public.complete_task(uuid, text, text, jsonb, integer, uuid) from public, anon, authenticated;
revoke all on function public.fail_task(uuid, text, integer, uuid) from public, anon, authenticated;
revoke all on function public.cancel_task(uuid, text, uuid) from public, anon, authenticated;
revoke all on function public.update_task_status(uuid, public.task_status, text, text, real, integer, uuid)
  from public, anon, authenticated;
grant execute on function public.complete_task(uuid, text, text, jsonb, integer, uuid) to service_role;
grant execute on function public.fail_task(uuid, text, integer, uuid) to service_role;
grant execute on function public.cancel_task(uuid, text, uuid) to service_role;
grant execute on function public.update_task_status(uuid, public.task_status, text, text, real, integer, uuid)
  to service_role;
