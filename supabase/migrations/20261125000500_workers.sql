-- workers: every worker id seen by a claim or a heartbeat, registered on first use (the seed's
-- claim failed on a worker foreign key). Service only: no user policy, no user grants.

create table public.workers (
  id text primary key check (char_length(id) between 1 and 200),
  -- Free text: the Headless worker reports its own words (active, crashed, ...).
  status text not null default 'active' check (char_length(status) <= 50),
  metadata jsonb not null default '{}'::jsonb,
  last_heartbeat timestamptz not null default now(),
  created_at timestamptz not null default now()
);

alter table public.workers enable row level security;

revoke all on table public.workers from anon, authenticated;
grant all on table public.workers to service_role;
