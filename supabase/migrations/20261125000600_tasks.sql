-- tasks: every unit of GPU work, whether queued through BullMQ (the ten queue-job types) or
-- through the Headless task protocol (single_image, travel_*). docs/ARCHITECTURE.md describes
-- both paths ("Callbacks", "Task protocol", "queue-job, end to end").
--
-- status moves only forward (Queued -> In Progress -> Complete | Failed | Cancelled) through the
-- task functions; only the stale-claim reaper moves an HTTP claim back to Queued.
-- claimed_by  how the running attempt claimed it: 'http' (claim_next_task) or 'bullmq' (claim_task)
-- attempts    attempts lost to a missing heartbeat (the reaper's count)
-- bullmq_attempt  the fence: newest BullMQ attempt that reported; older attempts are refused
-- cost        credits reserved at creation, settled on Complete, refunded on Failed/Cancelled
-- idempotency_key / request_hash  a retried create with the same key returns the first task;
--             the same key with another body is refused
-- Users read their own tasks; they never write them directly (credits ride on these rows).

create type public.task_status as enum ('Queued', 'In Progress', 'Complete', 'Failed', 'Cancelled');

create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  task_type text not null check (task_type ~ '^[a-z0-9_]{1,64}$'),
  params jsonb not null default '{}'::jsonb,
  status public.task_status not null default 'Queued',
  dependant_on uuid[] not null default '{}',
  run_type text not null default 'gpu' check (run_type in ('gpu', 'api')),
  project_id uuid not null references public.projects (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  worker_id text references public.workers (id) on delete set null,
  claimed_by text check (claimed_by in ('bullmq', 'http')),
  attempts integer not null default 0 check (attempts >= 0),
  bullmq_attempt integer not null default 0 check (bullmq_attempt >= 0),
  cost integer not null default 0 check (cost >= 0),
  progress real check (progress between 0 and 1),
  output_location text,
  thumbnail_url text,
  result jsonb,
  error_message text,
  idempotency_key text check (char_length(idempotency_key) <= 255),
  request_hash text,
  generation_created boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  claimed_at timestamptz,
  heartbeat_at timestamptz,
  generation_started_at timestamptz,
  generation_processed_at timestamptz,
  constraint tasks_idempotency_key_per_user unique (user_id, idempotency_key)
);

create index tasks_status_created_at_idx on public.tasks (status, created_at);
create index tasks_project_id_idx on public.tasks (project_id, created_at desc);
create index tasks_user_id_idx on public.tasks (user_id, status);
create index tasks_worker_id_idx on public.tasks (worker_id) where worker_id is not null;

create trigger tasks_set_updated_at
  before update on public.tasks
  for each row execute function private.set_updated_at();

alter table public.tasks enable row level security;

revoke all on table public.tasks from anon, authenticated;
grant select on table public.tasks to authenticated;
grant all on table public.tasks to service_role;

create policy "tasks: users read their own"
  on public.tasks for select to authenticated
  using (user_id = (select auth.uid()));
