-- rest_task_writes: the two writes the Headless pull-worker makes on public.tasks through
-- PostgREST (/rest/v1/tasks), kept inside the task rules. The api first selects the rows the
-- caller's filters reach, as the caller's role (`select ... for update`: a role without the
-- update grant, such as authenticated, is refused there with 42501), then calls one of these per
-- row in the same transaction.
--
-- public.rest_update_task(p_task_id uuid, p_patch jsonb) -> public.tasks
--   p_patch holds only keys the api let through: status, worker_id (null only), error_message,
--   generation_started_at. A status move goes where the task functions would take it:
--   - In Progress -> Queued: the claim is given back (the worker's fatal-error handler): worker,
--     claim and billing clock cleared, attempts + 1, error_message kept as the reason, the credit
--     reservation untouched (the task will still run). A claim our BullMQ fleet holds is its job's
--     to give up: GQ006.
--   - -> Failed / Cancelled: public.fail_task / public.cancel_task (refund, travel cascade).
--   - the current status again: no move.
--   - anything else (-> Complete, -> In Progress, out of a finished state): GQ005 naming the
--     function to use instead. Complete needs the output stored and the generation recorded,
--     which only complete_task does.
--   Without a status move: error_message, and generation_started_at on a running task (the
--   billing clock); a finished task refuses both (GQ005).
--   Errors: GQ003 no such task, GQ005 / GQ006 as above.
--
-- public.rest_delete_task(p_task_id uuid) -> public.tasks (the row as it was)
--   The worker's duplicate clean-up. Only a Queued, Failed or Cancelled task is deleted; a Queued
--   one's reservation is refunded first (without a Cancelled move, which would stop a whole
--   travel). Refused with GQ005: a running or completed task, or one an unfinished task still
--   depends on (it would wait forever for a task that is gone).
-- Service only.

create function public.rest_update_task(p_task_id uuid, p_patch jsonb)
returns public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks := private.lock_task(p_task_id, null, null);
  v_status public.task_status := (p_patch ->> 'status')::public.task_status;
  v_message text := left(p_patch ->> 'error_message', 4000);
begin
  if v_status is not null and v_status <> v_task.status then
    if v_status = 'Queued' and v_task.status = 'In Progress' then
      if v_task.claimed_by is distinct from 'http' then
        raise exception 'task % is run by the gpuq fleet: only its job can give it back', p_task_id
          using errcode = 'GQ006';
      end if;
      update public.tasks
      set status = 'Queued', worker_id = null, claimed_by = null, claimed_at = null,
          heartbeat_at = null, generation_started_at = null, progress = null,
          attempts = attempts + 1, requeued_from_worker_id = null,
          error_message = coalesce(v_message, error_message)
      where id = p_task_id
      returning * into v_task;
      return v_task;
    elsif v_status = 'Failed' then
      return public.fail_task(p_task_id, coalesce(v_message, 'failed by the worker'));
    elsif v_status = 'Cancelled' then
      return public.cancel_task(p_task_id, coalesce(v_message, 'cancelled by the worker'));
    end if;
    raise exception 'task % cannot move from % to % through /rest/v1: %', p_task_id, v_task.status,
      v_status,
      case v_status
        when 'Complete' then 'complete it with the complete_task function'
        when 'In Progress' then 'claim it with the claim-next-task function'
        else 'only the reaper and the worker holding the claim put a task back'
      end
      using errcode = 'GQ005';
  end if;

  if not (p_patch ? 'error_message' or p_patch ? 'generation_started_at') then
    return v_task;
  end if;
  if v_task.status in ('Complete', 'Failed', 'Cancelled') then
    raise exception 'task % is already %: it no longer changes', p_task_id, v_task.status
      using errcode = 'GQ005';
  end if;
  if p_patch ? 'generation_started_at' and v_task.status <> 'In Progress' then
    raise exception 'task % is %: generation_started_at is the clock of a running task',
      p_task_id, v_task.status using errcode = 'GQ005';
  end if;
  update public.tasks
  set error_message = case when p_patch ? 'error_message' then v_message else error_message end,
      generation_started_at = case when p_patch ? 'generation_started_at'
        then coalesce((p_patch ->> 'generation_started_at')::timestamptz, claimed_at)
        else generation_started_at end
  where id = p_task_id
  returning * into v_task;
  return v_task;
end
$$;

create function public.rest_delete_task(p_task_id uuid)
returns public.tasks
language plpgsql security definer
set search_path = ''
as $$
declare
  v_task public.tasks := private.lock_task(p_task_id, null, null);
  v_dependant uuid;
begin
  if v_task.status in ('In Progress', 'Complete') then
    raise exception 'task % is %: only a Queued, Failed or Cancelled task can be deleted',
      p_task_id, v_task.status using errcode = 'GQ005';
  end if;
  select d.id into v_dependant from public.tasks d
  where p_task_id = any (d.dependant_on) and d.status in ('Queued', 'In Progress')
  limit 1;
  if found then
    raise exception 'task % cannot be deleted: task % still depends on it', p_task_id, v_dependant
      using errcode = 'GQ005';
  end if;
  if v_task.status = 'Queued' then
    perform private.settle_outcome(v_task, 'refund');
  end if;
  delete from public.tasks where id = p_task_id;
  return v_task;
end
$$;

revoke all on function public.rest_update_task(uuid, jsonb) from public, anon, authenticated;
revoke all on function public.rest_delete_task(uuid) from public, anon, authenticated;
grant execute on function public.rest_update_task(uuid, jsonb) to service_role;
grant execute on function public.rest_delete_task(uuid) to service_role;
