import type { Kysely } from 'kysely';
import { AppError, publishLiveEvent, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { minutesBetween } from './flow-timing.js';
import { lockRoom, setRoomState } from './flow.repository.js';
import type { FlowContext } from './move-visit.js';

/** The exam-room grid of one location: each room's state, since when, and who is in it (initials and MRN only; an audited read). */
export async function readRoomGrid(db: Kysely<Database>, context: FlowContext, locationId: string, now = new Date()) {
  const { organizationId } = context;
  const rows = await db
    .selectFrom('examRooms as r')
    .leftJoin('appointments as a', (join) => join.onRef('a.id', '=', 'r.currentAppointmentId').on('r.state', '=', 'occupied'))
    .leftJoin('patients as p', 'p.id', 'a.patientId')
    .select(['r.id', 'r.name', 'r.state', 'r.stateChangedAt', 'r.version', 'a.id as appointmentId', 'a.status', 'p.givenName', 'p.familyName', 'p.mrn'])
    .where('r.organizationId', '=', organizationId)
    .where('r.locationId', '=', locationId)
    .where('r.isActive', '=', true)
    .orderBy('r.displayOrder')
    .orderBy('r.name')
    .execute();
  // rooms are read by organization and location, so an unknown location (or another clinic's) has none
  if (rows.length === 0) {
    const location = await db.selectFrom('locations').select('id').where('id', '=', locationId).where('organizationId', '=', organizationId).executeTakeFirst();
    if (!location) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
  }
  const occupantIds = rows.flatMap((row) => (row.appointmentId ? [row.appointmentId] : []));
  if (occupantIds.length > 0) await recordAudit(db, context, { action: 'read', recordType: 'RoomGrid', recordId: locationId, details: { appointmentIds: occupantIds } });
  return {
    locationId,
    rooms: rows.map((row) => ({
      id: row.id,
      name: row.name,
      state: row.state,
      stateChangedAt: new Date(row.stateChangedAt).toISOString(),
      minutesInState: minutesBetween(new Date(row.stateChangedAt), now),
      occupant:
        row.appointmentId && row.status && row.mrn
          ? { appointmentId: row.appointmentId, initials: `${row.givenName?.[0] ?? ''}${row.familyName?.[0] ?? ''}`.toUpperCase(), mrn: row.mrn, status: row.status }
          : null,
      version: row.version,
    })),
  };
}

/** Marks an exam room cleaned: it is ready for the next patient. Refused while a patient is in it. */
export async function markRoomCleaned(db: Kysely<Database>, context: FlowContext, roomId: string) {
  return db.transaction().execute(async (trx) => {
    const room = await lockRoom(trx, context.organizationId, roomId);
    if (!room) throw new AppError('ROOM_NOT_FOUND');
    if (room.state === 'occupied') throw new AppError('ROOM_OCCUPIED', { details: { roomId, state: room.state } });
    if (room.state === 'out-of-service') throw new AppError('ROOM_NOT_READY', { message: `${room.name} is out of service; a manager returns it to service.`, details: { roomId, state: room.state } });
    if (room.state === 'ready') return { id: room.id, state: room.state, version: room.version };
    const updated = await setRoomState(trx, room.id, 'ready', null);
    await recordAudit(trx, context, { action: 'update', recordType: 'ExamRoom', recordId: room.id, details: { from: room.state, to: 'ready' } });
    await publishLiveEvent(trx, { organizationId: context.organizationId, topic: `rooms:${room.locationId}`, type: 'room.ready', payload: { roomId: room.id, state: 'ready' } });
    return { id: updated.id, state: updated.state, version: updated.version };
  });
}
