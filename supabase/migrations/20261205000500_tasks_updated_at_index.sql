-- tasks_updated_at_index: after its LISTEN connection was lost, an api instance re-reads the tasks
-- that changed while it heard nothing (the event stream's catch-up); this index serves that read
-- from the newest rows instead of scanning every task.

create index tasks_updated_at_idx on public.tasks (updated_at);
