// Frozen: never edit a migration that has shipped; add a new one.
export const name = '2026-11-24-0015-patient-suffix';

export const script = /* sql */ `
-- The few patients with a name suffix (Jr, III …), so a FHIR name search checks those rows
-- through this index instead of reading the whole register.
create index patients_name_suffix_idx on patients (organization_id) where name_suffix is not null and name_suffix <> '';
`;
