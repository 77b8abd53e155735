-- generation_trigger: the generations row of a task, created exactly once when it becomes Complete.
--
-- Fires before the UPDATE that sets status Complete on a task whose generation_created is still
-- false, for task types that produce output (private.task_produces_generation). It inserts the
-- generation (task_id is unique, so even a lost flag cannot make a second one), links it to the
-- shot named by params.shot_id (or params.orchestrator_details.shot_id) when that shot exists in
-- the task's project, and sets generation_created in the same row write, so a second Complete
-- finds the flag set. Anything that goes wrong here is caught and logged as a warning: the task
-- update always succeeds (a bad shot id completes the task without the link; a failed insert
-- leaves generation_created false for a repair).

create function private.create_generation_on_complete() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_generation_id uuid;
  v_shot_text text;
begin
  if not private.task_produces_generation(new.task_type) then
    return new;
  end if;

  begin
    insert into public.generations (task_id, project_id, user_id, type, location, thumbnail_url, params)
    values (
      new.id, new.project_id, new.user_id, private.task_output_kind(new.task_type),
      new.output_location, new.thumbnail_url, new.params
    )
    on conflict (task_id) do nothing
    returning id into v_generation_id;
    new.generation_created := true;
  exception when others then
    raise warning 'generation for task % not created: % (%)', new.id, sqlerrm, sqlstate;
    return new;
  end;

  v_shot_text := coalesce(new.params ->> 'shot_id', new.params -> 'orchestrator_details' ->> 'shot_id');
  if v_generation_id is null or v_shot_text is null then
    return new;
  end if;

  begin
    insert into public.shot_generations (shot_id, generation_id, position)
    select s.id, v_generation_id,
           coalesce((select max(sg.position) + 1 from public.shot_generations sg where sg.shot_id = s.id), 0)
    from public.shots s
    where s.id = v_shot_text::uuid and s.project_id = new.project_id
    on conflict (shot_id, generation_id) do nothing;
  exception when others then
    raise warning 'generation % not linked to shot %: % (%)', v_generation_id, v_shot_text, sqlerrm, sqlstate;
  end;
  return new;
end
$$;

revoke all on function private.create_generation_on_complete() from public, anon, authenticated;

create trigger tasks_create_generation
  before update of status on public.tasks
  for each row
  when (new.status = 'Complete' and not old.generation_created)
  execute function private.create_generation_on_complete();
