-- image_uploads_bucket: the public Supabase Storage bucket the Headless worker names in the URLs
-- it builds for its own uploads (`<SUPABASE_URL>/storage/v1/object/public/image_uploads/<path>`,
-- its SUPABASE_VIDEO_BUCKET default). With the local storage backend, queue-api serves that name
-- as an alias of the task buckets (travel, single_image), where generate-upload-url stores.
--
-- Only on a Supabase database (one with storage.buckets); elsewhere it does nothing.

do $$
begin
  if pg_catalog.to_regclass('storage.buckets') is not null then
    insert into storage.buckets (id, name, public) values ('image_uploads', 'image_uploads', true)
    on conflict (id) do nothing;
  end if;
end
$$;
