import type { Kysely, Transaction } from 'kysely';
import { DateTime } from 'luxon';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { cancelAppointmentReminders } from '../reminders/index.js';
import type { SchedulingContext } from './appointment-view.js';
import { announceAppointment, bookAppointment, withSlotGuard } from './book-appointment.js';
import { getLocation, lockAppointment, updateWithTransition, type HolderProbe, type AppointmentRow } from './scheduling.repository.js';
import { offerFreedSlot } from './waitlist.js';

const clientId = (context: SchedulingContext) => (context.actor?.kind === 'client' ? context.actor.id : null);
const isIntegration = (context: SchedulingContext) => context.actor?.roles.includes('integration') ?? false;

async function lockScheduled(trx: Transaction<Database>, context: SchedulingContext, appointmentId: string, version: number, doing: string) {
  const current = await lockAppointment(trx, context.organizationId, appointmentId);
  if (!current) throw new AppError('APPOINTMENT_NOT_FOUND');
  if (current.version !== version) throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: current.version } });
  if (current.status !== 'scheduled') {
    throw new AppError('APPOINTMENT_NOT_CHANGEABLE', { message: `Only a scheduled appointment can be ${doing}; this one is ${current.status}.`, details: { status: current.status } });
  }
  return current;
}

/** Takes the appointment's time back: marks it with the new status and reason, stops its reminders, and offers the time to the waitlist. */
async function release(
  trx: Transaction<Database>,
  context: SchedulingContext,
  current: AppointmentRow,
  change: { status: 'cancelled' | 'no-show'; reason: string | null; note: string | null },
): Promise<AppointmentRow> {
  const now = new Date();
  const updated = await updateWithTransition(trx, current, {
    status: change.status, statusChangedAt: now, updatedAt: now, version: current.version + 1,
    ...(change.status === 'cancelled' ? { cancellationReason: change.reason, cancellationNote: change.note } : {}),
  }, {
    organizationId: context.organizationId, fromStatus: current.status, toStatus: change.status, changedAt: now,
    changedBy: context.staffMemberId, changedByClient: clientId(context), note: change.note,
  });
  await cancelAppointmentReminders(trx, current.id);
  await announceAppointment(trx, updated, `appointment.${change.status}`);
  if (new Date(current.startsAt) > now) await offerFreedSlot(trx, context, updated);
  return updated;
}

/** Cancels a scheduled appointment with a FHIR cancellation reason; its time goes to the first matching waitlist entry. */
export async function cancelAppointment(
  db: Kysely<Database>,
  context: SchedulingContext,
  appointmentId: string,
  input: { reason: string; note: string; version: number },
): Promise<AppointmentRow> {
  return db.transaction().execute(async (trx) => {
    const current = await lockScheduled(trx, context, appointmentId, input.version, 'cancelled');
    const updated = await release(trx, context, current, { status: 'cancelled', reason: input.reason, note: input.note || null });
    await recordAudit(trx, context, { action: 'update', recordType: 'Appointment', recordId: current.id, patientId: current.patientId, details: { status: 'cancelled', reason: input.reason } });
    return updated;
  });
}

/** Records that the patient did not come; only once the appointment's start has passed. */
export async function markNoShow(db: Kysely<Database>, context: SchedulingContext, appointmentId: string, input: { version: number }): Promise<AppointmentRow> {
  return db.transaction().execute(async (trx) => {
    const current = await lockScheduled(trx, context, appointmentId, input.version, 'marked a no-show');
    if (new Date(current.startsAt) > new Date()) {
      throw new AppError('APPOINTMENT_NOT_CHANGEABLE', { message: 'An appointment cannot be a no-show before it starts.', details: { status: current.status } });
    }
    const updated = await release(trx, context, current, { status: 'no-show', reason: null, note: null });
    await recordAudit(trx, context, { action: 'update', recordType: 'Appointment', recordId: current.id, patientId: current.patientId, details: { status: 'no-show' } });
    return updated;
  });
}

/**
 * Moves a scheduled appointment to a new time (and optionally provider) in one transaction: the old
 * one is kept as cancelled, the new one links back to it, so the history shows the move.
 */
export async function rescheduleAppointment(
  db: Kysely<Database>,
  context: SchedulingContext,
  appointmentId: string,
  input: { startsAt: string; providerId?: string | undefined; version: number },
): Promise<{ appointment: AppointmentRow; previous: AppointmentRow }> {
  let probe: HolderProbe | undefined;
  return withSlotGuard(db, context.organizationId, () => probe, () => db.transaction().execute(async (trx) => {
    const current = await lockScheduled(trx, context, appointmentId, input.version, 'rescheduled');
    const durationMs = new Date(current.endsAt).getTime() - new Date(current.startsAt).getTime();
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(startsAt.getTime() + durationMs);
    probe = { providerId: input.providerId ?? current.providerId, patientId: current.patientId, roomId: current.roomId, startsAt, endsAt, isOverbook: current.isOverbook, excludeId: current.id };
    const previous = await release(trx, context, current, { status: 'cancelled', reason: null, note: 'Rescheduled' });
    const appointment = await bookAppointment(trx, context, {
      patientId: current.patientId, providerId: input.providerId ?? current.providerId, locationId: current.locationId,
      appointmentTypeId: current.appointmentTypeId, startsAt, endsAt, reasonForVisit: current.reasonForVisit,
      isOverbook: current.isOverbook, overbookReason: current.overbookReason, roomId: current.roomId,
      telehealthJoinUrl: current.telehealthJoinUrl, source: current.source, seriesId: current.seriesId,
      rescheduledFromId: current.id, followUpOfId: current.followUpOfId, allowOutsideTemplate: isIntegration(context),
    });
    await recordAudit(trx, context, { action: 'update', recordType: 'Appointment', recordId: current.id, patientId: current.patientId, details: { status: 'cancelled', rescheduledToId: appointment.id } });
    return { appointment, previous };
  }));
}

/** Books one visit per week at the same local time (DST-safe), all or nothing: a conflict on any date books none. */
export async function bookSeries(
  db: Kysely<Database>,
  context: SchedulingContext,
  input: Omit<Parameters<typeof bookAppointment>[2], 'seriesId' | 'source' | 'endsAt'> & { startsAt: string; occurrences: number },
): Promise<AppointmentRow[]> {
  return withSlotGuard(db, context.organizationId, () => undefined, () => db.transaction().execute(async (trx) => {
    const location = await getLocation(trx, context.organizationId, input.locationId);
    if (!location) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
    const series = await trx
      .insertInto('appointmentSeries')
      .values({ organizationId: context.organizationId, patientId: input.patientId, frequency: 'weekly', intervalCount: 1, occurrences: input.occurrences, createdBy: context.staffMemberId })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch(() => { throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' }); });
    const first = DateTime.fromISO(input.startsAt, { setZone: true }).setZone(location.timeZone);
    const booked: AppointmentRow[] = [];
    const conflicts: Array<{ date: string; startsAt: string; code: string; message: string; slot?: unknown }> = [];
    for (let week = 0; week < input.occurrences; week++) {
      const startsAt = first.plus({ weeks: week });
      try {
        booked.push(await bookAppointment(trx, context, { ...input, startsAt: startsAt.toJSDate(), seriesId: series.id, source: 'series', allowOutsideTemplate: input.allowOutsideTemplate ?? isIntegration(context) }));
      } catch (error) {
        if (!(error instanceof AppError) || !['SLOT_TAKEN', 'APPOINTMENT_OUTSIDE_TEMPLATE', 'APPOINTMENT_IN_PAST'].includes(error.code)) throw error;
        conflicts.push({ date: startsAt.toISODate()!, startsAt: startsAt.toUTC().toISO()!, code: error.code, message: error.message, ...(error.details?.slot ? { slot: error.details.slot } : {}) });
      }
    }
    if (conflicts.length > 0) {
      throw new AppError('SERIES_CONFLICT', { field: 'startsAt', message: `${conflicts.length} of ${input.occurrences} dates cannot be booked: ${conflicts.map((c) => c.date).join(', ')}. Nothing was booked.`, details: { conflicts } });
    }
    return booked;
  }));
}
