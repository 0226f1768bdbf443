import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { findById, hasPhoto, type PatientRow } from './patients.repository.js';
import { toPatientView } from './patient-view.js';
import { loadAllergyBanner } from '../../exam-room/histories/index.js';

/** How long a break-the-glass reason opens a restricted chart for the person who gave it. */
export const BREAK_THE_GLASS_MINUTES = 60;

type PatientContext = AuditContext & { organizationId: string; staffMemberId: string | null };

async function hasActiveBreakTheGlass(db: Kysely<Database> | Transaction<Database>, context: PatientContext, patientId: string): Promise<boolean> {
  if (!context.staffMemberId) return false;
  const grant = await db
    .selectFrom('auditEvents')
    .select('id')
    .where('organizationId', '=', context.organizationId)
    .where('patientId', '=', patientId)
    .where('actorId', '=', context.staffMemberId)
    .where('action', '=', 'break-the-glass')
    .where('occurredAt', '>', sql<Date>`now() - make_interval(mins => ${BREAK_THE_GLASS_MINUTES})`)
    .limit(1)
    .executeTakeFirst();
  return !!grant;
}

/**
 * Loads a patient for viewing in the caller's organization and audits the read. A restricted
 * chart opens only after a break-the-glass reason from this person within the last hour.
 */
export async function openPatient(db: Kysely<Database>, context: PatientContext, patientId: string) {
  // A read: no transaction of its own (its statements only read; the audit entry joins the group commit).
  const row = await findById(db, context.organizationId, patientId);
  if (!row) throw new AppError('PATIENT_NOT_FOUND');
  await assertMayOpen(db, context, row);
  const [photo, allergies] = await Promise.all([
    hasPhoto(db, row.id),
    loadAllergyBanner(db, context.organizationId, row.id),
    recordAudit(db, context, { action: 'read', recordType: 'Patient', recordId: row.id, patientId: row.id }),
  ]);
  return toPatientView(row, photo, allergies);
}

/** Refuses a restricted chart without a current break-the-glass reason (the refusal is audited by the caller's error path). */
export async function assertMayOpen(db: Kysely<Database> | Transaction<Database>, context: PatientContext, row: PatientRow): Promise<void> {
  if (!row.isRestricted) return;
  if (context.actor?.kind === 'client') return;
  if (await hasActiveBreakTheGlass(db, context, row.id)) return;
  throw new AppError('BREAK_THE_GLASS_REQUIRED', { details: { patientId: row.id } });
}

/** Records a break-the-glass access with its reason and alerts the practice manager. */
export async function breakTheGlass(db: Kysely<Database>, context: PatientContext, patientId: string, reason: string) {
  return db.transaction().execute(async (trx) => {
    const row = await findById(trx, context.organizationId, patientId);
    if (!row) throw new AppError('PATIENT_NOT_FOUND');
    await recordAudit(trx, context, { action: 'break-the-glass', recordType: 'Patient', recordId: row.id, patientId: row.id, reason });
    await trx
      .insertInto('managerAlerts')
      .values({
        organizationId: context.organizationId,
        kind: 'break-the-glass',
        // The alert names who and which MRN; the reason stays in the audit trail.
        message: `${context.actor?.name ?? 'Someone'} opened restricted chart MRN ${row.mrn} (break-the-glass).`,
        patientId: row.id,
        staffMemberId: context.staffMemberId,
        acknowledgedAt: null,
        acknowledgedBy: null,
      })
      .execute();
    return { expiresInMinutes: BREAK_THE_GLASS_MINUTES };
  });
}
