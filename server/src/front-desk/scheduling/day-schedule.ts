import type { Kysely } from 'kysely';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { toAppointmentView, type SchedulingContext } from './appointment-view.js';
import { getLocation } from './scheduling.repository.js';
import { localDateOf, localDayBounds } from './slots.js';

async function findDayAppointments(db: Kysely<Database>, organizationId: string, locationId: string, from: Date, to: Date) {
  return db
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patientId')
    .innerJoin('staffMembers as s', 's.id', 'a.providerId')
    .leftJoin('appointmentTypes as t', 't.id', 'a.appointmentTypeId')
    .selectAll('a')
    .select(['p.givenName', 'p.familyName', 'p.dateOfBirth', 's.displayName as providerName', 't.name as appointmentTypeName', 't.color'])
    .where('a.organizationId', '=', organizationId)
    .where('a.locationId', '=', locationId)
    .where('a.startsAt', '>=', from)
    .where('a.startsAt', '<', to)
    .where('a.status', '!=', 'entered-in-error')
    .orderBy('a.startsAt')
    .execute();
}

/** The day at a location, by provider and by room, with each patient's name and date of birth; audited as a read of each patient. */
export async function openDaySchedule(db: Kysely<Database>, context: SchedulingContext, locationId: string, date: string) {
  return db.transaction().execute(async (trx) => {
    const location = await getLocation(trx, context.organizationId, locationId);
    if (!location) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
    const { startsAt, endsAt } = localDayBounds(date, location.timeZone);
    const rows = await findDayAppointments(trx, context.organizationId, locationId, startsAt, endsAt);
    const rooms = await trx.selectFrom('examRooms').select(['id', 'name']).where('locationId', '=', locationId).orderBy('displayOrder').orderBy('name').execute();
    const views = rows.map((row) => ({
      ...toAppointmentView(row),
      patientName: `${row.familyName}, ${row.givenName}`,
      patientDateOfBirth: row.dateOfBirth,
      providerName: row.providerName,
      appointmentTypeName: row.appointmentTypeName ?? null,
      color: row.color ?? null,
      currentRoomId: row.currentRoomId,
    }));
    const byProvider = new Map<string, { providerId: string; providerName: string; appointments: typeof views }>();
    for (const view of views) {
      const group = byProvider.get(view.providerId) ?? { providerId: view.providerId, providerName: view.providerName, appointments: [] };
      group.appointments.push(view);
      byProvider.set(view.providerId, group);
    }
    // A patient in an exam room now is shown under that room; otherwise under the room booked in advance.
    const roomIds = new Set<string>(rooms.map((room) => room.id));
    const placedIn = (view: (typeof views)[number]) => (view.currentRoomId !== null && roomIds.has(view.currentRoomId) ? view.currentRoomId : view.roomId);
    const byRoom = [
      ...rooms.map((room) => ({ roomId: room.id as string | null, roomName: room.name, appointments: views.filter((view) => placedIn(view) === room.id) })),
      { roomId: null, roomName: 'No room booked', appointments: views.filter((view) => placedIn(view) === null) },
    ];
    await recordAudit(trx, context, views.map((view) => ({ action: 'read' as const, recordType: 'Appointment', recordId: view.id, patientId: view.patientId, details: { view: 'day-schedule', date } })));
    return { locationId, date, timeZone: location.timeZone, byProvider: [...byProvider.values()], byRoom };
  });
}

/** Scheduled appointments today whose patient has not arrived N minutes (the clinic's setting) after the start. */
export async function findSuggestedNoShows(db: Kysely<Database>, context: SchedulingContext, locationId: string, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    const location = await getLocation(trx, context.organizationId, locationId);
    if (!location) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
    const settings = await trx.selectFrom('organizationSettings').select('noShowAfterMinutes').where('organizationId', '=', context.organizationId).executeTakeFirst();
    const graceMinutes = settings?.noShowAfterMinutes ?? 15;
    const { startsAt } = localDayBounds(localDateOf(now, location.timeZone), location.timeZone);
    const rows = await trx
      .selectFrom('appointments')
      .selectAll()
      .where('organizationId', '=', context.organizationId)
      .where('locationId', '=', locationId)
      .where('status', '=', 'scheduled')
      .where('startsAt', '>=', startsAt)
      .where('startsAt', '<=', new Date(now.getTime() - graceMinutes * 60_000))
      .orderBy('startsAt')
      .execute();
    await recordAudit(trx, context, rows.map((row) => ({ action: 'read' as const, recordType: 'Appointment', recordId: row.id, patientId: row.patientId, details: { view: 'suggested-no-shows' } })));
    return {
      graceMinutes,
      appointments: rows.map((row) => ({ ...toAppointmentView(row), minutesLate: Math.floor((now.getTime() - new Date(row.startsAt).getTime()) / 60_000) })),
    };
  });
}
