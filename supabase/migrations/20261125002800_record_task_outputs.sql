-- record_task_outputs: files a completed task's outputs as image and video rows, in SQL, so the
-- job callback can complete a task and record its outputs in one call (apply_job_callback).
--
-- private.record_task_outputs(p_task public.tasks, p_outputs jsonb, p_enhanced_prompt text) -> void
--   p_outputs: [{ kind: 'image' | 'video' | 'poster', bucket, path }, ...] as the callback service
--   normalised them (every path already checked to be `<owner>/...`); order is kept. An image
--   output becomes an `images` row, a video output a `videos` row with the first poster output as
--   its poster_url; poster outputs make no row of their own. Owner, project and generation come
--   from the task (the generation trigger has made it when the task became Complete), prompt and
--   size/seed/frames/fps from its params when they are strings / numbers there, as the TypeScript
--   recordOutputs did before. Not granted to anyone: only SQL functions call it.

-- A JSON number parameter of a task, or null when it is absent or not a number.
create function private.number_param(p_params jsonb, p_name text) returns numeric
language sql immutable
set search_path = ''
as $$
  select case when pg_catalog.jsonb_typeof(p_params -> p_name) = 'number' then (p_params ->> p_name)::numeric end
$$;

create function private.record_task_outputs(p_task public.tasks, p_outputs jsonb, p_enhanced_prompt text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_params jsonb := p_task.params;
  v_prompt text := case when pg_catalog.jsonb_typeof(v_params -> 'prompt') = 'string'
                        then v_params ->> 'prompt' end;
  v_generation uuid := (select g.id from public.generations g where g.task_id = p_task.id);
  v_poster text := (
    select o.value ->> 'path'
    from pg_catalog.jsonb_array_elements(p_outputs) with ordinality as o(value, n)
    where o.value ->> 'kind' = 'poster'
    order by o.n limit 1
  );
  v_output jsonb;
begin
  for v_output in select o.value from pg_catalog.jsonb_array_elements(p_outputs) as o(value) loop
    if v_output ->> 'kind' = 'image' then
      insert into public.images (user_id, project_id, task_id, generation_id, storage_path, url, thumbnail_url,
                                 prompt, enhanced_prompt, width, height, seed, metadata)
      values (p_task.user_id, p_task.project_id, p_task.id, v_generation, v_output ->> 'path', null, null,
              v_prompt, p_enhanced_prompt, private.number_param(v_params, 'width')::integer,
              private.number_param(v_params, 'height')::integer, private.number_param(v_params, 'seed')::bigint,
              '{}'::jsonb);
    elsif v_output ->> 'kind' = 'video' then
      insert into public.videos (user_id, project_id, task_id, generation_id, storage_path, url, poster_url,
                                 prompt, enhanced_prompt, width, height, frames, fps, seed, metadata)
      values (p_task.user_id, p_task.project_id, p_task.id, v_generation, v_output ->> 'path', null, v_poster,
              v_prompt, p_enhanced_prompt, private.number_param(v_params, 'width')::integer,
              private.number_param(v_params, 'height')::integer, private.number_param(v_params, 'frames')::integer,
              private.number_param(v_params, 'fps')::integer, private.number_param(v_params, 'seed')::bigint,
              '{}'::jsonb);
    end if;
  end loop;
end
$$;

revoke all on function private.record_task_outputs(public.tasks, jsonb, text) from public, anon, authenticated;
revoke all on function private.number_param(jsonb, text) from public, anon, authenticated;
