// The histories sub-area's public surface: its routes, and plain functions the FHIR mapping and
// imports call to write the same rows from FHIR resources (FHIR-neutral inputs, `{ source }`).
export { historiesRoutes } from './histories.routes.js';
export { recordAllergy, stateNoKnownAllergies, markAllergyEnteredInError, findAllergyList, loadAllergyBanner, type RecordAllergyInput, type AllergyBanner } from './allergies.js';
export { recordMedication, reconcileMedications, getMedicationList, type MedicationInput, type ReconciliationItem } from './medications.js';
export { recordProblem, confirmDiagnosis, findProblems, type RecordProblemInput, type ConfirmDiagnosisInput } from './problems.js';
export { recordHistoryEntry, findHistoryEntries, type HistoryEntryInput } from './history-entries.js';
export { saveSocialHistory, getSocialHistory, type SocialHistoryInput } from './social-history.js';
export { recordImmunization, findImmunizations, cvxVaccineName, type ImmunizationInput } from './immunizations.js';
export type { HistoryContext, WriteOptions } from './history-context.js';
export { parseInput } from './validate-input.js';
