// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0016-staff-auth-notify';

export const script = /* sql */ `
-- Server processes keep recently seen staff sessions for a few seconds. Any change that could
-- narrow a session's access notifies them (at commit) to forget what they kept. Touching
-- last_seen_at, sign-in counters and the like do not.
create function notify_staff_auth_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('staff_auth_changed', '');
  return null;
end;
$$;

create trigger staff_sessions_auth_changed
  after update on staff_sessions for each row
  when (old.ended_at is distinct from new.ended_at
        or old.second_factor_passed is distinct from new.second_factor_passed
        or old.csrf_token is distinct from new.csrf_token
        or old.token_hash is distinct from new.token_hash
        or old.staff_member_id is distinct from new.staff_member_id
        or old.organization_id is distinct from new.organization_id)
  execute function notify_staff_auth_changed();
create trigger staff_sessions_auth_removed
  after delete on staff_sessions for each statement
  execute function notify_staff_auth_changed();

create trigger staff_members_auth_changed
  after update on staff_members for each row
  when (old.roles is distinct from new.roles
        or old.is_active is distinct from new.is_active
        or old.display_name is distinct from new.display_name
        or old.organization_id is distinct from new.organization_id)
  execute function notify_staff_auth_changed();
create trigger staff_members_auth_removed
  after delete on staff_members for each statement
  execute function notify_staff_auth_changed();

create trigger organization_settings_auth_changed
  after update on organization_settings for each statement
  execute function notify_staff_auth_changed();
`;
