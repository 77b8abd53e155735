-- staging_bucket: the private Supabase Storage bucket where the BullMQ fleet stages a job's outputs
-- (`staging/<userId>/<taskId>/<filename>`) until the job-callback service accepts its completed
-- report and moves them to the job's bucket (packages/storage paths/staging.ts). Private, so no
-- public URL reaches a staged file, and the outputs of a refused completion are never served.
--
-- Only on a Supabase database (one with storage.buckets); elsewhere it does nothing: the local
-- backend makes the folder on first write and serves no bucket publicly unless configured to.

do $$
begin
  if pg_catalog.to_regclass('storage.buckets') is not null then
    insert into storage.buckets (id, name, public) values ('staging', 'staging', false)
    on conflict (id) do update set public = false;
  end if;
end
$$;
