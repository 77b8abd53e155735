-- shots and shot_generations: a user's ordered storyboard slots and the generations placed in
-- them. Users manage both for their own projects; a link needs the shot and the generation to be
-- theirs. The generation trigger links a task's generation to the shot its params name.

create table public.shots (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.projects (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  name text not null default '' check (char_length(name) <= 200),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index shots_project_id_idx on public.shots (project_id, position);
create index shots_user_id_idx on public.shots (user_id);

create trigger shots_set_updated_at
  before update on public.shots
  for each row execute function private.set_updated_at();

create table public.shot_generations (
  id uuid primary key default gen_random_uuid(),
  shot_id uuid not null references public.shots (id) on delete cascade,
  generation_id uuid not null references public.generations (id) on delete cascade,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint shot_generations_once unique (shot_id, generation_id)
);

create index shot_generations_generation_id_idx on public.shot_generations (generation_id);

create function private.owns_shot(p_shot_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from public.shots s where s.id = p_shot_id and s.user_id = (select auth.uid()))
$$;

create function private.owns_generation(p_generation_id uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.generations g where g.id = p_generation_id and g.user_id = (select auth.uid())
  )
$$;

revoke all on function private.owns_shot(uuid), private.owns_generation(uuid) from public;
grant execute on function private.owns_shot(uuid), private.owns_generation(uuid) to authenticated;

alter table public.shots enable row level security;
alter table public.shot_generations enable row level security;

revoke all on table public.shots, public.shot_generations from anon, authenticated;
grant select, insert, delete on table public.shots to authenticated;
grant update (name, position) on table public.shots to authenticated;
grant select, insert, delete on table public.shot_generations to authenticated;
grant update (position) on table public.shot_generations to authenticated;
grant all on table public.shots, public.shot_generations to service_role;

create policy "shots: users read their own"
  on public.shots for select to authenticated
  using (user_id = (select auth.uid()));

create policy "shots: users create them in their own projects"
  on public.shots for insert to authenticated
  with check (user_id = (select auth.uid()) and private.owns_project(project_id));

create policy "shots: users update their own"
  on public.shots for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "shots: users delete their own"
  on public.shots for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "shot_generations: users read their own"
  on public.shot_generations for select to authenticated
  using (private.owns_shot(shot_id));

create policy "shot_generations: users link their own"
  on public.shot_generations for insert to authenticated
  with check (private.owns_shot(shot_id) and private.owns_generation(generation_id));

create policy "shot_generations: users reorder their own"
  on public.shot_generations for update to authenticated
  using (private.owns_shot(shot_id))
  with check (private.owns_shot(shot_id));

create policy "shot_generations: users unlink their own"
  on public.shot_generations for delete to authenticated
  using (private.owns_shot(shot_id));
