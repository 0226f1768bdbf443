import type { Kysely, Transaction } from 'kysely';
import type { UpdateEncounterRequest } from '../../../../contracts/exam-room/encounters.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { encounterChecklist, toEncounterView, type EncounterRow } from './encounter-view.js';
import { assertKnownVisitType, type EncounterContext } from './open-encounter.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Loads an encounter of the caller's organization with a row lock (404 otherwise). */
export async function lockEncounter(trx: Db, organizationId: string, encounterId: string): Promise<EncounterRow> {
  const row = await trx.selectFrom('encounters').selectAll().where('organizationId', '=', organizationId).where('id', '=', encounterId).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('ENCOUNTER_NOT_FOUND');
  return row;
}

/** 428 without a version, 409 when someone changed the encounter since the client read it. */
export function checkVersion(row: { version: number }, version: number | undefined): void {
  if (version === undefined) throw new AppError('VERSION_REQUIRED', { field: 'version' });
  if (row.version !== version) throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: row.version } });
}

/** Reads one encounter (by id or by its appointment) and audits the read. */
export async function readEncounter(db: Kysely<Database>, context: EncounterContext, by: { encounterId: string } | { appointmentId: string }) {
  // A read: no transaction of its own (its statements only read; the audit entry joins the group commit).
  let query = db.selectFrom('encounters').selectAll().where('organizationId', '=', context.organizationId);
  query = 'encounterId' in by ? query.where('id', '=', by.encounterId) : query.where('appointmentId', '=', by.appointmentId);
  const row = await query.executeTakeFirst();
  if (!row) throw new AppError('ENCOUNTER_NOT_FOUND');
  await recordAudit(db, context, { action: 'read', recordType: 'Encounter', recordId: row.id, patientId: row.patientId });
  return toEncounterView(db, row);
}

/**
 * Records what the MA learned while rooming: the chief complaint in the patient's words, the
 * reason for visit, the visit type (which changes the checklist), the ticked checklist items.
 */
export async function updateEncounter(db: Kysely<Database>, context: EncounterContext, encounterId: string, input: UpdateEncounterRequest) {
  return db.transaction().execute(async (trx) => {
    const row = await lockEncounter(trx, context.organizationId, encounterId);
    checkVersion(row, input.version);
    const visitType = input.visitType ?? row.visitType;
    if (input.visitType !== undefined && input.visitType !== row.visitType) await assertKnownVisitType(trx, context.organizationId, input.visitType);
    const items = await encounterChecklist(trx, { ...row, visitType });
    const keys = new Set(items.map((item) => item.itemKey));
    let checklistDone = row.checklistDone.filter((key) => keys.has(key));
    if (input.checklistDone !== undefined) {
      const unknown = input.checklistDone.filter((key) => !keys.has(key));
      if (unknown.length > 0) {
        const message = `Not on this visit's checklist: ${unknown.join(', ')}.`;
        throw new AppError('VALIDATION_FAILED', { field: 'checklistDone', message, issues: [{ field: 'checklistDone', message }] });
      }
      checklistDone = [...new Set(input.checklistDone)];
    }
    const changed = (['chiefComplaint', 'reasonForVisit', 'visitType', 'checklistDone'] as const).filter((field) => input[field] !== undefined);
    const updated = await trx
      .updateTable('encounters')
      .set({
        chiefComplaint: input.chiefComplaint ?? row.chiefComplaint,
        reasonForVisit: input.reasonForVisit ?? row.reasonForVisit,
        visitType,
        checklistDone,
        version: row.version + 1,
        updatedAt: new Date(),
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // which fields changed, never what the patient said
    await recordAudit(trx, context, { action: 'update', recordType: 'Encounter', recordId: row.id, patientId: row.patientId, details: { fields: changed } });
    return toEncounterView(trx, updated);
  });
}
