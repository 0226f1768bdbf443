// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0009-exam-room';

const codeKey = `'^[a-z][a-z0-9-]{0,49}$'`;
const source = `source text not null default 'app' check (source in ('app','fhir','import'))`;

export const script = /* sql */ `
-- What a rooming checklist holds for each visit type; the clinic edits the rows (specialty extras
-- such as visual acuity or fundal height are rows too, marked as extras).
create table rooming_checklist_items (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  visit_type text not null check (visit_type ~ ${codeKey}),
  item_key text not null check (item_key ~ ${codeKey}),
  label text not null check (length(label) between 1 and 200),
  position integer not null default 0,
  is_specialty_extra boolean not null default false,
  is_active boolean not null default true,
  version integer not null default 1,
  unique (organization_id, visit_type, item_key)
);

-- One visit's clinical record: opened when the patient is roomed (a walk-in gets one too).
create table encounters (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  location_id uuid references locations(id),
  patient_id uuid not null references patients(id),
  appointment_id uuid unique references appointments(id),
  provider_id uuid references staff_members(id),
  visit_type text not null default 'sick-visit' check (visit_type ~ ${codeKey}),
  status text not null default 'in-progress' check (status in ('planned','in-progress','finished','cancelled','entered-in-error')),
  chief_complaint text not null default '' check (length(chief_complaint) <= 1000),
  reason_for_visit text not null default '' check (length(reason_for_visit) <= 1000),
  checklist_done text[] not null default '{}',
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  roomed_by uuid references staff_members(id),
  roomed_at timestamptz,
  ready_for_provider_by uuid references staff_members(id),
  ready_for_provider_at timestamptz,
  summary_signed_off_by uuid references staff_members(id),
  summary_signed_off_at timestamptz,
  ${source},
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ended_at is null or ended_at >= started_at)
);
create index encounters_patient_idx on encounters (organization_id, patient_id, started_at desc);

-- Every measured or reported observation, vital signs first. value/unit are canonical UCUM
-- (kg, cm, Cel, mm[Hg], /min, %, kg/m2, L/min, {score}); entered_value/entered_unit keep what the
-- MA typed (e.g. 154 [lb_av]). Blood pressure is one row (panel 85354-9) with systolic/diastolic
-- components, each carrying its own interpretation. A correction never overwrites: the old row
-- stays (status 'amended', replaced_by_id) and the new row names it in correction_of_id.
create table observations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  encounter_id uuid references encounters(id),
  vitals_set_id uuid,
  orthostatic_set_id uuid,
  category text not null default 'vital-signs' check (category in ('vital-signs','social-history','survey','laboratory','exam','imaging','procedure','therapy','activity')),
  code text not null check (length(code) between 1 and 64),
  code_system text not null default 'http://loinc.org',
  code_display text not null default '',
  value numeric,
  unit text,
  entered_value numeric,
  entered_unit text,
  components jsonb not null default '[]'::jsonb,
  interpretation text check (interpretation in ('N','L','H','LL','HH','A','AA')),
  interpretation_message text,
  is_critical boolean not null default false,
  details jsonb not null default '{}'::jsonb,
  repeat_of_id uuid references observations(id),
  effective_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  recorded_by uuid references staff_members(id),
  recorded_by_client uuid references oauth_clients(id),
  ${source},
  status text not null default 'final' check (status in ('preliminary','final','amended','corrected','entered-in-error')),
  replaced_by_id uuid references observations(id),
  correction_of_id uuid references observations(id),
  correction_reason text,
  interpretation_set_by uuid references staff_members(id),
  interpretation_reason text,
  version integer not null default 1
);
create index observations_patient_code_idx on observations (organization_id, patient_id, code, effective_at desc);
create index observations_encounter_idx on observations (encounter_id) where encounter_id is not null;
create index observations_patient_time_idx on observations (organization_id, patient_id, effective_at desc);

-- A critical reading's alert: one urgent task, acknowledged by a provider or escalated.
create table vital_alerts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  observation_id uuid not null unique references observations(id),
  encounter_id uuid references encounters(id),
  appointment_id uuid references appointments(id),
  task_id uuid not null unique references tasks(id),
  escalate_after timestamptz not null,
  escalated_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by uuid references staff_members(id),
  remeasure_observation_id uuid references observations(id),
  created_at timestamptz not null default now()
);
create index vital_alerts_due_idx on vital_alerts (escalate_after) where acknowledged_at is null and escalated_at is null;
create index vital_alerts_patient_idx on vital_alerts (organization_id, patient_id) where acknowledged_at is null;

create table allergies (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  substance_text text not null check (length(substance_text) between 1 and 200),
  substance_system text,
  substance_code text,
  category text check (category in ('medication','food','environment','biologic')),
  reaction text not null default '' check (length(reaction) <= 500),
  severity text check (severity in ('mild','moderate','severe')),
  criticality text check (criticality in ('low','high','unable-to-assess')),
  clinical_status text not null default 'active' check (clinical_status in ('active','inactive','resolved')),
  status text not null default 'active' check (status in ('active','entered-in-error')),
  onset text,
  recorded_by uuid references staff_members(id),
  recorded_at timestamptz not null default now(),
  ${source},
  version integer not null default 1,
  check ((substance_code is null) = (substance_system is null))
);
create index allergies_patient_idx on allergies (organization_id, patient_id);

-- "No known drug allergies" is a statement someone made, not the absence of rows.
create table allergy_statements (
  patient_id uuid primary key references patients(id),
  organization_id uuid not null references organizations(id),
  statement text not null check (statement in ('no-known-drug-allergies','no-known-allergies')),
  stated_by uuid references staff_members(id),
  stated_at timestamptz not null default now(),
  version integer not null default 1
);

-- The medication list is versioned as a whole: two people reconciling it at once → the second gets 409.
create table medication_lists (
  patient_id uuid primary key references patients(id),
  organization_id uuid not null references organizations(id),
  version integer not null default 1,
  last_reconciled_at timestamptz,
  last_reconciled_by uuid references staff_members(id)
);

create table medications (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  kind text not null default 'statement' check (kind in ('statement','request')),
  name text not null check (length(name) between 1 and 300),
  rxnorm_code text check (rxnorm_code ~ '^[0-9]{1,10}$'),
  dose text not null default '' check (length(dose) <= 200),
  route text not null default '' check (length(route) <= 100),
  frequency text not null default '' check (length(frequency) <= 200),
  status text not null default 'active' check (status in ('active','stopped','completed','entered-in-error')),
  reconciliation text check (reconciliation in ('taking','not-taking','changed')),
  reconciliation_note text,
  reconciled_by uuid references staff_members(id),
  reconciled_at timestamptz,
  started_on date,
  prescriber_id uuid references staff_members(id),
  recorded_by uuid references staff_members(id),
  recorded_at timestamptz not null default now(),
  ${source},
  version integer not null default 1
);
create index medications_patient_idx on medications (organization_id, patient_id);

-- The problem list: an MA records what the patient reports; only a provider confirms a diagnosis.
create table problems (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  encounter_id uuid references encounters(id),
  description text not null check (length(description) between 1 and 300),
  code_system text,
  code text,
  category text not null default 'problem-list-item' check (category in ('problem-list-item','encounter-diagnosis','health-concern')),
  verification text not null default 'patient-reported' check (verification in ('patient-reported','confirmed','refuted','entered-in-error')),
  clinical_status text not null default 'active' check (clinical_status in ('active','recurrence','relapse','inactive','remission','resolved')),
  onset text,
  abatement text,
  reported_by uuid references staff_members(id),
  reported_at timestamptz not null default now(),
  confirmed_by uuid references staff_members(id),
  confirmed_at timestamptz,
  ${source},
  version integer not null default 1,
  check ((code is null) = (code_system is null)),
  check (verification <> 'confirmed' or confirmed_at is not null or source <> 'app')
);
create index problems_patient_idx on problems (organization_id, patient_id);

-- Past medical and surgical history, family history and other social history, one row each.
create table history_entries (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  kind text not null check (kind in ('past-medical','past-surgical','family','social')),
  description text not null check (length(description) between 1 and 500),
  code_system text,
  code text,
  relation text,
  occurred text,
  details jsonb not null default '{}'::jsonb,
  status text not null default 'active' check (status in ('active','entered-in-error')),
  recorded_by uuid references staff_members(id),
  recorded_at timestamptz not null default now(),
  version integer not null default 1
);
create index history_entries_patient_idx on history_entries (organization_id, patient_id, kind);

-- Tobacco (with pack-years) and alcohol, current answers per patient.
create table social_histories (
  patient_id uuid primary key references patients(id),
  organization_id uuid not null references organizations(id),
  tobacco_status text check (tobacco_status in ('current','former','never')),
  packs_per_day numeric,
  years_smoked numeric,
  pack_years numeric,
  quit_year integer,
  alcohol_drinks_per_week numeric,
  notes text not null default '',
  recorded_by uuid references staff_members(id),
  recorded_at timestamptz not null default now(),
  version integer not null default 1
);

-- Immunizations: historical ones (primary_source false, lot optional) and, later, those given here.
create table immunizations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  encounter_id uuid references encounters(id),
  cvx_code text not null check (cvx_code ~ '^[0-9]{1,3}$'),
  vaccine_name text not null default '',
  occurred text not null,
  status text not null default 'completed' check (status in ('completed','not-done','entered-in-error')),
  is_primary_source boolean not null default false,
  information_source text,
  lot_number text,
  manufacturer_mvx text,
  expiration_date date,
  site text,
  route text,
  dose_quantity numeric,
  administered_by uuid references staff_members(id),
  recorded_by uuid references staff_members(id),
  recorded_at timestamptz not null default now(),
  ${source},
  version integer not null default 1
);
create index immunizations_patient_idx on immunizations (organization_id, patient_id, occurred);

create table screenings (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  patient_id uuid not null references patients(id),
  encounter_id uuid references encounters(id),
  instrument text not null check (instrument in ('phq-2','phq-9','gad-7','audit-c','fall-risk','tobacco')),
  answers jsonb not null,
  total numeric,
  band text,
  is_positive boolean not null,
  needs_urgent_follow_up boolean not null default false,
  task_id uuid references tasks(id),
  recorded_by uuid references staff_members(id),
  recorded_at timestamptz not null default now(),
  version integer not null default 1
);
create index screenings_patient_idx on screenings (organization_id, patient_id, recorded_at desc);

-- After-visit instruction templates the clinic edits, by diagnosis or procedure, per language.
create table after_visit_templates (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  kind text not null check (kind in ('diagnosis','procedure','general')),
  key text not null check (length(key) between 1 and 64),
  language text not null check (language in ('en','es')),
  title text not null check (length(title) between 1 and 200),
  body text not null check (length(body) between 1 and 20000),
  is_active boolean not null default true,
  updated_by uuid references staff_members(id),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  unique (organization_id, kind, key, language)
);

create table after_visit_summaries (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  encounter_id uuid not null references encounters(id),
  patient_id uuid not null references patients(id),
  language text not null check (language in ('en','es')),
  template_ids uuid[] not null default '{}',
  instructions text not null default '',
  delivered_by text not null check (delivered_by in ('print','outbox')),
  message_id uuid,
  created_by uuid references staff_members(id),
  created_at timestamptz not null default now()
);
create index after_visit_summaries_encounter_idx on after_visit_summaries (encounter_id);

alter table organization_settings add column critical_alert_escalate_minutes integer not null default 5 check (critical_alert_escalate_minutes between 1 and 120);
-- null: the defaults of DOMAIN.md §1.3-1.6 (server/src/exam-room/vitals/thresholds.ts)
alter table organization_settings add column vital_thresholds jsonb;
`;
