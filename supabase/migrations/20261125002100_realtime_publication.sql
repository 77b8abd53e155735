-- realtime_publication: on a Supabase project, adds tasks, generations, images and videos to the
-- `supabase_realtime` publication so frontends' postgres_changes subscriptions (filtered by
-- project_id) receive them. Where the publication does not exist (plain Postgres, PGlite) this
-- does nothing; a table already in it is skipped, so the step is safe to repeat.

do $$
declare
  v_table text;
begin
  if not exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    return;
  end if;
  foreach v_table in array array['tasks', 'generations', 'images', 'videos'] loop
    if not exists (
      select 1 from pg_catalog.pg_publication_tables
      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = v_table
    ) then
      execute pg_catalog.format('alter publication supabase_realtime add table public.%I', v_table);
    end if;
  end loop;
end
$$;
