// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0001-platform';

export const script = /* sql */ `
create extension if not exists pg_trgm;
create extension if not exists fuzzystrmatch;
create extension if not exists btree_gist;

create table organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);

create table organization_settings (
  organization_id uuid primary key references organizations(id),
  inactivity_timeout_minutes integer not null default 15 check (inactivity_timeout_minutes between 1 and 720),
  lockout_threshold integer not null default 5 check (lockout_threshold between 1 and 100),
  lockout_minutes integer not null default 15 check (lockout_minutes between 1 and 1440),
  second_factor_required_roles text[] not null default '{}',
  version integer not null default 1,
  updated_at timestamptz not null default now()
);

create table locations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  name text not null,
  address_line1 text not null default '',
  address_line2 text not null default '',
  city text not null default '',
  state text not null default '',
  postal_code text not null default '',
  phone text not null default '',
  time_zone text not null,
  opening_hours jsonb not null default '[]',
  is_active boolean not null default true,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  unique (organization_id, id)
);

create table exam_rooms (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  location_id uuid not null,
  name text not null,
  display_order integer not null default 0,
  is_active boolean not null default true,
  version integer not null default 1,
  foreign key (organization_id, location_id) references locations(organization_id, id),
  unique (location_id, name)
);

create table staff_members (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  username text not null check (username = lower(username) and length(username) between 2 and 64),
  display_name text not null,
  credentials text not null default '',
  roles text[] not null check (cardinality(roles) > 0 and roles <@ array['front-desk','medical-assistant','nurse','provider','biller','manager','admin']::text[]),
  password_hash text not null,
  totp_secret text,
  totp_enabled boolean not null default false,
  failed_sign_in_count integer not null default 0,
  locked_until timestamptz,
  home_location_id uuid,
  npi text,
  is_active boolean not null default true,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  unique (username),
  unique (organization_id, id)
);

create table staff_sessions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  staff_member_id uuid not null references staff_members(id),
  token_hash text not null unique,
  csrf_token text not null,
  second_factor_passed boolean not null,
  client_address text not null default '',
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  ended_at timestamptz,
  end_reason text
);
create index staff_sessions_staff_idx on staff_sessions (staff_member_id);

create table oauth_clients (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  client_id text not null unique,
  secret_hash text not null,
  name text not null,
  roles text[] not null check (roles <@ array['integration']::text[]),
  allowed_scopes text[] not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);

create table access_tokens (
  token_hash text primary key,
  organization_id uuid not null references organizations(id),
  oauth_client_id uuid not null references oauth_clients(id),
  scopes text[] not null,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index access_tokens_expiry_idx on access_tokens (expires_at);

-- Audit trail. Entries are written unchained in the request's own transaction (content_hash set);
-- the sealer links them in order (chain_position, previous_hash, entry_hash) in batches.
create table audit_events (
  id bigserial primary key,
  organization_id uuid references organizations(id),
  occurred_at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('staff','client','anonymous','system')),
  actor_id uuid,
  actor_name text not null default '',
  actor_roles text[] not null default '{}',
  action text not null,
  outcome text not null check (outcome in ('success','refused','failure')),
  record_type text,
  record_id text,
  patient_id uuid,
  client_address text not null default '',
  reason text,
  request_id text,
  details jsonb not null default '{}',
  content_hash text not null,
  chain_position bigint unique,
  previous_hash text,
  entry_hash text
);
create index audit_events_unsealed_idx on audit_events (id) where chain_position is null;
create index audit_events_patient_idx on audit_events (organization_id, patient_id, occurred_at);
create index audit_events_actor_idx on audit_events (organization_id, actor_id, occurred_at);
create index audit_events_time_idx on audit_events (organization_id, occurred_at);

-- Append-only: content never changes; the sealer may only fill the chain columns once.
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'audit_events is append-only';
  end if;
  if old.chain_position is not null
     or new.content_hash is distinct from old.content_hash
     or new.occurred_at is distinct from old.occurred_at
     or new.action is distinct from old.action
     or new.actor_id is distinct from old.actor_id
     or new.patient_id is distinct from old.patient_id
     or new.record_id is distinct from old.record_id
     or new.reason is distinct from old.reason
     or new.details is distinct from old.details then
    raise exception 'audit_events is append-only';
  end if;
  return new;
end $$;
create trigger audit_events_append_only before update or delete on audit_events
  for each row execute function audit_events_append_only();

create table audit_chain_head (
  singleton boolean primary key default true check (singleton),
  last_position bigint not null default 0,
  last_hash text not null
);
insert into audit_chain_head (singleton, last_position, last_hash)
  values (true, 0, '0000000000000000000000000000000000000000000000000000000000000000');

create table disclosures (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null,
  disclosed_at timestamptz not null,
  recipient text not null,
  description text not null,
  purpose text not null,
  recorded_by uuid not null references staff_members(id),
  created_at timestamptz not null default now()
);
create index disclosures_patient_idx on disclosures (organization_id, patient_id, disclosed_at);

create table manager_alerts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  kind text not null,
  message text not null,
  patient_id uuid,
  staff_member_id uuid,
  created_at timestamptz not null default now(),
  acknowledged_at timestamptz,
  acknowledged_by uuid
);
create index manager_alerts_open_idx on manager_alerts (organization_id, created_at) where acknowledged_at is null;
`;
