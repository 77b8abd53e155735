-- apply_job_callback: a BullMQ worker's callback (docs/CALLBACK_PROTOCOL.md) applied in one
-- call, so the callback service makes one round trip per report instead of begin / lock / ... /
-- commit.
-- The moves themselves are the existing functions (claim_task, update_task_status, complete_task,
-- fail_task, cancel_task, func_worker_heartbeat_with_logs, private.record_task_outputs); this one
-- only orders them under the task's row lock, as the TypeScript transaction did before.
--
-- public.apply_job_callback(
--   p_task_id uuid, p_status text, p_attempt integer, p_worker_id text = null,
--   p_progress real = null, p_message text = null, p_output_location text = null,
--   p_result jsonb = null, p_outputs jsonb = null, p_enhanced_prompt text = null
-- ) -> table (changed boolean, task public.tasks)   -- exactly one row
--
--   p_status: 'processing' | 'completed' | 'failed' | 'cancelled'. p_attempt: the BullMQ attempt.
--   p_worker_id: default 'bullmq-worker'. p_message: the error (failed) or reason (cancelled).
--   p_outputs: the normalised outputs of a completed report (see record_task_outputs);
--   p_output_location / p_result are stored on the task as complete_task does.
--
--   In order, with the task row locked:
--   1. unknown task: GQ003. An attempt older than the task's fence: GQ007 (nothing changes).
--   2. processing: the worker's heartbeat (workers row; the task's heartbeat once it runs), then
--      the claim unless this attempt already holds it over BullMQ (claim_task: GQ005 finished,
--      GQ006 held over HTTP), then progress when it moved. changed = claimed now or progress moved.
--   3. completed / failed / cancelled: a repeat of the task's current state returns it with
--      changed = false. Otherwise completed needs a non-empty p_outputs (GQ009: the service then
--      reports why its outputs were refused), completes, settles and files the asset rows; failed
--      fails and refunds; cancelled cancels and refunds. A backward move raises GQ005.
--   Anything else in p_status: 22023. Triggers (generation, travel cascade, status broadcast) fire
--   as they do for the functions called. Service only.

create function public.apply_job_callback(
  p_task_id uuid,
  p_status text,
  p_attempt integer,
  p_worker_id text default null,
  p_progress real default null,
  p_message text default null,
  p_output_location text default null,
  p_result jsonb default null,
  p_outputs jsonb default null,
  p_enhanced_prompt text default null
)
returns table (changed boolean, task public.tasks)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_worker text := coalesce(p_worker_id, 'bullmq-worker');
  v_task public.tasks;
  v_result public.tasks;
  v_changed boolean;
  v_target public.task_status;
begin
  -- The lock makes a retried callback racing its original apply one after the other.
  select * into v_task from public.tasks t where t.id = p_task_id for update;
  if not found then
    raise exception 'task % not found', p_task_id using errcode = 'GQ003';
  end if;
  if p_attempt < v_task.bullmq_attempt then
    raise exception 'attempt % is older than attempt %', p_attempt, v_task.bullmq_attempt
      using errcode = 'GQ007';
  end if;

  if p_status = 'processing' then
    -- Every report of a running job is its worker's heartbeat.
    perform public.func_worker_heartbeat_with_logs(v_worker, null, null, '[]'::jsonb, p_task_id, 'active');
    if v_task.status = 'In Progress' and v_task.claimed_by = 'bullmq' and p_attempt = v_task.bullmq_attempt then
      v_result := v_task;
      v_changed := false;
    else
      v_result := public.claim_task(p_task_id, v_worker, p_attempt);
      v_changed := true;
    end if;
    if p_progress is not null and p_progress is distinct from v_result.progress then
      v_result := public.update_task_status(p_task_id, 'In Progress', null, null, p_progress, p_attempt, null);
      v_changed := true;
    end if;
    return query select v_changed, v_result;
    return;
  end if;

  v_target := case p_status
    when 'completed' then 'Complete'::public.task_status
    when 'failed' then 'Failed'::public.task_status
    when 'cancelled' then 'Cancelled'::public.task_status
  end;
  if v_target is null then
    raise exception 'unknown callback status %', p_status using errcode = '22023';
  end if;
  if v_task.status = v_target then
    return query select false, v_task;
    return;
  end if;

  if p_status = 'completed' then
    if p_outputs is null or pg_catalog.jsonb_typeof(p_outputs) <> 'array'
       or pg_catalog.jsonb_array_length(p_outputs) = 0 then
      raise exception 'task % cannot complete without outputs', p_task_id using errcode = 'GQ009';
    end if;
    v_result := public.complete_task(p_task_id, p_output_location, null, p_result, p_attempt, null);
    perform private.record_task_outputs(v_result, p_outputs, p_enhanced_prompt);
  elsif p_status = 'failed' then
    v_result := public.fail_task(p_task_id, p_message, p_attempt, null);
  else
    v_result := public.cancel_task(p_task_id, p_message, null);
  end if;
  return query select true, v_result;
end
$$;

revoke all on function public.apply_job_callback(uuid, text, integer, text, real, text, text, jsonb, jsonb, text)
  from public, anon, authenticated;
grant execute on function public.apply_job_callback(uuid, text, integer, text, real, text, text, jsonb, jsonb, text)
  to service_role;
