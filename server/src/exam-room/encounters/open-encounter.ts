import type { Kysely, Transaction } from 'kysely';
import type { OpenEncounterRequest } from '../../../../contracts/exam-room/encounters.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import type { AppointmentStatus } from '../../front-desk/scheduling/scheduling.table.js';
import { toEncounterView, type EncounterRow } from './encounter-view.js';
import { ensureDefaultRoomingChecklists, findVisitTypes } from './rooming-checklists.js';
import { ageInMonths, visitTypeForAppointment } from './visit-types.js';

export type EncounterContext = AuditContext & { organizationId: string; staffMemberId: string | null };

/** What opening an encounter needs to know about the visit (an appointments row has all of it). */
export interface VisitForEncounter {
  id: string;
  organizationId: string;
  patientId: string;
  locationId: string;
  providerId: string;
  appointmentTypeId: string | null;
  reasonForVisit: string;
  isWalkIn: boolean;
  status: AppointmentStatus;
}

const inRoomOrLater: readonly AppointmentStatus[] = ['roomed', 'ready-for-provider', 'with-provider', 'checkout'];
const openable: readonly AppointmentStatus[] = ['arrived', ...inRoomOrLater, 'done'];

/** Refuses a visit type the clinic has no checklist for (400 naming the field). */
export async function assertKnownVisitType(db: Kysely<Database> | Transaction<Database>, organizationId: string, visitType: string): Promise<void> {
  const known = await findVisitTypes(db, organizationId);
  if (!known.includes(visitType)) {
    const message = `Unknown visit type. Choose one of: ${known.sort().join(', ')}.`;
    throw new AppError('VALIDATION_FAILED', { field: 'visitType', message, issues: [{ field: 'visitType', message }] });
  }
}

/**
 * Opens the visit's encounter inside the caller's transaction, or returns the one it already has
 * (one encounter per appointment: rooming twice never opens a second). Its visit type starts from
 * the appointment type, the booking reason and the patient's age; the reason for visit from the booking.
 * Called by the flow when a visit moves to `roomed`, and by POST /api/encounters.
 */
export async function openEncounterForVisit(
  trx: Transaction<Database> | Kysely<Database>,
  context: EncounterContext,
  visit: VisitForEncounter,
  options: { visitType?: string | undefined; chiefComplaint?: string | undefined; reasonForVisit?: string | undefined; roomedNow?: boolean } = {},
): Promise<{ row: EncounterRow; opened: boolean }> {
  const existing = await findEncounterByAppointment(trx, context.organizationId, visit.id);
  if (existing) return { row: existing, opened: false };

  await ensureDefaultRoomingChecklists(trx, context.organizationId);
  const now = new Date();
  let visitType = options.visitType;
  if (visitType) {
    await assertKnownVisitType(trx, context.organizationId, visitType);
  } else {
    const [type, patient] = await Promise.all([
      visit.appointmentTypeId
        ? trx.selectFrom('appointmentTypes').select(['name', 'visitKind']).where('id', '=', visit.appointmentTypeId).executeTakeFirst()
        : Promise.resolve(undefined),
      trx.selectFrom('patients').select('dateOfBirth').where('id', '=', visit.patientId).executeTakeFirst(),
    ]);
    visitType = visitTypeForAppointment({
      appointmentTypeName: type?.name ?? null,
      visitKind: type?.visitKind ?? null,
      reasonForVisit: visit.reasonForVisit,
      isWalkIn: visit.isWalkIn,
      ageMonths: ageInMonths(patient?.dateOfBirth ?? null, now),
    });
    // a clinic that removed the visit type the booking points to falls back to what it has
    const known = await findVisitTypes(trx, context.organizationId);
    if (!known.includes(visitType)) visitType = known.includes('sick-visit') ? 'sick-visit' : (known.sort()[0] ?? 'sick-visit');
  }
  const roomed = options.roomedNow || inRoomOrLater.includes(visit.status);
  const inserted = await trx
    .insertInto('encounters')
    .values({
      organizationId: context.organizationId,
      locationId: visit.locationId,
      patientId: visit.patientId,
      appointmentId: visit.id,
      providerId: visit.providerId,
      visitType,
      chiefComplaint: options.chiefComplaint ?? '',
      reasonForVisit: options.reasonForVisit ?? visit.reasonForVisit,
      startedAt: now,
      endedAt: null,
      roomedBy: roomed ? context.staffMemberId : null,
      roomedAt: roomed ? now : null,
      readyForProviderBy: null,
      readyForProviderAt: null,
      summarySignedOffBy: null,
      summarySignedOffAt: null,
      updatedAt: now,
    })
    .onConflict((conflict) => conflict.column('appointmentId').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) return { row: (await findEncounterByAppointment(trx, context.organizationId, visit.id))!, opened: false };
  await recordAudit(trx, context, {
    action: 'create', recordType: 'Encounter', recordId: inserted.id, patientId: visit.patientId,
    details: { appointmentId: visit.id, visitType },
  });
  return { row: inserted, opened: true };
}

export async function findEncounterByAppointment(db: Kysely<Database> | Transaction<Database>, organizationId: string, appointmentId: string) {
  return db.selectFrom('encounters').selectAll().where('organizationId', '=', organizationId).where('appointmentId', '=', appointmentId).executeTakeFirst();
}

/** POST /api/encounters: the visit's encounter, opened now if it has none (201) or as it is (200). */
export async function openEncounter(db: Kysely<Database>, context: EncounterContext, input: OpenEncounterRequest) {
  return db.transaction().execute(async (trx) => {
    const visit = await trx
      .selectFrom('appointments')
      .select(['id', 'organizationId', 'patientId', 'locationId', 'providerId', 'appointmentTypeId', 'reasonForVisit', 'isWalkIn', 'status'])
      .where('organizationId', '=', context.organizationId)
      .where('id', '=', input.appointmentId)
      .forUpdate()
      .executeTakeFirst();
    if (!visit) throw new AppError('APPOINTMENT_NOT_FOUND', { field: 'appointmentId' });
    const existing = await findEncounterByAppointment(trx, context.organizationId, visit.id);
    if (!existing && !openable.includes(visit.status)) {
      const message = visit.status === 'scheduled'
        ? 'The patient has not arrived yet: check the patient in before opening the visit.'
        : `A visit that is ${visit.status} has no encounter to open.`;
      throw new AppError('APPOINTMENT_NOT_CHANGEABLE', { field: 'appointmentId', message, details: { status: visit.status } });
    }
    const { row, opened } = await openEncounterForVisit(trx, context, visit, input);
    if (!opened) {
      await recordAudit(trx, context, { action: 'read', recordType: 'Encounter', recordId: row.id, patientId: row.patientId });
    }
    return { opened, encounter: await toEncounterView(trx, row) };
  });
}
