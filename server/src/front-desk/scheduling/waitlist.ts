import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { AppError, createTask, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import type { SchedulingContext } from './appointment-view.js';
import { getLocation, releasedStatuses, type AppointmentRow } from './scheduling.repository.js';
import type { WaitlistEntriesTable } from './scheduling.table.js';
import { localDateOf } from './slots.js';

export type WaitlistEntryRow = Selectable<WaitlistEntriesTable>;

export function toWaitlistView(row: WaitlistEntryRow) {
  return {
    id: row.id,
    locationId: row.locationId,
    patientId: row.patientId,
    providerId: row.providerId,
    appointmentTypeId: row.appointmentTypeId,
    earliestDate: row.earliestDate,
    latestDate: row.latestDate,
    notes: row.notes,
    status: row.status,
    offeredStartsAt: row.offeredStartsAt ? new Date(row.offeredStartsAt).toISOString() : null,
    offeredProviderId: row.offeredProviderId,
    version: row.version,
  };
}

/** Puts a patient on the waitlist for a type of visit at a location, with a provider or any, between two dates. */
export async function addToWaitlist(
  db: Kysely<Database>,
  context: SchedulingContext,
  input: { locationId: string; patientId: string; providerId: string | null; appointmentTypeId: string; earliestDate: string; latestDate: string; notes: string },
): Promise<WaitlistEntryRow> {
  return db.transaction().execute(async (trx) => {
    if (!(await getLocation(trx, context.organizationId, input.locationId))) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
    const patient = await trx.selectFrom('patients').select('id').where('id', '=', input.patientId).where('organizationId', '=', context.organizationId).executeTakeFirst();
    if (!patient) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
    const type = await trx.selectFrom('appointmentTypes').select('id').where('id', '=', input.appointmentTypeId).where('organizationId', '=', context.organizationId).executeTakeFirst();
    if (!type) throw new AppError('APPOINTMENT_TYPE_NOT_FOUND', { field: 'appointmentTypeId' });
    if (input.providerId) {
      const provider = await trx.selectFrom('staffMembers').select('id').where('id', '=', input.providerId).where('organizationId', '=', context.organizationId).executeTakeFirst();
      if (!provider) throw new AppError('STAFF_NOT_FOUND', { field: 'providerId' });
    }
    const entry = await trx
      .insertInto('waitlistEntries')
      .values({ ...input, organizationId: context.organizationId, offeredStartsAt: null, offeredProviderId: null, offeredAt: null, bookedAppointmentId: null, createdBy: context.staffMemberId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'create', recordType: 'WaitlistEntry', recordId: entry.id, patientId: entry.patientId });
    return entry;
  });
}

/** Takes a patient off the waitlist. */
export async function removeFromWaitlist(db: Kysely<Database>, context: SchedulingContext, entryId: string): Promise<WaitlistEntryRow> {
  return db.transaction().execute(async (trx) => {
    const entry = await trx
      .updateTable('waitlistEntries')
      .set((eb) => ({ status: 'removed', version: eb('version', '+', 1) }))
      .where('id', '=', entryId)
      .where('organizationId', '=', context.organizationId)
      .returningAll()
      .executeTakeFirst();
    if (!entry) throw new AppError('WAITLIST_ENTRY_NOT_FOUND');
    await recordAudit(trx, context, { action: 'update', recordType: 'WaitlistEntry', recordId: entry.id, patientId: entry.patientId, details: { status: 'removed' } });
    return entry;
  });
}

export async function findWaitlist(db: Kysely<Database>, organizationId: string, locationId: string, status: WaitlistEntryRow['status'] | undefined) {
  return db
    .selectFrom('waitlistEntries')
    .selectAll()
    .where('organizationId', '=', organizationId)
    .where('locationId', '=', locationId)
    .$if(status !== undefined, (query) => query.where('status', '=', status!))
    .orderBy('createdAt')
    .limit(500)
    .execute();
}

/**
 * Offers time a cancellation freed to the longest-waiting matching entry (same location and type,
 * that provider or any, the date inside the patient's window, the patient not booked at that time)
 * and puts a task in the front-desk pool.
 */
export async function offerFreedSlot(trx: Transaction<Database>, context: SchedulingContext, freed: AppointmentRow): Promise<WaitlistEntryRow | undefined> {
  if (!freed.appointmentTypeId) return undefined;
  const location = await getLocation(trx, freed.organizationId, freed.locationId);
  if (!location) return undefined;
  const localDate = localDateOf(new Date(freed.startsAt), location.timeZone);
  const candidate = await trx
    .selectFrom('waitlistEntries')
    .select('id')
    .where('organizationId', '=', freed.organizationId)
    .where('locationId', '=', freed.locationId)
    .where('status', '=', 'waiting')
    .where('appointmentTypeId', '=', freed.appointmentTypeId)
    .where((eb) => eb.or([eb('providerId', 'is', null), eb('providerId', '=', freed.providerId)]))
    .where('earliestDate', '<=', localDate)
    .where('latestDate', '>=', localDate)
    .where('patientId', '!=', freed.patientId)
    // not a patient already booked (with anyone) at that time: they could not take it
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('appointments as booked')
      .select('booked.id')
      .whereRef('booked.patientId', '=', 'waitlistEntries.patientId')
      .where('booked.organizationId', '=', freed.organizationId)
      .where('booked.status', 'not in', releasedStatuses)
      .where('booked.startsAt', '<', new Date(freed.endsAt))
      .where('booked.endsAt', '>', new Date(freed.startsAt)))))
    .orderBy('createdAt')
    .orderBy('id')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!candidate) return undefined;
  const entry = await trx
    .updateTable('waitlistEntries')
    .set({ status: 'offered', offeredStartsAt: new Date(freed.startsAt), offeredProviderId: freed.providerId, offeredAt: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('id', '=', candidate.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, context, { action: 'update', recordType: 'WaitlistEntry', recordId: entry.id, patientId: entry.patientId, details: { status: 'offered', freedAppointmentId: freed.id } });
  await createTask(trx, context, {
    title: 'Offer a freed slot to a waitlisted patient',
    kind: 'waitlist-offer',
    patientId: entry.patientId,
    ownerPool: 'front-desk',
    priority: 'routine',
    dueAt: new Date(freed.startsAt),
    focusType: 'WaitlistEntry',
    focusId: entry.id,
    description: `Freed slot ${new Date(freed.startsAt).toISOString()} with the same provider and type.`,
  });
  return entry;
}
