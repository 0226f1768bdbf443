// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0004-scheduling-and-flow';

// Appointment states that still hold their time: everything but these three.
const released = `('cancelled','no-show','entered-in-error')`;

export const script = /* sql */ `
create table appointment_types (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  name text not null check (length(name) between 1 and 100),
  duration_minutes integer not null check (duration_minutes between 5 and 480),
  is_new_patient boolean not null default false,
  is_telehealth boolean not null default false,
  -- HL7 v2 table 0276, as FHIR Appointment.appointmentType uses it
  visit_kind text not null default 'ROUTINE' check (visit_kind in ('CHECKUP','EMERGENCY','FOLLOWUP','ROUTINE','WALKIN')),
  color text not null default '#1c7ed6' check (color ~ '^#[0-9a-fA-F]{6}$'),
  bookable_by_roles text[] not null default array['front-desk','medical-assistant','nurse','manager','integration'],
  is_active boolean not null default true,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  unique (organization_id, name),
  unique (organization_id, id)
);

-- A provider's weekly block at a location, in the location's local time: which appointment
-- types fit and in what slot length ("Mon 8-12: 20-minute follow-ups").
create table schedule_templates (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  location_id uuid not null references locations(id),
  provider_id uuid not null references staff_members(id),
  weekday smallint not null check (weekday between 0 and 6),
  starts_at_local time not null,
  ends_at_local time not null,
  slot_minutes integer not null check (slot_minutes between 5 and 240),
  appointment_type_ids uuid[] not null check (cardinality(appointment_type_ids) > 0),
  label text not null default '',
  is_same_day_hold boolean not null default false,
  effective_from date not null,
  effective_until date,
  version integer not null default 1,
  check (ends_at_local > starts_at_local),
  check (effective_until is null or effective_until >= effective_from)
);
create index schedule_templates_provider_idx on schedule_templates (organization_id, provider_id, weekday);
create index schedule_templates_location_idx on schedule_templates (organization_id, location_id, weekday);

-- Time out of a template: a provider's vacation or meeting, or (provider_id null) a clinic closure.
create table schedule_exceptions (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  location_id uuid references locations(id),
  provider_id uuid references staff_members(id),
  kind text not null check (kind in ('vacation','meeting','closure','other')),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null default '',
  created_by uuid references staff_members(id),
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index schedule_exceptions_time_idx on schedule_exceptions using gist (organization_id, tstzrange(starts_at, ends_at, '[)'));

create table appointment_series (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  frequency text not null check (frequency in ('daily','weekly','monthly')),
  interval_count integer not null default 1 check (interval_count between 1 and 52),
  occurrences integer not null check (occurrences between 2 and 52),
  created_by uuid references staff_members(id),
  created_at timestamptz not null default now()
);

-- One appointment is one visit: booking, arrival and the patient's path through the clinic.
-- The exclusion constraints make double-booking impossible in the database itself: any overlap
-- of time ranges for the same provider, patient or booked room, unless it is an explicit overbook
-- (provider and room only; a patient is never in two places).
create table appointments (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  location_id uuid not null references locations(id),
  patient_id uuid not null references patients(id),
  provider_id uuid not null references staff_members(id),
  room_id uuid references exam_rooms(id),
  appointment_type_id uuid references appointment_types(id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  status text not null default 'scheduled' check (status in (
    'scheduled','arrived','roomed','ready-for-provider','with-provider','checkout','done',
    'no-show','cancelled','left-without-being-seen','entered-in-error')),
  status_changed_at timestamptz not null default now(),
  reason_for_visit text not null default '',
  is_overbook boolean not null default false,
  overbook_reason text,
  is_outside_template boolean not null default false,
  is_walk_in boolean not null default false,
  telehealth_join_url text,
  series_id uuid references appointment_series(id),
  rescheduled_from_id uuid references appointments(id),
  cancellation_reason text,
  cancellation_note text,
  -- where the patient is now, once roomed (the booked room_id above is for rooms reserved ahead)
  current_room_id uuid references exam_rooms(id),
  medical_assistant_id uuid references staff_members(id),
  follow_up_of_id uuid references appointments(id),
  source text not null default 'app' check (source in ('app','fhir','walk-in','waitlist','follow-up','series')),
  booked_by uuid references staff_members(id),
  booked_by_client uuid references oauth_clients(id),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at > starts_at),
  check (not is_overbook or coalesce(length(overbook_reason), 0) > 0),
  constraint appointments_provider_overlap exclude using gist (
    provider_id with =, tstzrange(starts_at, ends_at, '[)') with &&
  ) where (status not in ${released} and not is_overbook),
  constraint appointments_patient_overlap exclude using gist (
    patient_id with =, tstzrange(starts_at, ends_at, '[)') with &&
  ) where (status not in ${released}),
  constraint appointments_room_overlap exclude using gist (
    room_id with =, tstzrange(starts_at, ends_at, '[)') with &&
  ) where (room_id is not null and status not in ${released} and not is_overbook)
);
create index appointments_day_idx on appointments (organization_id, location_id, starts_at);
create index appointments_provider_idx on appointments (organization_id, provider_id, starts_at);
create index appointments_patient_idx on appointments (organization_id, patient_id, starts_at);

-- Every status transition, timestamped: door-to-room, cycle time and the like come from here.
create table appointment_status_changes (
  id bigserial primary key,
  organization_id uuid not null references organizations(id),
  appointment_id uuid not null references appointments(id),
  from_status text,
  to_status text not null,
  changed_at timestamptz not null default now(),
  changed_by uuid references staff_members(id),
  changed_by_client uuid references oauth_clients(id),
  room_id uuid references exam_rooms(id),
  note text
);
create index appointment_status_changes_appointment_idx on appointment_status_changes (appointment_id, id);

create table check_ins (
  appointment_id uuid primary key references appointments(id),
  organization_id uuid not null references organizations(id),
  arrived_at timestamptz not null,
  demographics_verified_at timestamptz,
  demographics_verified_by uuid references staff_members(id),
  insurance_card_verified_at timestamptz,
  insurance_card_verified_by uuid references staff_members(id),
  intake_status text not null default 'not-started' check (intake_status in ('not-started','sent','in-progress','complete')),
  version integer not null default 1
);

create table copay_payments (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  appointment_id uuid not null references appointments(id),
  patient_id uuid not null references patients(id),
  amount_cents integer not null check (amount_cents > 0 and amount_cents <= 10000000),
  method text not null check (method in ('cash','card','check')),
  receipt_number text not null,
  collected_by uuid not null references staff_members(id),
  collected_at timestamptz not null default now(),
  unique (organization_id, receipt_number)
);
create index copay_payments_appointment_idx on copay_payments (appointment_id);

create table waitlist_entries (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  location_id uuid not null references locations(id),
  patient_id uuid not null references patients(id),
  provider_id uuid references staff_members(id),
  appointment_type_id uuid not null references appointment_types(id),
  earliest_date date not null,
  latest_date date not null,
  notes text not null default '',
  status text not null default 'waiting' check (status in ('waiting','offered','booked','removed')),
  offered_starts_at timestamptz,
  offered_provider_id uuid references staff_members(id),
  offered_at timestamptz,
  booked_appointment_id uuid references appointments(id),
  created_by uuid references staff_members(id),
  created_at timestamptz not null default now(),
  version integer not null default 1,
  check (latest_date >= earliest_date)
);
create index waitlist_entries_open_idx on waitlist_entries (organization_id, location_id, created_at) where status = 'waiting';

alter table exam_rooms add column state text not null default 'ready' check (state in ('ready','occupied','needs-cleaning','out-of-service'));
alter table exam_rooms add column current_appointment_id uuid references appointments(id);
alter table exam_rooms add column state_changed_at timestamptz not null default now();

alter table organization_settings add column no_show_after_minutes integer not null default 15 check (no_show_after_minutes between 1 and 240);
alter table organization_settings add column flow_amber_minutes integer not null default 15 check (flow_amber_minutes between 1 and 240);
alter table organization_settings add column flow_red_minutes integer not null default 30 check (flow_red_minutes between 1 and 480);
`;
