-- images and videos: the stored outputs of tasks, written by the callback service. Storage paths
-- are `<userId>/<...>`; enhanced_prompt holds the 7B enhancer's prompt for the *_enhanced types.
-- Users read and delete their own; only the service writes them.

create table public.images (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  project_id uuid not null references public.projects (id) on delete cascade,
  task_id uuid references public.tasks (id) on delete set null,
  generation_id uuid references public.generations (id) on delete set null,
  storage_path text,
  url text,
  thumbnail_url text,
  prompt text,
  enhanced_prompt text,
  width integer,
  height integer,
  seed bigint,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create index images_project_id_idx on public.images (project_id, created_at desc);
create index images_user_id_idx on public.images (user_id);
create index images_task_id_idx on public.images (task_id);
create index images_generation_id_idx on public.images (generation_id);

create table public.videos (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  project_id uuid not null references public.projects (id) on delete cascade,
  task_id uuid references public.tasks (id) on delete set null,
  generation_id uuid references public.generations (id) on delete set null,
  storage_path text,
  url text,
  poster_url text,
  prompt text,
  enhanced_prompt text,
  width integer,
  height integer,
  frames integer,
  fps integer,
  seed bigint,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create index videos_project_id_idx on public.videos (project_id, created_at desc);
create index videos_user_id_idx on public.videos (user_id);
create index videos_task_id_idx on public.videos (task_id);
create index videos_generation_id_idx on public.videos (generation_id);

alter table public.images enable row level security;
alter table public.videos enable row level security;

revoke all on table public.images, public.videos from anon, authenticated;
grant select, delete on table public.images, public.videos to authenticated;
grant all on table public.images, public.videos to service_role;

create policy "images: users read their own"
  on public.images for select to authenticated
  using (user_id = (select auth.uid()));

create policy "images: users delete their own"
  on public.images for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "videos: users read their own"
  on public.videos for select to authenticated
  using (user_id = (select auth.uid()));

create policy "videos: users delete their own"
  on public.videos for delete to authenticated
  using (user_id = (select auth.uid()));
