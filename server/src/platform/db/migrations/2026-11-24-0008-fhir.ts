// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0008-fhir';

export const script = /* sql */ `
-- FHIR is a mapping over Medassist's own tables. The JSON a client sent is kept beside the mapped
-- row (patient_id …) so every valid resource reads back whole; resources with no Medassist table
-- (imported outside clinicians, organizations, locations) live here only. See decision 0004.
create table fhir_resources (
  organization_id uuid not null references organizations(id),
  resource_type text not null check (resource_type ~ '^[A-Z][A-Za-z]{1,63}$'),
  id text not null check (id ~ '^[A-Za-z0-9.-]{1,64}$'),
  version_id integer not null check (version_id >= 1),
  last_updated timestamptz not null default now(),
  resource jsonb not null,
  deleted boolean not null default false,
  patient_id uuid references patients(id),
  primary key (organization_id, resource_type, id)
);
create unique index fhir_resources_patient_idx on fhir_resources (organization_id, patient_id) where patient_id is not null;
create index fhir_resources_content_idx on fhir_resources using gin (resource jsonb_path_ops);
create index fhir_resources_updated_idx on fhir_resources (organization_id, resource_type, last_updated);

-- Every version written through FHIR, for vread and _history.
create table fhir_resource_history (
  organization_id uuid not null references organizations(id),
  resource_type text not null,
  id text not null,
  version_id integer not null,
  last_updated timestamptz not null,
  resource jsonb not null,
  deleted boolean not null default false,
  primary key (organization_id, resource_type, id, version_id)
);
`;
