import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

/** Locks one exam room of the organization for the rest of the transaction. */
export function lockRoom(trx: Kysely<Database>, organizationId: string, roomId: string) {
  return trx
    .selectFrom('examRooms')
    .selectAll()
    .where('id', '=', roomId)
    .where('organizationId', '=', organizationId)
    .forUpdate()
    .executeTakeFirst();
}

export function setRoomState(
  trx: Kysely<Database>,
  roomId: string,
  state: 'ready' | 'occupied' | 'needs-cleaning',
  currentAppointmentId: string | null,
) {
  return trx
    .updateTable('examRooms')
    .set((eb) => ({ state, currentAppointmentId, stateChangedAt: new Date(), version: eb('version', '+', 1) }))
    .where('id', '=', roomId)
    .returning(['id', 'state', 'locationId', 'version'])
    .executeTakeFirstOrThrow();
}
