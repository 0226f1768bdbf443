import type { Kysely } from 'kysely';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { hasPhoto, lockById } from './patients.repository.js';
import { toPatientView } from './patient-view.js';
import { loadAllergyBanner } from '../../exam-room/histories/index.js';

/**
 * Restricts a chart (e.g. a staff member's own, or a public figure's) so that it opens only
 * with a break-the-glass reason, or lifts the restriction. The manager's reason is audited.
 */
export async function restrictChart(
  db: Kysely<Database>,
  context: AuditContext & { organizationId: string },
  patientId: string,
  request: { isRestricted: boolean; reason: string; version: number },
) {
  return db.transaction().execute(async (trx) => {
    const current = await lockById(trx, context.organizationId, patientId);
    if (!current) throw new AppError('PATIENT_NOT_FOUND');
    if (current.version !== request.version) throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: current.version } });
    const updated = await trx
      .updateTable('patients')
      .set({ isRestricted: request.isRestricted, version: current.version + 1, updatedAt: new Date() })
      .where('id', '=', patientId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, {
      action: 'update', recordType: 'Patient', recordId: patientId, patientId, reason: request.reason,
      details: { changed: ['isRestricted'], isRestricted: request.isRestricted },
    });
    return toPatientView(updated, await hasPhoto(trx, patientId), await loadAllergyBanner(trx, context.organizationId, patientId));
  });
}
