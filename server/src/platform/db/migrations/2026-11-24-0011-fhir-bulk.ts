// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0011-fhir-bulk';

export const script = /* sql */ `
-- FHIR bulk work done in the background: Bulk Data $export jobs and admin-screen imports. The job
-- row is the truth every server process reads (status polling may reach another cluster worker).
create table fhir_bulk_jobs (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations(id),
  kind text not null check (kind in ('export', 'import')),
  status text not null check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  requested_by_kind text not null check (requested_by_kind in ('staff', 'client')),
  requested_by_id uuid not null,
  request_url text not null default '',
  parameters jsonb not null default '{}',
  progress jsonb not null default '{}',
  result jsonb,
  error text,
  transaction_time timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index fhir_bulk_jobs_org_idx on fhir_bulk_jobs (organization_id, kind, created_at);

-- Export output: NDJSON files, one row each (kept in the database so any server process serves them).
create table fhir_bulk_files (
  job_id uuid not null references fhir_bulk_jobs(id) on delete cascade,
  file_number integer not null,
  resource_type text not null,
  resource_count integer not null,
  content text not null,
  primary key (job_id, file_number)
);
`;
