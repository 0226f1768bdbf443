// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0006-reminders';

export const script = /* sql */ `
-- The wording of patient messages, per clinic, channel and language. Placeholders in braces:
-- {patientFirstName} {date} {time} {providerName} {clinicName} {confirmUrl}.
create table message_templates (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  kind text not null check (kind in ('appointment-reminder')),
  channel text not null check (channel in ('sms','email')),
  language text not null check (language in ('en','es')),
  subject text not null default '',
  body text not null check (length(body) between 1 and 4000),
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  unique (organization_id, kind, channel, language)
);

-- The outbox of patient messages. A row is written in the same transaction as the booking that
-- causes it; the reminder worker delivers due rows (FOR UPDATE SKIP LOCKED) and records the outcome.
create table patient_messages (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  appointment_id uuid references appointments(id),
  patient_id uuid not null references patients(id),
  kind text not null default 'appointment-reminder' check (kind in ('appointment-reminder')),
  channel text not null check (channel in ('sms','email')),
  language text not null check (language in ('en','es')),
  recipient text,
  subject text not null default '',
  body text not null default '',
  scheduled_for timestamptz not null,
  status text not null default 'scheduled' check (status in ('scheduled','sent','failed','cancelled','skipped-no-consent')),
  attempts integer not null default 0,
  sent_at timestamptz,
  error text,
  transport text check (transport in ('smtp','dev-sink')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index patient_messages_due_idx on patient_messages (scheduled_for) where status = 'scheduled';
create index patient_messages_appointment_idx on patient_messages (appointment_id);
create index patient_messages_org_idx on patient_messages (organization_id, scheduled_for);

-- One-time links in reminders: only the SHA-256 of the token is kept.
create table appointment_confirmation_tokens (
  token_hash text primary key,
  organization_id uuid not null references organizations(id),
  appointment_id uuid not null references appointments(id),
  patient_message_id uuid references patient_messages(id),
  expires_at timestamptz not null,
  used_at timestamptz,
  action text check (action in ('confirm','cancel')),
  created_at timestamptz not null default now(),
  check ((used_at is null) = (action is null))
);
create index appointment_confirmation_tokens_appointment_idx on appointment_confirmation_tokens (appointment_id);

-- When reminders go out, in minutes before the start: 48 h and 2 h unless the clinic changes it.
alter table organization_settings add column reminder_offsets_minutes integer[] not null default array[2880, 120]
  check (cardinality(reminder_offsets_minutes) between 0 and 5);
alter table organization_settings add column confirmation_link_valid_hours integer not null default 168
  check (confirmation_link_valid_hours between 1 and 720);
`;
