-- profile_functions: profiles created on first sight, credit grants, the admin role.
--
-- public.ensure_profile(p_user_id uuid, p_signup_credits integer = 100) -> public.profiles
--   creates the profile with the sign-up credits (and their ledger row) unless it exists; returns it
-- public.grant_credits(p_user_id uuid, p_amount integer, p_note text = null) -> public.profiles
--   adds (or with a negative amount removes) credits; 23514 if that would go below zero
-- public.grant_admin(p_user_id uuid, p_signup_credits integer = 100) -> public.profiles
--   makes the user an admin, creating the profile first if needed
-- All three are service only. On Supabase, a trigger on auth.users creates the profile at
-- sign-up with `gpuq.signup_credits` (a database setting) or 100.

create function public.ensure_profile(p_user_id uuid, p_signup_credits integer default 100)
returns public.profiles
language plpgsql security definer
set search_path = ''
as $$
declare
  v_profile public.profiles;
begin
  insert into public.profiles (id, credits)
  values (p_user_id, greatest(p_signup_credits, 0))
  on conflict (id) do nothing
  returning * into v_profile;
  if found then
    if v_profile.credits > 0 then
      insert into public.credit_ledger (user_id, kind, amount, balance_after, note)
      values (p_user_id, 'signup', v_profile.credits, v_profile.credits, 'sign-up credits');
    end if;
    return v_profile;
  end if;
  select * into v_profile from public.profiles where id = p_user_id;
  return v_profile;
end
$$;

create function public.grant_credits(p_user_id uuid, p_amount integer, p_note text default null)
returns public.profiles
language plpgsql security definer
set search_path = ''
as $$
declare
  v_profile public.profiles;
begin
  update public.profiles set credits = credits + p_amount where id = p_user_id returning * into v_profile;
  if not found then
    raise exception 'profile % not found', p_user_id using errcode = 'GQ008';
  end if;
  insert into public.credit_ledger (user_id, kind, amount, balance_after, note)
  values (p_user_id, 'grant', p_amount, v_profile.credits, p_note);
  return v_profile;
end
$$;

create function public.grant_admin(p_user_id uuid, p_signup_credits integer default 100)
returns public.profiles
language plpgsql security definer
set search_path = ''
as $$
declare
  v_profile public.profiles;
begin
  perform public.ensure_profile(p_user_id, p_signup_credits);
  update public.profiles set role = 'admin' where id = p_user_id returning * into v_profile;
  return v_profile;
end
$$;

create function private.handle_new_user() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform public.ensure_profile(
    new.id,
    coalesce(nullif(pg_catalog.current_setting('gpuq.signup_credits', true), '')::integer, 100)
  );
  return new;
end
$$;

create trigger gpuq_on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_user();

revoke all on function public.ensure_profile(uuid, integer) from public, anon, authenticated;
revoke all on function public.grant_credits(uuid, integer, text) from public, anon, authenticated;
revoke all on function public.grant_admin(uuid, integer) from public, anon, authenticated;
revoke all on function private.handle_new_user() from public, anon, authenticated;
grant execute on function public.ensure_profile(uuid, integer) to service_role;
grant execute on function public.grant_credits(uuid, integer, text) to service_role;
grant execute on function public.grant_admin(uuid, integer) to service_role;
