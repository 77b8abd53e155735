-- projects: a user's folders of work; every task, generation, shot and asset belongs to one.
--
-- Each user has at most one default project (the partial unique index), created on first use by
-- public.ensure_default_project. Users manage their own projects (name only on update).

create table public.projects (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 200),
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index projects_user_id_idx on public.projects (user_id, created_at);
create unique index projects_one_default_per_user on public.projects (user_id) where is_default;

create trigger projects_set_updated_at
  before update on public.projects
  for each row execute function private.set_updated_at();

-- Policies below and on the child tables ask "is this project mine?"; as security definer it
-- reads projects without re-entering their policies.
create function private.owns_project(p_project_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.projects p where p.id = p_project_id and p.user_id = (select auth.uid())
  )
$$;
revoke all on function private.owns_project(uuid) from public;
grant execute on function private.owns_project(uuid) to authenticated;

alter table public.projects enable row level security;

revoke all on table public.projects from anon, authenticated;
grant select, insert, delete on table public.projects to authenticated;
grant update (name) on table public.projects to authenticated;
grant all on table public.projects to service_role;

create policy "projects: users read their own"
  on public.projects for select to authenticated
  using (user_id = (select auth.uid()));

create policy "projects: users create their own"
  on public.projects for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "projects: users rename their own"
  on public.projects for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "projects: users delete their own"
  on public.projects for delete to authenticated
  using (user_id = (select auth.uid()));
