import type { Kysely } from 'kysely';
import type { RecordScreeningRequest, RecordScreeningResponse, Screening } from '../../../../contracts/exam-room/screenings.js';
import { AppError, createTask, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { instrumentName, messageForMedicalAssistant, scoreScreening } from './score-screening.js';
import { findOpenScreeningTask, insertScreening, lockEncounterForScreening, type ScreeningRow } from './screenings.repository.js';

export type ScreeningContext = AuditContext & { organizationId: string; staffMemberId: string | null };

export function toScreeningView(row: ScreeningRow): Screening {
  return {
    id: row.id,
    patientId: row.patientId,
    encounterId: row.encounterId,
    instrument: row.instrument,
    answers: row.answers,
    total: row.total === null ? null : Number(row.total),
    band: row.band,
    isPositive: row.isPositive,
    needsUrgentFollowUp: row.needsUrgentFollowUp,
    taskId: row.taskId,
    recordedBy: row.recordedBy,
    recordedAt: new Date(row.recordedAt).toISOString(),
  };
}

/**
 * Scores and stores one screening of an encounter. A positive screen flags the visit's provider
 * (or the provider pool) with one routine task per encounter and instrument; a positive PHQ-9
 * item 9 creates an urgent task in the same transaction as the answers, so the provider's inbox
 * shows it the moment the MA saves.
 */
export async function recordScreening(db: Kysely<Database>, context: ScreeningContext, encounterId: string, input: RecordScreeningRequest): Promise<RecordScreeningResponse> {
  return db.transaction().execute(async (trx) => {
    const encounter = await lockEncounterForScreening(trx, context.organizationId, encounterId);
    if (!encounter) throw new AppError('NOT_FOUND', { field: 'encounterId' });
    const scored = scoreScreening(input.instrument, input.answers, input.sex ?? encounter.sexAtBirth);
    const owner = encounter.providerId ? { ownerStaffId: encounter.providerId } : { ownerPool: 'provider' as const };
    const name = instrumentName(input.instrument);

    let taskId: string | null = null;
    if (scored.needsUrgentFollowUp) {
      const open = await findOpenScreeningTask(trx, encounter.id, input.instrument, 'urgent');
      taskId = open?.id ?? (await createTask(trx, context, {
        ...owner,
        title: `Urgent: ${name} item 9 positive — see the patient now`,
        kind: 'screening-safety',
        patientId: encounter.patientId,
        priority: 'urgent',
        dueAt: new Date(),
        focusType: 'Encounter',
        focusId: encounter.id,
        description: 'The patient answered above "not at all" to thoughts of being better off dead or of self-harm. The MA is staying with the patient.',
      })).id;
    } else if (scored.isPositive) {
      const open = await findOpenScreeningTask(trx, encounter.id, input.instrument, 'routine');
      taskId = open?.id ?? (await createTask(trx, context, {
        ...owner,
        title: `Positive ${name} screen — review at this visit`,
        kind: 'screening-positive',
        patientId: encounter.patientId,
        priority: 'routine',
        focusType: 'Encounter',
        focusId: encounter.id,
      })).id;
    }

    const row = await insertScreening(trx, {
      organizationId: context.organizationId,
      patientId: encounter.patientId,
      encounterId: encounter.id,
      instrument: input.instrument,
      answers: scored.answers,
      total: scored.total,
      band: scored.band,
      isPositive: scored.isPositive,
      needsUrgentFollowUp: scored.needsUrgentFollowUp,
      taskId,
      recordedBy: context.staffMemberId,
    });
    await recordAudit(trx, context, {
      action: 'create', recordType: 'Screening', recordId: row.id, patientId: encounter.patientId,
      details: { instrument: input.instrument, encounterId: encounter.id, taskId },
    });
    return { screening: toScreeningView(row), nextInstrument: scored.nextInstrument, message: messageForMedicalAssistant(scored) };
  });
}
