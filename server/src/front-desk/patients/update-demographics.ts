import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { updatePatientRequestSchema } from '../../../../contracts/front-desk/patient.contract.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { assertMayOpen } from './open-patient.js';
import { hasPhoto, lockById } from './patients.repository.js';
import { toPatientView } from './patient-view.js';
import { loadAllergyBanner } from '../../exam-room/histories/index.js';

export type UpdateDemographicsInput = z.output<typeof updatePatientRequestSchema>;

/** Saves corrected demographics if nobody changed the record since the clerk opened it (409 otherwise). */
export async function updateDemographics(
  db: Kysely<Database>,
  context: AuditContext & { organizationId: string; staffMemberId: string | null },
  patientId: string,
  input: UpdateDemographicsInput,
) {
  const { version, privacyNoticeAcknowledged, emergencyContact, guarantor, ...fields } = input;
  return db.transaction().execute(async (trx) => {
    const current = await lockById(trx, context.organizationId, patientId);
    if (!current) throw new AppError('PATIENT_NOT_FOUND');
    await assertMayOpen(trx, context, current);
    if (current.status === 'merged') throw new AppError('PATIENT_ALREADY_MERGED', { details: { mergedIntoPatientId: current.mergedIntoPatientId } });
    if (current.version !== version) throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: current.version } });
    const changed = Object.entries(fields)
      .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(current[key as keyof typeof current]))
      .map(([key]) => key);
    const updated = await trx
      .updateTable('patients')
      .set({
        ...fields,
        emergencyContact: emergencyContact ? JSON.stringify(emergencyContact) : null,
        guarantor: guarantor ? JSON.stringify(guarantor) : null,
        privacyNoticeAcknowledgedAt: privacyNoticeAcknowledged ? (current.privacyNoticeAcknowledgedAt ?? new Date()) : null,
        version: version + 1,
        updatedAt: new Date(),
      })
      .where('id', '=', patientId)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Field names only: the values are patient data and live in the record itself.
    await recordAudit(trx, context, { action: 'update', recordType: 'Patient', recordId: patientId, patientId, details: { changed } });
    return toPatientView(updated, await hasPhoto(trx, patientId), await loadAllergyBanner(trx, context.organizationId, patientId));
  });
}
