-- credit_ledger: one row per credit movement, so a balance can always be explained.
--
-- kind         amount            when
-- signup       +credits          a profile is created
-- grant        +/- any           an operator adjusts a balance
-- reservation  -cost             a task is created (same transaction as the balance change)
-- settlement   0                 the task completed: the reservation becomes a charge
-- refund       +cost             the task failed or was cancelled
-- A task has at most one reservation and at most one settlement-or-refund (unique indexes), so a
-- repeated Complete or Failed never moves credits twice. balance_after is the profile's balance
-- right after the movement. Service only.

create table public.credit_ledger (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  task_id uuid references public.tasks (id) on delete set null,
  kind text not null check (kind in ('signup', 'grant', 'reservation', 'settlement', 'refund')),
  amount integer not null,
  balance_after integer not null,
  note text,
  created_at timestamptz not null default now()
);

create index credit_ledger_user_id_idx on public.credit_ledger (user_id, created_at);
create index credit_ledger_task_id_idx on public.credit_ledger (task_id);
create unique index credit_ledger_one_reservation_per_task
  on public.credit_ledger (task_id) where kind = 'reservation';
create unique index credit_ledger_one_outcome_per_task
  on public.credit_ledger (task_id) where kind in ('settlement', 'refund');

alter table public.credit_ledger enable row level security;

revoke all on table public.credit_ledger from anon, authenticated;
revoke all on sequence public.credit_ledger_id_seq from anon, authenticated;
grant all on table public.credit_ledger to service_role;
