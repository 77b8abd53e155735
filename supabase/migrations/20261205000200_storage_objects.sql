-- storage_objects: every object stored through the api's signed upload URLs (generate-upload-url
-- and the job-callback upload-url of remote workers), with its size, so a user's storage use is one
-- indexed sum and an upload that would pass the quota is refused. `user_id` is the owner folder of
-- the path (`<userId>/...`), where the path rules put every object. Service only: the api keeps it.

create table public.storage_objects (
  bucket text not null check (char_length(bucket) between 1 and 100),
  path text not null check (char_length(path) between 1 and 1024),
  user_id uuid not null,
  size bigint not null check (size >= 0),
  content_type text not null check (char_length(content_type) <= 100),
  updated_at timestamptz not null default now(),
  primary key (bucket, path)
);

create index storage_objects_user_id_idx on public.storage_objects (user_id);

alter table public.storage_objects enable row level security;

revoke all on table public.storage_objects from anon, authenticated;
grant all on table public.storage_objects to service_role;
