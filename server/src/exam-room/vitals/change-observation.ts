import type { Kysely } from 'kysely';
import type { CorrectObservationRequest } from '../../../../contracts/exam-room/vitals.js';
import type { InterpretationCode } from '../exam-room.table.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError, recordAudit } from '../../platform/index.js';
import { toObservationView } from './observation-view.js';
import { saveObservation, type ObservationContext } from './save-observation.js';
import { isBloodPressurePanel, LOINC } from './vital-codes.js';

async function lockObservation(db: Kysely<Database>, organizationId: string, observationId: string, version: number) {
  const row = await db
    .selectFrom('observations')
    .selectAll()
    .where('id', '=', observationId)
    .where('organizationId', '=', organizationId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { field: 'observationId', message: 'No such observation.' });
  if (row.version !== version || row.status === 'amended' || row.status === 'entered-in-error') {
    throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: row.version, replacedById: row.replacedById } });
  }
  return row;
}

/**
 * Corrects a reading without overwriting it: the old row stays (status 'amended', replaced_by_id),
 * the new row names it (correction_of_id) with the reason and who made it. This is the only way to
 * change a reading, so one in an encounter a provider already signed off keeps its signed value.
 */
export async function correctObservation(db: Kysely<Database>, context: ObservationContext, observationId: string, body: CorrectObservationRequest) {
  return db.transaction().execute(async (trx) => {
    const old = await lockObservation(trx, context.organizationId, observationId, body.version);
    const isBloodPressure = isBloodPressurePanel(old.code);
    if (isBloodPressure && (body.systolic === undefined || body.diastolic === undefined)) {
      throw new AppError('VALIDATION_FAILED', { field: 'systolic', issues: [{ field: body.systolic === undefined ? 'systolic' : 'diastolic', message: 'Enter both corrected blood pressure numbers.' }] });
    }
    if (!isBloodPressure && body.value === undefined) {
      throw new AppError('VALIDATION_FAILED', { field: 'value', issues: [{ field: 'value', message: 'Enter the corrected value.' }] });
    }
    const oldComponents = (typeof old.components === 'string' ? JSON.parse(old.components) : old.components) as Array<{ code: string; display: string; value: number | null; unit: string | null }>;
    const components = isBloodPressure
      ? [{ code: LOINC.systolic, value: body.systolic!, unit: 'mm[Hg]' }, { code: LOINC.diastolic, value: body.diastolic!, unit: 'mm[Hg]' },
          ...oldComponents.filter((component) => component.code !== LOINC.systolic && component.code !== LOINC.diastolic)]
      : oldComponents;
    const details = (typeof old.details === 'string' ? JSON.parse(old.details) : old.details) as Record<string, unknown>;
    const correction = await saveObservation(trx, context, {
      patientId: old.patientId,
      encounterId: old.encounterId,
      category: old.category,
      code: old.code,
      codeSystem: old.codeSystem,
      codeDisplay: old.codeDisplay,
      ...(isBloodPressure ? {} : { value: body.value ?? null, unit: body.unit ?? (old.enteredUnit ?? old.unit) }),
      components,
      details,
      effectiveAt: old.effectiveAt,
      repeatOfId: old.repeatOfId,
    }, { source: 'app', vitalsSetId: old.vitalsSetId, orthostaticSetId: old.orthostaticSetId, correctionOf: { id: old.id, reason: body.reason } });
    const previous = await trx
      .updateTable('observations')
      .set({ status: 'amended', replacedById: correction.observation.id, version: old.version + 1 })
      .where('id', '=', old.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, {
      action: 'update', recordType: 'Observation', recordId: old.id, patientId: old.patientId, reason: body.reason,
      details: { status: 'amended', replacedById: correction.observation.id },
    });
    return { previous: toObservationView(previous), correction: toObservationView(correction.observation) };
  });
}

const CRITICAL: readonly InterpretationCode[] = ['LL', 'HH', 'AA'];

/** A provider changes what a reading means (e.g. a known-COPD baseline SpO2 of 89 % is not critical for this patient). */
export async function reinterpretObservation(
  db: Kysely<Database>,
  context: ObservationContext,
  observationId: string,
  body: { interpretation: InterpretationCode; reason: string; version: number },
) {
  return db.transaction().execute(async (trx) => {
    const old = await lockObservation(trx, context.organizationId, observationId, body.version);
    const updated = await trx
      .updateTable('observations')
      .set({
        interpretation: body.interpretation,
        isCritical: CRITICAL.includes(body.interpretation),
        interpretationSetBy: context.staffMemberId,
        interpretationReason: body.reason,
        version: old.version + 1,
      })
      .where('id', '=', old.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, {
      action: 'update', recordType: 'Observation', recordId: old.id, patientId: old.patientId, reason: body.reason,
      details: { interpretation: { from: old.interpretation, to: body.interpretation } },
    });
    return toObservationView(updated);
  });
}
