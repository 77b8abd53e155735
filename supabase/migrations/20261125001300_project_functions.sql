-- project_functions: the default project a user's jobs land in when they name none.
--
-- public.ensure_default_project(p_user_id uuid, p_name text = 'Default project') -> public.projects
--   returns the user's default project, creating it (once, even under concurrency) if absent.
--   The profile must exist (23503 otherwise). Service only.

create function public.ensure_default_project(p_user_id uuid, p_name text default 'Default project')
returns public.projects
language plpgsql security definer
set search_path = ''
as $$
declare
  v_project public.projects;
begin
  insert into public.projects (user_id, name, is_default)
  values (p_user_id, p_name, true)
  on conflict (user_id) where is_default do nothing
  returning * into v_project;
  if not found then
    select * into v_project from public.projects where user_id = p_user_id and is_default;
  end if;
  return v_project;
end
$$;

revoke all on function public.ensure_default_project(uuid, text) from public, anon, authenticated;
grant execute on function public.ensure_default_project(uuid, text) to service_role;
