// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0010-fhir-clinical';

export const script = /* sql */ `
-- The Medassist row a FHIR resource of a mapped clinical type (Encounter, Observation, Condition,
-- AllergyIntolerance, MedicationStatement/Request, Immunization) is kept beside. A client may choose
-- any FHIR id (PUT, transactions); the row keeps its own uuid. See decision 0004.
alter table fhir_resources add column row_id uuid;
create unique index fhir_resources_row_idx on fhir_resources (organization_id, resource_type, row_id) where row_id is not null;
`;
