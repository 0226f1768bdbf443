import type { Kysely } from 'kysely';
import type { Database } from '../src/platform/db/schema.js';
import type { InterpretationCode, ObservationComponent } from '../src/exam-room/exam-room.table.js';

// Clinical rows inserted directly, for tests of screens that read what other sub-areas record
// (vitals, allergies, medications, screenings have their own routes and tests).

interface Owner {
  organizationId: string;
  patientId: string;
}

export const loinc = {
  bloodPressure: '85354-9',
  systolic: '8480-6',
  diastolic: '8462-4',
  weight: '29463-7',
  height: '8302-2',
  pulse: '8867-4',
  temperature: '8310-5',
  spo2: '59408-5',
  bmi: '39156-5',
} as const;

export async function insertObservation(
  db: Kysely<Database>,
  owner: Owner,
  input: {
    encounterId?: string | null;
    code: string;
    display?: string;
    value?: number | null;
    unit?: string | null;
    components?: ObservationComponent[];
    interpretation?: InterpretationCode | null;
    isCritical?: boolean;
    effectiveAt: Date;
    status?: 'final' | 'amended' | 'corrected' | 'entered-in-error';
    enteredValue?: number | null;
    enteredUnit?: string | null;
  },
) {
  return db
    .insertInto('observations')
    .values({
      organizationId: owner.organizationId,
      patientId: owner.patientId,
      encounterId: input.encounterId ?? null,
      vitalsSetId: null,
      orthostaticSetId: null,
      code: input.code,
      codeDisplay: input.display ?? input.code,
      value: input.value ?? null,
      unit: input.unit ?? null,
      enteredValue: input.enteredValue ?? null,
      enteredUnit: input.enteredUnit ?? null,
      components: JSON.stringify(input.components ?? []),
      interpretation: input.interpretation ?? null,
      interpretationMessage: null,
      isCritical: input.isCritical ?? false,
      details: '{}',
      repeatOfId: null,
      effectiveAt: input.effectiveAt,
      recordedBy: null,
      recordedByClient: null,
      status: input.status ?? 'final',
      replacedById: null,
      correctionOfId: null,
      correctionReason: null,
      interpretationSetBy: null,
      interpretationReason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** A blood pressure panel with its two components. */
export function bloodPressure(systolic: number, diastolic: number, interpretation: InterpretationCode = 'N') {
  return {
    code: loinc.bloodPressure,
    display: 'Blood pressure panel',
    components: [
      { code: loinc.systolic, display: 'Systolic blood pressure', value: systolic, unit: 'mm[Hg]', interpretation },
      { code: loinc.diastolic, display: 'Diastolic blood pressure', value: diastolic, unit: 'mm[Hg]', interpretation },
    ],
    interpretation,
  };
}

export async function insertEncounter(db: Kysely<Database>, owner: Owner, input: { startedAt: Date; visitType?: string; chiefComplaint?: string; status?: 'finished' | 'in-progress' | 'entered-in-error' }) {
  return db
    .insertInto('encounters')
    .values({
      organizationId: owner.organizationId,
      patientId: owner.patientId,
      locationId: null,
      appointmentId: null,
      providerId: null,
      visitType: input.visitType ?? 'follow-up',
      status: input.status ?? 'finished',
      chiefComplaint: input.chiefComplaint ?? '',
      startedAt: input.startedAt,
      endedAt: null,
      roomedBy: null,
      roomedAt: null,
      readyForProviderBy: null,
      readyForProviderAt: null,
      summarySignedOffBy: null,
      summarySignedOffAt: null,
      updatedAt: input.startedAt,
    })
    .returning(['id', 'startedAt'])
    .executeTakeFirstOrThrow();
}

export async function insertAllergy(db: Kysely<Database>, owner: Owner, input: { substance: string; reaction?: string; severity?: 'mild' | 'moderate' | 'severe'; status?: 'active' | 'entered-in-error'; clinicalStatus?: 'active' | 'resolved' }) {
  return db
    .insertInto('allergies')
    .values({
      organizationId: owner.organizationId,
      patientId: owner.patientId,
      substanceText: input.substance,
      substanceSystem: null,
      substanceCode: null,
      category: 'medication',
      reaction: input.reaction ?? '',
      severity: input.severity ?? null,
      criticality: null,
      clinicalStatus: input.clinicalStatus ?? 'active',
      status: input.status ?? 'active',
      onset: null,
      recordedBy: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function insertMedication(
  db: Kysely<Database>,
  owner: Owner,
  input: { name: string; dose?: string; status?: 'active' | 'stopped' | 'entered-in-error'; reconciliation?: 'taking' | 'not-taking' | 'changed' | null; reconciledAt?: Date | null; reconciledBy?: string | null; recordedAt?: Date; note?: string },
) {
  return db
    .insertInto('medications')
    .values({
      organizationId: owner.organizationId,
      patientId: owner.patientId,
      name: input.name,
      rxnormCode: null,
      dose: input.dose ?? '',
      status: input.status ?? 'active',
      reconciliation: input.reconciliation ?? null,
      reconciliationNote: input.note ?? null,
      reconciledBy: input.reconciledBy ?? null,
      reconciledAt: input.reconciledAt ?? null,
      startedOn: null,
      prescriberId: null,
      recordedBy: null,
      recordedAt: input.recordedAt ?? new Date(Date.now() - 400 * 86_400_000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function insertProblem(db: Kysely<Database>, owner: Owner, input: { description: string; verification?: 'patient-reported' | 'confirmed' | 'refuted'; clinicalStatus?: 'active' | 'resolved' }) {
  return db
    .insertInto('problems')
    .values({
      organizationId: owner.organizationId,
      patientId: owner.patientId,
      encounterId: null,
      description: input.description,
      codeSystem: null,
      code: null,
      verification: input.verification ?? 'patient-reported',
      clinicalStatus: input.clinicalStatus ?? 'active',
      onset: null,
      abatement: null,
      reportedBy: null,
      confirmedBy: null,
      confirmedAt: input.verification === 'confirmed' ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function insertImmunization(db: Kysely<Database>, owner: Owner, input: { cvxCode: string; vaccineName: string; occurred: string; status?: 'completed' | 'entered-in-error' }) {
  return db
    .insertInto('immunizations')
    .values({
      organizationId: owner.organizationId,
      patientId: owner.patientId,
      encounterId: null,
      cvxCode: input.cvxCode,
      vaccineName: input.vaccineName,
      occurred: input.occurred,
      status: input.status ?? 'completed',
      informationSource: null, lotNumber: null, manufacturerMvx: null, expirationDate: null, site: null, route: null, doseQuantity: null,
      administeredBy: null, recordedBy: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function insertScreening(db: Kysely<Database>, owner: Owner, input: { encounterId: string | null; instrument: 'phq-2' | 'phq-9' | 'gad-7'; total: number; band: string; isPositive: boolean }) {
  return db
    .insertInto('screenings')
    .values({
      organizationId: owner.organizationId,
      patientId: owner.patientId,
      encounterId: input.encounterId,
      instrument: input.instrument,
      answers: JSON.stringify([1, 2]),
      total: input.total,
      band: input.band,
      isPositive: input.isPositive,
      taskId: null,
      recordedBy: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}
