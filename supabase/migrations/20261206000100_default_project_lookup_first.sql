-- ensure_default_project looks the default project up before trying to insert one. Every
-- queue-job without a projectId calls it, and all but a user's first find the project there:
-- the insert-first form probed the unique index for the conflict and then read the row again,
-- two index probes where one does. A first call still inserts, and two first calls at once still
-- make one project (the insert's conflict clause, then the read).
create or replace function public.ensure_default_project(p_user_id uuid, p_name text default 'Default project')
returns public.projects
language plpgsql security definer
set search_path = ''
as $$
declare
  v_project public.projects;
begin
  select * into v_project from public.projects where user_id = p_user_id and is_default;
  if found then
    return v_project;
  end if;
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
