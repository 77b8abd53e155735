-- profiles: one row per user (id = the JWT's `sub`), holding the credit balance and the role.
--
-- No foreign key to auth.users: with a local JWT secret users are first seen through their token
-- and never exist in auth.users; on Supabase a trigger (see profile functions) still creates the
-- profile at sign-up. Credits never go below zero (checked here, reserved atomically by
-- public.create_task). Users read their own row and may change only display_name: credits and
-- role are not granted to them at all, so no policy can be bent into changing them.

create table public.profiles (
  id uuid primary key,
  display_name text check (char_length(display_name) <= 200),
  credits integer not null default 0 check (credits >= 0),
  role text not null default 'user' check (role in ('user', 'admin')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function private.set_updated_at();

alter table public.profiles enable row level security;

revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to authenticated;
grant update (display_name) on table public.profiles to authenticated;
grant all on table public.profiles to service_role;

create policy "profiles: users read their own"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()));

create policy "profiles: users update their own"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));
