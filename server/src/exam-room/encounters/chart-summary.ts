import { sql, type Kysely } from 'kysely';
import type { ChartSummary } from '../../../../contracts/exam-room/encounters.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { assertMayOpen } from '../../front-desk/patients/open-patient.js';
import { findById } from '../../front-desk/patients/patients.repository.js';
import { currentObservationStatuses, readAllergyOverview, toVitalReading, vitalColumns } from './clinical-reads.js';
import type { EncounterContext } from './open-encounter.js';
import { visitTypeLabel } from './visit-types.js';

const RECENT_ENCOUNTERS = 10;
const activeProblemStatuses = ['active', 'recurrence', 'relapse'] as const;

/**
 * A patient's chart on one screen: the newest reading of each vital sign, active problems and
 * medications, allergies, immunizations and the last ten encounters. Each part is one indexed
 * query (the newest vitals walk observations_patient_code_idx with DISTINCT ON), run side by side,
 * so ten years of history cost about what one year does.
 */
export async function readChartSummary(db: Kysely<Database>, context: EncounterContext, patientId: string): Promise<ChartSummary> {
  const patient = await findById(db, context.organizationId, patientId);
  if (!patient) throw new AppError('PATIENT_NOT_FOUND');
  await assertMayOpen(db, context, patient);
  const organizationId = context.organizationId;

  const [vitals, problems, medications, allergies, immunizations, encounters] = await Promise.all([
    db
      .selectFrom('observations')
      .distinctOn('code')
      .select(vitalColumns)
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patientId)
      .where('category', '=', 'vital-signs')
      .where('status', 'in', currentObservationStatuses)
      .orderBy('code')
      .orderBy('effectiveAt', 'desc')
      .orderBy('recordedAt', 'desc')
      .execute(),
    db
      .selectFrom('problems')
      .select(['id', 'description', 'codeSystem', 'code', 'verification', 'clinicalStatus', 'onset'])
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patientId)
      .where('clinicalStatus', 'in', activeProblemStatuses)
      .where('verification', 'in', ['patient-reported', 'confirmed'])
      .orderBy('verification')
      .orderBy('description')
      .execute(),
    db
      .selectFrom('medications')
      .select(['id', 'name', 'rxnormCode', 'dose', 'route', 'frequency', 'reconciliation', 'reconciledAt'])
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patientId)
      .where('status', '=', 'active')
      .orderBy('name')
      .execute(),
    readAllergyOverview(db, organizationId, patientId),
    db
      .selectFrom('immunizations')
      .select(['id', 'cvxCode', 'vaccineName', 'occurred', 'status'])
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patientId)
      .where('status', '<>', 'entered-in-error')
      .orderBy('occurred', 'desc')
      .execute(),
    db
      .selectFrom('encounters')
      .select(['id', 'appointmentId', 'visitType', 'status', 'chiefComplaint', 'reasonForVisit', 'startedAt', 'providerId', sql<number>`count(*) over ()`.as('total')])
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patientId)
      .where('status', '<>', 'entered-in-error')
      .orderBy('startedAt', 'desc')
      .limit(RECENT_ENCOUNTERS)
      .execute(),
  ]);
  await recordAudit(db, context, { action: 'read', recordType: 'Patient', recordId: patientId, patientId, details: { view: 'chart-summary' } });

  return {
    patientId,
    latestVitals: vitals.map(toVitalReading).sort((a, b) => (a.effectiveAt < b.effectiveAt ? 1 : a.effectiveAt > b.effectiveAt ? -1 : a.code.localeCompare(b.code))),
    problems,
    medications: medications.map((medication) => ({ ...medication, reconciledAt: medication.reconciledAt ? new Date(medication.reconciledAt).toISOString() : null })),
    allergies,
    immunizations,
    recentEncounters: encounters.map((encounter) => ({
      id: encounter.id,
      appointmentId: encounter.appointmentId,
      visitType: encounter.visitType,
      visitTypeLabel: visitTypeLabel(encounter.visitType),
      status: encounter.status,
      chiefComplaint: encounter.chiefComplaint,
      reasonForVisit: encounter.reasonForVisit,
      startedAt: new Date(encounter.startedAt).toISOString(),
      providerId: encounter.providerId,
    })),
    encounterCount: Number(encounters[0]?.total ?? 0),
  };
}
