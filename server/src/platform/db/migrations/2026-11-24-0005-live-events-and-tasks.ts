// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0005-live-events-and-tasks';

export const script = /* sql */ `
-- What changed, for open screens: rows are published inside the changing transaction and
-- fanned out after commit (NOTIFY medassist_live carries the id). Kept a day for reconnects.
create table live_events (
  id bigserial primary key,
  organization_id uuid not null references organizations(id),
  topic text not null check (length(topic) between 1 and 200),
  type text not null check (length(type) between 1 and 100),
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index live_events_topic_idx on live_events (organization_id, topic, id);
create index live_events_created_at_idx on live_events (created_at);

-- The work inbox: a task owned by a person, a role pool, or both (a pool task someone claimed).
create table tasks (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  title text not null check (length(title) between 1 and 200),
  kind text not null check (kind ~ '^[a-z][a-z0-9-]{0,49}$'),
  patient_id uuid references patients(id),
  owner_staff_id uuid references staff_members(id),
  owner_pool text check (owner_pool in ('front-desk','medical-assistant','nurse','provider','biller','manager')),
  priority text not null default 'routine' check (priority in ('routine','urgent','stat')),
  status text not null default 'open' check (status in ('open','claimed','completed','cancelled')),
  due_at timestamptz,
  focus_type text,
  focus_id text,
  description text not null default '' check (length(description) <= 4000),
  created_at timestamptz not null default now(),
  created_by uuid references staff_members(id),
  claimed_by uuid references staff_members(id),
  claimed_at timestamptz,
  completed_at timestamptz,
  completed_by uuid references staff_members(id),
  cancelled_at timestamptz,
  cancelled_by uuid references staff_members(id),
  cancel_reason text,
  version integer not null default 1,
  check (owner_staff_id is not null or owner_pool is not null),
  check ((status = 'claimed') = (claimed_by is not null) or status in ('completed','cancelled'))
);
create index tasks_owner_staff_idx on tasks (organization_id, owner_staff_id) where status in ('open','claimed');
create index tasks_owner_pool_idx on tasks (organization_id, owner_pool) where status in ('open','claimed');
create index tasks_claimed_by_idx on tasks (organization_id, claimed_by) where status = 'claimed';
`;
