-- admin_sessions: operator sign-ins to the admin pages. The cookie names a row here (and is
-- signed), so signing out revokes the session server-side and a copied cookie stops working.
-- user_id null is the service role (signed in with the service key). Service only.

create table public.admin_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);

create index admin_sessions_user_id_idx on public.admin_sessions (user_id);

alter table public.admin_sessions enable row level security;

revoke all on table public.admin_sessions from anon, authenticated;
grant all on table public.admin_sessions to service_role;
