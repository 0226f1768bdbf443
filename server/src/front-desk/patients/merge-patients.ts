import type { Kysely } from 'kysely';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { lockById } from './patients.repository.js';

/**
 * Merges a duplicate record into the one that survives. Nothing is deleted: the duplicate is
 * kept, marked merged and linked to the survivor, and the merge itself is recorded.
 */
export async function mergePatients(
  db: Kysely<Database>,
  context: AuditContext & { organizationId: string; staffMemberId: string },
  request: { survivingPatientId: string; mergedPatientId: string; reason: string; survivingVersion: number; mergedVersion: number },
) {
  if (request.survivingPatientId === request.mergedPatientId) throw new AppError('CANNOT_MERGE_INTO_SELF', { field: 'mergedPatientId' });
  return db.transaction().execute(async (trx) => {
    // Lock in id order so two merges of the same pair cannot deadlock.
    const [firstId, secondId] = [request.survivingPatientId, request.mergedPatientId].sort();
    const first = await lockById(trx, context.organizationId, firstId!);
    const second = await lockById(trx, context.organizationId, secondId!);
    const surviving = first?.id === request.survivingPatientId ? first : second;
    const merged = first?.id === request.mergedPatientId ? first : second;
    if (!surviving) throw new AppError('PATIENT_NOT_FOUND', { field: 'survivingPatientId' });
    if (!merged) throw new AppError('PATIENT_NOT_FOUND', { field: 'mergedPatientId' });
    if (surviving.status === 'merged') throw new AppError('PATIENT_ALREADY_MERGED', { field: 'survivingPatientId' });
    if (merged.status === 'merged') throw new AppError('PATIENT_ALREADY_MERGED', { field: 'mergedPatientId' });
    if (surviving.version !== request.survivingVersion) throw new AppError('VERSION_CONFLICT', { field: 'survivingVersion' });
    if (merged.version !== request.mergedVersion) throw new AppError('VERSION_CONFLICT', { field: 'mergedVersion' });
    await trx
      .updateTable('patients')
      .set({ status: 'merged', mergedIntoPatientId: surviving.id, version: merged.version + 1, updatedAt: new Date() })
      .where('id', '=', merged.id)
      .execute();
    await trx.updateTable('patients').set({ version: surviving.version + 1, updatedAt: new Date() }).where('id', '=', surviving.id).execute();
    const record = await trx
      .insertInto('patientMerges')
      .values({ organizationId: context.organizationId, survivingPatientId: surviving.id, mergedPatientId: merged.id, reason: request.reason, mergedBy: context.staffMemberId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, [
      { action: 'merge', recordType: 'Patient', recordId: merged.id, patientId: merged.id, reason: request.reason, details: { mergedInto: surviving.id, mergeId: record.id } },
      { action: 'merge', recordType: 'Patient', recordId: surviving.id, patientId: surviving.id, reason: request.reason, details: { absorbed: merged.id, mergeId: record.id } },
    ]);
    return { mergeId: record.id, survivingPatientId: surviving.id, mergedPatientId: merged.id };
  });
}
