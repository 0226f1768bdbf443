import { sql, type Kysely } from 'kysely';
import type { ChartSummary } from '../../../../contracts/exam-room/encounters.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { assertMayOpen } from '../../front-desk/patients/open-patient.js';
import { findById } from '../../front-desk/patients/patients.repository.js';
import { currentObservationStatuses, readAllergyOverview, toVitalReading } from './clinical-reads.js';
import type { EncounterContext } from './open-encounter.js';
import { visitTypeLabel } from './visit-types.js';

const RECENT_ENCOUNTERS = 10;

/**
 * The newest current vital sign of each code, by a skip scan: the recursive part walks the distinct
 * codes of the patient's observations through observations_patient_code_idx (one index probe per
 * code), then each code's newest current reading is one more probe (ordered by effective_at desc).
 * Its cost grows with the number of codes (about ten), not with years of readings.
 */
async function findLatestVitals(db: Kysely<Database>, organizationId: string, patientId: string) {
  const result = await sql<VitalRow>`
    with recursive codes(code) as (
      (select code from observations where organization_id = ${organizationId} and patient_id = ${patientId} order by code limit 1)
      union all
      select (select o.code from observations o
               where o.organization_id = ${organizationId} and o.patient_id = ${patientId} and o.code > codes.code
               order by o.code limit 1)
        from codes where codes.code is not null
    )
    select latest.* from codes
    cross join lateral (
      select o.id, o.code, o.code_display, o.value, o.unit, o.entered_value, o.entered_unit, o.components, o.interpretation,
             o.interpretation_message, o.is_critical, o.status, o.repeat_of_id, o.effective_at, o.encounter_id
        from observations o
       where o.organization_id = ${organizationId} and o.patient_id = ${patientId} and o.code = codes.code
         and o.category = 'vital-signs' and o.status in (${sql.join(currentObservationStatuses)})
       order by o.effective_at desc, o.recorded_at desc
       limit 1
    ) latest
    where codes.code is not null`.execute(db);
  return result.rows;
}

type VitalRow = Parameters<typeof toVitalReading>[0];
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

  // the reads and the audit row are independent: they go to the database side by side
  const [vitals, problems, medications, allergies, immunizations, encounters] = await Promise.all([
    findLatestVitals(db, organizationId, patientId),
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
    recordAudit(db, context, { action: 'read', recordType: 'Patient', recordId: patientId, patientId, details: { view: 'chart-summary' } }),
  ]);

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
