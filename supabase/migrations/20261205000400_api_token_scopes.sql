-- api_token_scopes: what a personal access token may do, until when, and who minted it.
--   scope      'tasks' (a pull-worker: the task protocol and its rpc), 'jobs' (an app: queue-job,
--              jobs, events), or 'all': what every token could do before scopes existed, which
--              existing tokens keep so that nothing that works today stops working.
--   expires_at past it the token is refused at authentication; null never expires.
--   parent_id  the token this one was minted under, when it was; revoking a token revokes its
--              descendants (the api revokes the tree in one statement).

alter table public.user_api_tokens
  add column scope text not null default 'all' check (scope in ('all', 'tasks', 'jobs')),
  add column expires_at timestamptz,
  add column parent_id uuid references public.user_api_tokens (id) on delete cascade;

create index user_api_tokens_parent_id_idx on public.user_api_tokens (parent_id)
  where parent_id is not null;
