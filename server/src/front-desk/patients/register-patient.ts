import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { registerPatientRequestSchema } from '../../../../contracts/front-desk/patient.contract.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { findLikelyDuplicates, mrnExists, takeNextMrn } from './patients.repository.js';
import { toDuplicateCandidate } from './patient-view.js';
import { phoneDigits } from './search-terms.js';

export type RegisterPatientInput = z.output<typeof registerPatientRequestSchema>;

export function phonesOf(input: { mobilePhone: string; homePhone: string; workPhone: string }): string[] {
  return [input.mobilePhone, input.homePhone, input.workPhone].map(phoneDigits).filter((digits) => digits.length === 10);
}

/**
 * Registers a new patient and assigns the clinic's next MRN. If likely duplicates exist and the
 * clerk has not yet reviewed them, nothing is saved and the matches are returned instead.
 */
export async function registerPatient(db: Kysely<Database>, context: AuditContext & { organizationId: string; staffMemberId: string | null }, input: RegisterPatientInput) {
  const { duplicatesReviewed, privacyNoticeAcknowledged, mrn: requestedMrn, emergencyContact, guarantor, ...fields } = input;
  return db.transaction().execute(async (trx) => {
    if (!duplicatesReviewed) {
      const duplicates = await findLikelyDuplicates(trx, context.organizationId, { ...fields, phones: phonesOf(fields) });
      if (duplicates.length > 0) return { outcome: 'possible-duplicates' as const, candidates: duplicates.map(toDuplicateCandidate) };
    }
    if (requestedMrn && (await mrnExists(trx, context.organizationId, requestedMrn))) throw new AppError('MRN_TAKEN', { field: 'mrn' });
    const mrn = requestedMrn ?? (await takeNextMrn(trx, context.organizationId));
    const patient = await trx
      .insertInto('patients')
      .values({
        ...fields,
        organizationId: context.organizationId,
        mrn,
        emergencyContact: emergencyContact ? JSON.stringify(emergencyContact) : null,
        guarantor: guarantor ? JSON.stringify(guarantor) : null,
        privacyNoticeAcknowledgedAt: privacyNoticeAcknowledged ? new Date() : null,
        restrictedStaffMemberId: null,
        mergedIntoPatientId: null,
        createdBy: context.staffMemberId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, {
      action: 'create', recordType: 'Patient', recordId: patient.id, patientId: patient.id,
      details: duplicatesReviewed ? { duplicatesReviewed: true } : {},
    });
    return { outcome: 'registered' as const, patient };
  });
}
