// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0002-patients';

export const script = /* sql */ `
create table mrn_counters (
  organization_id uuid primary key references organizations(id),
  next_value bigint not null
);

create table patients (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  mrn text not null check (length(mrn) between 1 and 32),
  given_name text not null check (length(given_name) between 1 and 100),
  middle_name text not null default '',
  family_name text not null check (length(family_name) between 1 and 100),
  name_suffix text not null default '',
  preferred_name text not null default '',
  date_of_birth date not null,
  sex_at_birth text not null check (sex_at_birth in ('female','male','unknown')),
  gender_identity text not null default '',
  pronouns text not null default '',
  address_line1 text not null default '',
  address_line2 text not null default '',
  city text not null default '',
  state text not null default '',
  postal_code text not null default '',
  mobile_phone text not null default '',
  home_phone text not null default '',
  work_phone text not null default '',
  email text not null default '',
  preferred_language text not null default 'en',
  interpreter_needed boolean not null default false,
  emergency_contact jsonb,
  guarantor jsonb,
  privacy_notice_acknowledged_at timestamptz,
  consent_to_text boolean not null default false,
  consent_to_email boolean not null default false,
  is_restricted boolean not null default false,
  restricted_staff_member_id uuid,
  status text not null default 'active' check (status in ('active','merged','inactive')),
  merged_into_patient_id uuid references patients(id),
  -- search keys, kept by the trigger below so every write path (app, FHIR, import) agrees
  search_name text not null default '',
  family_soundex text not null default '',
  family_metaphone text not null default '',
  given_soundex text not null default '',
  phone_digits text[] not null default '{}',
  version integer not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid,
  updated_at timestamptz not null default now(),
  unique (organization_id, mrn),
  unique (organization_id, id),
  check (status <> 'merged' or merged_into_patient_id is not null)
);

create function patients_search_keys() returns trigger language plpgsql as $$
begin
  new.search_name := lower(trim(regexp_replace(
    new.given_name || ' ' || new.middle_name || ' ' || new.family_name || ' ' || new.preferred_name, '\\s+', ' ', 'g')));
  new.family_soundex := soundex(new.family_name);
  new.family_metaphone := coalesce(dmetaphone(new.family_name), '');
  new.given_soundex := soundex(new.given_name);
  new.phone_digits := array_remove(array[
    nullif(right(regexp_replace(new.mobile_phone, '[^0-9]', '', 'g'), 10), ''),
    nullif(right(regexp_replace(new.home_phone, '[^0-9]', '', 'g'), 10), ''),
    nullif(right(regexp_replace(new.work_phone, '[^0-9]', '', 'g'), 10), '')], null);
  return new;
end $$;
create trigger patients_search_keys before insert or update on patients
  for each row execute function patients_search_keys();

create index patients_name_trgm_idx on patients using gin (search_name gin_trgm_ops);
create index patients_family_soundex_idx on patients (organization_id, family_soundex, given_soundex);
create index patients_family_metaphone_idx on patients (organization_id, family_metaphone);
create index patients_birth_date_idx on patients (organization_id, date_of_birth);
create index patients_phone_idx on patients using gin (phone_digits);

create table patient_photos (
  patient_id uuid primary key references patients(id),
  organization_id uuid not null references organizations(id),
  content_type text not null check (content_type in ('image/jpeg','image/png','image/webp')),
  data bytea not null,
  updated_at timestamptz not null default now()
);

create table patient_merges (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  surviving_patient_id uuid not null references patients(id),
  merged_patient_id uuid not null references patients(id) unique,
  reason text not null,
  merged_by uuid not null references staff_members(id),
  merged_at timestamptz not null default now(),
  check (surviving_patient_id <> merged_patient_id)
);
`;
