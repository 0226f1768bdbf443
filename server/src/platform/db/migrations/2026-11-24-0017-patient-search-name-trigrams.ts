// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0017-patient-search-name-trigrams';

export const script = /* sql */ `
-- A FHIR Patient search by name pre-filters the register with search_name like '%value%' (see
-- patient.resource.ts). Migration 0003 dropped the trigram index that made that an index lookup,
-- so every such search read the clinic's whole register (twice). The app's own name search still
-- uses the word vocabulary of 0003; this index serves the FHIR filter, which must match any part
-- of any name (middle and preferred names included) and :contains.
create index patients_search_name_trgm_idx on patients using gin (search_name gin_trgm_ops) with (fastupdate = off);
`;
