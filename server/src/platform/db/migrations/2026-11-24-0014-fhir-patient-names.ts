// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0014-fhir-patient-names';

export const script = /* sql */ `
-- FHIR Patient searches by name narrow the Patients sent through FHIR by a trigram match on their
-- name elements (as JSON text) before the exact per-part comparison, instead of reading every one.
create index fhir_resources_patient_names_idx on fhir_resources
  using gin (lower((resource->'name')::text) gin_trgm_ops) where resource_type = 'Patient';
`;
