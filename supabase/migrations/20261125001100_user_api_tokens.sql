-- user_api_tokens: personal access tokens, stored only as the SHA-256 hex digest of the token
-- (the raw token is shown once, at creation). token_prefix keeps a few leading characters so a
-- user can tell tokens apart. Service only: users manage tokens through the api.

create table public.user_api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  name text not null default '' check (char_length(name) <= 200),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  token_prefix text not null default '' check (char_length(token_prefix) <= 16),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create index user_api_tokens_user_id_idx on public.user_api_tokens (user_id);

alter table public.user_api_tokens enable row level security;

revoke all on table public.user_api_tokens from anon, authenticated;
grant all on table public.user_api_tokens to service_role;
