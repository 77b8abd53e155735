-- per_second_settlement: a task of a registered per_second type (task_types.billing_type) pays for
-- the time it actually ran, as the reference frontend bills it (banodoco/Reigh,
-- supabase/functions/calculate-task-cost: base_cost_per_second x max(1, ceil(seconds from
-- generation_started_at to generation_processed_at))). gpuq reserved ceil(rate x reserve_seconds)
-- at create time; at completion the charge becomes ceil(rate x run seconds), never more than the
-- reservation (the most the owner agreed to pay), and the rest goes back to the owner.
--
-- private.settle_outcome(p_task public.tasks, p_kind text) -> void, as before, except that a
-- 'settlement' of such a task credits back (cost - charge) and its ledger row carries that amount
-- (positive) with a note naming the seconds and the rate. Built-in types (priced by code, run on
-- our fleet), per_unit types, tasks without both timestamps and tasks that reserved nothing settle
-- as before (amount 0). The billing clock is generation_started_at: set at the claim, restarted by
-- update-task-status `reset_generation_started_at`.
--
-- credit_ledger kinds, amended: settlement  0 or +returned  the task completed; a per_second task
-- gets back what its run did not use.

create or replace function private.settle_outcome(p_task public.tasks, p_kind text) returns void
language plpgsql
set search_path = ''
as $$
declare
  v_amount integer := case when p_kind = 'refund' then p_task.cost else 0 end;
  v_balance integer;
  v_rate numeric;
  v_seconds integer;
  v_note text;
begin
  -- The caller holds the task's row lock, so this check and the write below cannot interleave
  -- with another outcome for the same task; the unique index is the backstop.
  if p_task.cost = 0 or exists (
    select 1 from public.credit_ledger l
    where l.task_id = p_task.id and l.kind in ('settlement', 'refund')
  ) then
    return;
  end if;
  if p_kind = 'settlement' and p_task.generation_started_at is not null
     and p_task.generation_processed_at is not null then
    select t.base_cost_per_second into v_rate
    from public.task_types t
    where t.name = p_task.task_type and t.billing_type = 'per_second' and not t.built_in;
    if v_rate is not null then
      v_seconds := greatest(1, pg_catalog.ceil(extract(epoch from
        p_task.generation_processed_at - p_task.generation_started_at))::integer);
      v_amount := p_task.cost - least(p_task.cost, pg_catalog.ceil(v_rate * v_seconds)::integer);
      v_note := pg_catalog.format('ran %s s at %s per second', v_seconds, v_rate);
    end if;
  end if;
  update public.profiles set credits = credits + v_amount where id = p_task.user_id
  returning credits into v_balance;
  insert into public.credit_ledger (user_id, task_id, kind, amount, balance_after, note)
  values (p_task.user_id, p_task.id, p_kind, v_amount, v_balance, v_note);
end
$$;

revoke all on function private.settle_outcome(public.tasks, text) from public, anon, authenticated;
