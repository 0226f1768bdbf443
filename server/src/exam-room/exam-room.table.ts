import type { ColumnType, Generated } from 'kysely';

// Table types of the exam room's tables (migration 0009). Sub-areas (encounters, vitals,
// histories, screenings, after-visit) share them: one migration created them together.

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;
type Source = 'app' | 'fhir' | 'import';

export const encounterStatuses = ['planned', 'in-progress', 'finished', 'cancelled', 'entered-in-error'] as const;
export type EncounterStatus = (typeof encounterStatuses)[number];

export interface RoomingChecklistItemsTable {
  id: Generated<string>;
  organizationId: string;
  visitType: string;
  itemKey: string;
  label: string;
  position: Generated<number>;
  isSpecialtyExtra: Generated<boolean>;
  isActive: Generated<boolean>;
  version: Generated<number>;
}

export interface EncountersTable {
  id: Generated<string>;
  organizationId: string;
  locationId: string | null;
  patientId: string;
  appointmentId: string | null;
  providerId: string | null;
  visitType: Generated<string>;
  status: Generated<EncounterStatus>;
  chiefComplaint: Generated<string>;
  reasonForVisit: Generated<string>;
  checklistDone: Generated<string[]>;
  startedAt: Timestamp;
  endedAt: Date | null;
  roomedBy: string | null;
  roomedAt: Date | null;
  readyForProviderBy: string | null;
  readyForProviderAt: Date | null;
  summarySignedOffBy: string | null;
  summarySignedOffAt: Date | null;
  source: Generated<Source>;
  version: Generated<number>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
  updatedAt: Timestamp;
}

export const observationCategories = ['vital-signs', 'social-history', 'survey', 'laboratory', 'exam', 'imaging', 'procedure', 'therapy', 'activity'] as const;
export type ObservationCategory = (typeof observationCategories)[number];
export type InterpretationCode = 'N' | 'L' | 'H' | 'LL' | 'HH' | 'A' | 'AA';
export type ObservationStatus = 'preliminary' | 'final' | 'amended' | 'corrected' | 'entered-in-error';

/** A component of an observation (a blood pressure's systolic and diastolic, a pulse oximetry's O2 flow). */
export interface ObservationComponent {
  code: string;
  display: string;
  value: number | null;
  unit: string | null;
  interpretation: InterpretationCode | null;
  interpretationMessage?: string | null;
}

export interface ObservationsTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  vitalsSetId: string | null;
  orthostaticSetId: string | null;
  category: Generated<ObservationCategory>;
  code: string;
  codeSystem: Generated<string>;
  codeDisplay: Generated<string>;
  value: number | null;
  unit: string | null;
  enteredValue: number | null;
  enteredUnit: string | null;
  components: Json<ObservationComponent[]>;
  interpretation: InterpretationCode | null;
  interpretationMessage: string | null;
  isCritical: Generated<boolean>;
  /** Method and context: position, arm, cuffSize, route, oxygen { flowLitresPerMinute }, orthostaticPosition, device. */
  details: Json<Record<string, unknown>>;
  repeatOfId: string | null;
  effectiveAt: Date | string;
  recordedAt: Timestamp;
  recordedBy: string | null;
  recordedByClient: string | null;
  source: Generated<Source>;
  status: Generated<ObservationStatus>;
  replacedById: string | null;
  correctionOfId: string | null;
  correctionReason: string | null;
  interpretationSetBy: string | null;
  interpretationReason: string | null;
  version: Generated<number>;
}

export interface VitalAlertsTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  observationId: string;
  encounterId: string | null;
  appointmentId: string | null;
  taskId: string;
  escalateAfter: Date | string;
  escalatedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  remeasureObservationId: string | null;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
}

export interface AllergiesTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  substanceText: string;
  substanceSystem: string | null;
  substanceCode: string | null;
  category: 'medication' | 'food' | 'environment' | 'biologic' | null;
  reaction: Generated<string>;
  severity: 'mild' | 'moderate' | 'severe' | null;
  criticality: 'low' | 'high' | 'unable-to-assess' | null;
  clinicalStatus: Generated<'active' | 'inactive' | 'resolved'>;
  status: Generated<'active' | 'entered-in-error'>;
  onset: string | null;
  recordedBy: string | null;
  recordedAt: Timestamp;
  source: Generated<Source>;
  version: Generated<number>;
}

export interface AllergyStatementsTable {
  patientId: string;
  organizationId: string;
  statement: 'no-known-drug-allergies' | 'no-known-allergies';
  statedBy: string | null;
  statedAt: Timestamp;
  version: Generated<number>;
}

export interface MedicationListsTable {
  patientId: string;
  organizationId: string;
  version: Generated<number>;
  lastReconciledAt: Date | null;
  lastReconciledBy: string | null;
}

export type MedicationReconciliation = 'taking' | 'not-taking' | 'changed';

export interface MedicationsTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  kind: Generated<'statement' | 'request'>;
  name: string;
  rxnormCode: string | null;
  dose: Generated<string>;
  route: Generated<string>;
  frequency: Generated<string>;
  status: Generated<'active' | 'stopped' | 'completed' | 'entered-in-error'>;
  reconciliation: MedicationReconciliation | null;
  reconciliationNote: string | null;
  reconciledBy: string | null;
  reconciledAt: Date | null;
  startedOn: string | null;
  prescriberId: string | null;
  recordedBy: string | null;
  recordedAt: Timestamp;
  source: Generated<Source>;
  version: Generated<number>;
}

export type ProblemVerification = 'patient-reported' | 'confirmed' | 'refuted' | 'entered-in-error';

export interface ProblemsTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  description: string;
  codeSystem: string | null;
  code: string | null;
  category: Generated<'problem-list-item' | 'encounter-diagnosis' | 'health-concern'>;
  verification: Generated<ProblemVerification>;
  clinicalStatus: Generated<'active' | 'recurrence' | 'relapse' | 'inactive' | 'remission' | 'resolved'>;
  onset: string | null;
  abatement: string | null;
  reportedBy: string | null;
  reportedAt: Timestamp;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  source: Generated<Source>;
  version: Generated<number>;
}

export type HistoryKind = 'past-medical' | 'past-surgical' | 'family' | 'social';

export interface HistoryEntriesTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  kind: HistoryKind;
  description: string;
  codeSystem: string | null;
  code: string | null;
  relation: string | null;
  occurred: string | null;
  details: Json<Record<string, unknown>>;
  status: Generated<'active' | 'entered-in-error'>;
  recordedBy: string | null;
  recordedAt: Timestamp;
  version: Generated<number>;
}

export interface SocialHistoriesTable {
  patientId: string;
  organizationId: string;
  tobaccoStatus: 'current' | 'former' | 'never' | null;
  packsPerDay: number | null;
  yearsSmoked: number | null;
  packYears: number | null;
  quitYear: number | null;
  alcoholDrinksPerWeek: number | null;
  notes: Generated<string>;
  recordedBy: string | null;
  recordedAt: Timestamp;
  version: Generated<number>;
}

export interface ImmunizationsTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  cvxCode: string;
  vaccineName: Generated<string>;
  /** FHIR date or dateTime text (historical records are often only a year or a month). */
  occurred: string;
  status: Generated<'completed' | 'not-done' | 'entered-in-error'>;
  isPrimarySource: Generated<boolean>;
  informationSource: string | null;
  lotNumber: string | null;
  manufacturerMvx: string | null;
  expirationDate: string | null;
  site: string | null;
  route: string | null;
  doseQuantity: number | null;
  administeredBy: string | null;
  recordedBy: string | null;
  recordedAt: Timestamp;
  source: Generated<Source>;
  version: Generated<number>;
}

export type ScreeningInstrument = 'phq-2' | 'phq-9' | 'gad-7' | 'audit-c' | 'fall-risk' | 'tobacco';

export interface ScreeningsTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  encounterId: string | null;
  instrument: ScreeningInstrument;
  answers: Json<unknown>;
  total: number | null;
  band: string | null;
  isPositive: boolean;
  needsUrgentFollowUp: Generated<boolean>;
  taskId: string | null;
  recordedBy: string | null;
  recordedAt: Timestamp;
  version: Generated<number>;
}

export interface AfterVisitTemplatesTable {
  id: Generated<string>;
  organizationId: string;
  kind: 'diagnosis' | 'procedure' | 'general';
  key: string;
  language: 'en' | 'es';
  title: string;
  body: string;
  isActive: Generated<boolean>;
  updatedBy: string | null;
  updatedAt: Timestamp;
  version: Generated<number>;
}

export interface AfterVisitSummariesTable {
  id: Generated<string>;
  organizationId: string;
  encounterId: string;
  patientId: string;
  language: 'en' | 'es';
  templateIds: Generated<string[]>;
  instructions: Generated<string>;
  deliveredBy: 'print' | 'outbox';
  messageId: string | null;
  createdBy: string | null;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
}
