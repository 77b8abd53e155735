-- generations: one user-visible result per completed task (created by the generation trigger,
-- exactly once per task: task_id is unique). Frontends subscribe to it filtered by project_id,
-- hence the index. Users read and delete their own; only the service creates them.

create table public.generations (
  id uuid primary key default gen_random_uuid(),
  task_id uuid unique references public.tasks (id) on delete set null,
  project_id uuid not null references public.projects (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  type text not null check (type in ('image', 'video')),
  location text,
  thumbnail_url text,
  params jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index generations_project_id_idx on public.generations (project_id, created_at desc);
create index generations_user_id_idx on public.generations (user_id);

create trigger generations_set_updated_at
  before update on public.generations
  for each row execute function private.set_updated_at();

alter table public.generations enable row level security;

revoke all on table public.generations from anon, authenticated;
grant select, delete on table public.generations to authenticated;
grant all on table public.generations to service_role;

create policy "generations: users read their own"
  on public.generations for select to authenticated
  using (user_id = (select auth.uid()));

create policy "generations: users delete their own"
  on public.generations for delete to authenticated
  using (user_id = (select auth.uid()));
