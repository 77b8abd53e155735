-- task_progress_broadcast: the `task_status` notification also fires when a running task's
-- progress moves, and carries the progress, so event streams show progress bars without polling.
--
-- Payload: { task_id, status, previous_status, progress, task_type, project_id, user_id, updated_at }

create or replace function private.broadcast_task_status_update() returns trigger
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
      'progress', new.progress,
      'task_type', new.task_type,
      'project_id', new.project_id,
      'user_id', new.user_id,
      'updated_at', new.updated_at
    )::text
  );
  return null;
end
$$;

drop trigger tasks_broadcast_status_update on public.tasks;

create trigger tasks_broadcast_status_update
  after update of status, progress on public.tasks
  for each row
  when (old.status is distinct from new.status or old.progress is distinct from new.progress)
  execute function private.broadcast_task_status_update();
