-- travel_chain_cascade: a travel (one travel_orchestrator, its travel_segment chain and its
-- travel_stitch) finishes as one, whichever path finished the task that decides it: a pull-worker
-- over HTTP or rpc, a BullMQ callback, or the stale-claim reaper.
--
-- After a status change of a travel task:
-- - travel_stitch -> Complete: the orchestrator becomes Complete with the stitch's output and
--   thumbnail (its reservation, normally 0, is settled).
-- - any of them -> Failed or Cancelled: every task of the travel not yet finished (later
--   segments, the stitch, the orchestrator) moves to the same status with a message naming the
--   task that stopped the travel, and its reservation is refunded: what was not run is not paid.
--   Segments already Complete stay Complete (they ran, and were settled).
-- The moves made here fire this trigger again for each task they touch; those nested runs do
-- nothing (pg_trigger_depth), so one event cascades exactly once.

create function private.travel_chain_on_finish() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_ref text := case when new.task_type = 'travel_orchestrator' then new.id::text
                     else new.params ->> 'orchestrator_task_id' end;
  v_orchestrator uuid;
  v_task public.tasks;
  v_message text;
begin
  if pg_catalog.pg_trigger_depth() > 1 or v_ref is null
     or v_ref !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return null;
  end if;
  v_orchestrator := v_ref::uuid;

  if new.status = 'Complete' then
    if new.task_type <> 'travel_stitch' then
      return null;
    end if;
    update public.tasks
    set status = 'Complete', output_location = new.output_location, thumbnail_url = new.thumbnail_url,
        result = new.result, progress = 1, error_message = null,
        generation_started_at = coalesce(generation_started_at, claimed_at, now()),
        generation_processed_at = now()
    where id = v_orchestrator and user_id = new.user_id and status in ('Queued', 'In Progress')
    returning * into v_task;
    if found then
      perform private.settle_outcome(v_task, 'settlement');
    end if;
    return null;
  end if;

  v_message := pg_catalog.left(pg_catalog.format(
    'travel stopped: %s%s (task %s) %s: %s',
    new.task_type,
    coalesce(' ' || (new.params ->> 'segment_index'), ''),
    new.id,
    pg_catalog.lower(new.status::text),
    coalesce(new.error_message, 'no message')
  ), 4000);

  for v_task in
    update public.tasks t
    set status = new.status, error_message = v_message, generation_processed_at = now()
    where t.user_id = new.user_id and t.id <> new.id and t.status in ('Queued', 'In Progress')
      and (t.id = v_orchestrator
           or (t.task_type in ('travel_segment', 'travel_stitch')
               and t.params ->> 'orchestrator_task_id' = v_orchestrator::text))
    returning t.*
  loop
    perform private.settle_outcome(v_task, 'refund');
  end loop;
  return null;
end
$$;

revoke all on function private.travel_chain_on_finish() from public, anon, authenticated;

create trigger tasks_travel_chain_on_finish
  after update of status on public.tasks
  for each row
  when (old.status is distinct from new.status
        and new.status in ('Complete', 'Failed', 'Cancelled')
        and new.task_type in ('travel_orchestrator', 'travel_segment', 'travel_stitch'))
  execute function private.travel_chain_on_finish();
