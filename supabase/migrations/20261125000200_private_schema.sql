-- private_schema: helpers that policies and triggers call, kept out of `public` so PostgREST
-- never exposes them as rpc endpoints.
--
-- private.queue_job_types() -> text[]   the ten queue-job types (BullMQ only, never handed out by
--                                       the HTTP claim); a test keeps it equal to @gpuq/job-types
-- private.task_produces_generation(task_type text) -> boolean
-- private.task_output_kind(task_type text) -> text ('image' | 'video')
-- private.set_updated_at()              trigger: stamps updated_at on every update
-- private.caller_scope(p_user_id uuid) -> uuid
--   the user whose rows a call may touch: for a request running as `authenticated` or `anon`
--   (PostgREST's `set local role`) it is always auth.uid(), whatever was passed, and a request
--   without a subject is refused (42501); for the service (or the owner) it is p_user_id, where
--   null means every user.

create schema if not exists private;
revoke all on schema private from public;
-- Policies for signed-in users call helpers here, evaluated as the user: they need the schema.
grant usage on schema private to authenticated, service_role;

create function private.queue_job_types() returns text[]
language sql immutable
set search_path = ''
as $$
  select array[
    'sdxl_image_fast', 'sdxl_image_high', 'image_fast', 'image_high', 'video_fast', 'video_high',
    'image7b_fast_enhanced', 'image7b_high_enhanced', 'video7b_fast_enhanced', 'video7b_high_enhanced'
  ]::text[]
$$;

create function private.task_produces_generation(p_task_type text) returns boolean
language sql immutable
set search_path = ''
as $$
  select p_task_type = any (private.queue_job_types()) or p_task_type in ('single_image', 'travel_stitch')
$$;

create function private.task_output_kind(p_task_type text) returns text
language sql immutable
set search_path = ''
as $$
  select case when p_task_type like 'video%' or p_task_type = 'travel_stitch' then 'video' else 'image' end
$$;

create function private.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end
$$;

create function private.caller_scope(p_user_id uuid) returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  -- `role` is the session's `set role`; security definer functions leave it untouched, so this
  -- still names the requesting role inside them.
  v_role text := pg_catalog.current_setting('role', true);
  v_uid uuid;
begin
  if v_role in ('authenticated', 'anon') then
    v_uid := auth.uid();
    if v_uid is null or v_role = 'anon' then
      raise exception 'a signed-in user is required' using errcode = '42501';
    end if;
    return v_uid;
  end if;
  return p_user_id;
end
$$;

revoke all on all functions in schema private from public;
-- Functions added here later start closed too; each migration grants what its policies need.
alter default privileges in schema private revoke execute on functions from public;
