-- tasks_orchestrator_index: find a travel's segments and stitch by their orchestrator quickly (the
-- chain cascade and the stitch read them by params.orchestrator_task_id).

create index tasks_orchestrator_task_id_idx
  on public.tasks ((params ->> 'orchestrator_task_id'))
  where task_type in ('travel_segment', 'travel_stitch');
