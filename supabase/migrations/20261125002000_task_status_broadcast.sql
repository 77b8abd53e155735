-- task_status_broadcast: publishes every task status change (the seed's
-- broadcast_task_status_update) with pg_notify on channel `task_status`.
--
-- Payload (JSON text, well under NOTIFY's 8000-byte limit):
--   { task_id, status, previous_status, task_type, project_id, user_id, updated_at }
-- Sent after insert and after any update that changes status; delivered on commit only, so
-- listeners never see a change that was rolled back.

create function private.broadcast_task_status_update() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify(
    'task_status',
    pg_catalog.json_build_object(
      'task_id', new.id,
      'status', new.status,
      'previous_status', case when tg_op = 'UPDATE' then old.status end,
      'task_type', new.task_type,
      'project_id', new.project_id,
      'user_id', new.user_id,
      'updated_at', new.updated_at
    )::text
  );
  return null;
end
$$;

revoke all on function private.broadcast_task_status_update() from public, anon, authenticated;

create trigger tasks_broadcast_status_insert
  after insert on public.tasks
  for each row execute function private.broadcast_task_status_update();

create trigger tasks_broadcast_status_update
  after update of status on public.tasks
  for each row
  when (old.status is distinct from new.status)
  execute function private.broadcast_task_status_update();
