-- supabase_bootstrap: what a Supabase project already provides, created only where it is absent.
--
-- On a Supabase project every statement below finds its object and does nothing, so the same
-- migrations run unchanged there. On a plain Postgres 15+ (or PGlite) it creates:
--   roles    anon, authenticated (nologin, noinherit), service_role (nologin, bypassrls)
--   schema   auth, with auth.users (id uuid primary key, email, timestamps)
--   functions auth.jwt()  -> jsonb   the claims PostgREST puts in `request.jwt.claims`
--             auth.uid()  -> uuid    the claims' `sub`, null when absent or empty
--             auth.role() -> text    the claims' `role`, null when absent
-- Roles are granted to the migrating user when created here, so it can `set role` the way
-- PostgREST does per request (the api's rpc path and the RLS tests need that).

do $$
declare
  v_role text;
begin
  foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select 1 from pg_catalog.pg_roles where rolname = v_role) then
      -- Roles are cluster-wide: another database on this server may create it at the same moment.
      begin
        if v_role = 'service_role' then
          execute 'create role service_role nologin noinherit bypassrls';
        else
          execute pg_catalog.format('create role %I nologin noinherit', v_role);
        end if;
        execute pg_catalog.format('grant %I to %I', v_role, current_user);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end
$$;

create schema if not exists auth;

create table if not exists auth.users (
  id uuid primary key,
  email text,
  raw_user_meta_data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

do $$
begin
  if pg_catalog.to_regprocedure('auth.jwt()') is null then
    execute $fn$
      create function auth.jwt() returns jsonb
      language sql stable
      set search_path = ''
      as $body$
        select coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''), '{}')::jsonb
      $body$
    $fn$;
  end if;
  if pg_catalog.to_regprocedure('auth.uid()') is null then
    execute $fn$
      create function auth.uid() returns uuid
      language sql stable
      set search_path = ''
      as $body$
        select nullif(auth.jwt() ->> 'sub', '')::uuid
      $body$
    $fn$;
  end if;
  if pg_catalog.to_regprocedure('auth.role()') is null then
    execute $fn$
      create function auth.role() returns text
      language sql stable
      set search_path = ''
      as $body$
        select nullif(auth.jwt() ->> 'role', '')
      $body$
    $fn$;
  end if;
end
$$;

grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;
