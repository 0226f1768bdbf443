import type { Kysely } from 'kysely';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { lockVisit, moveVisit, type FlowContext } from '../../front-desk/flow/move-visit.js';
import { toEncounterView } from './encounter-view.js';
import { checkVersion, lockEncounter } from './update-encounter.js';

/**
 * The MA hands the patient to the provider: the visit moves to ready-for-provider through the
 * flow (so the board and its live events update) and the encounter records who and when.
 */
export async function markReadyForProvider(db: Kysely<Database>, context: FlowContext, encounterId: string, version: number | undefined) {
  return db.transaction().execute(async (trx) => {
    const row = await lockEncounter(trx, context.organizationId, encounterId);
    checkVersion(row, version);
    if (!row.appointmentId) {
      throw new AppError('INVALID_STATUS_TRANSITION', { message: 'This encounter has no visit on the flow board to hand off.' });
    }
    const appointment = await lockVisit(trx, context, row.appointmentId, null);
    const visit = await moveVisit(trx, context, appointment, 'ready-for-provider');
    const now = new Date();
    const updated = await trx
      .updateTable('encounters')
      .set({ readyForProviderBy: context.staffMemberId, readyForProviderAt: now, version: row.version + 1, updatedAt: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'update', recordType: 'Encounter', recordId: row.id, patientId: row.patientId, details: { step: 'ready-for-provider' } });
    return { encounter: await toEncounterView(trx, updated), visit };
  });
}

/**
 * The provider signs off the rooming summary (policy: providers only). From then on the MA's
 * vitals of this encounter can only be corrected, never overwritten.
 */
export async function signOffRoomingSummary(db: Kysely<Database>, context: FlowContext, encounterId: string, version: number | undefined) {
  return db.transaction().execute(async (trx) => {
    const row = await lockEncounter(trx, context.organizationId, encounterId);
    checkVersion(row, version);
    if (row.summarySignedOffAt) throw new AppError('ROOMING_SUMMARY_ALREADY_SIGNED', { details: { signedOffAt: new Date(row.summarySignedOffAt).toISOString() } });
    const now = new Date();
    const updated = await trx
      .updateTable('encounters')
      .set({ summarySignedOffBy: context.staffMemberId, summarySignedOffAt: now, version: row.version + 1, updatedAt: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'update', recordType: 'Encounter', recordId: row.id, patientId: row.patientId, details: { step: 'rooming-summary-signed-off' } });
    return toEncounterView(trx, updated);
  });
}
