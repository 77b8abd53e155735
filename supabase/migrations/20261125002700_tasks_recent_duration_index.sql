-- tasks_recent_duration_index: the ETA shown while a job waits averages the last finished tasks
-- of its type; this index serves that read from the newest rows instead of scanning every
-- completed task of the type on each queue-job answer.

create index tasks_type_status_processed_idx
  on public.tasks (task_type, status, generation_processed_at desc);
