import { jsonObjectFrom } from 'kysely/helpers/postgres';
import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { AppointmentsTable } from './scheduling.table.js';
import type { BusyRange, TemplateBlock } from './slots.js';

type Db = Kysely<Database> | Transaction<Database>;
export type AppointmentRow = Selectable<AppointmentsTable>;

/** Statuses that give their time back (the exclusion constraints skip them too). */
export const releasedStatuses = ['cancelled', 'no-show', 'entered-in-error'] as const;

const MAX_VISIT_MS = 24 * 60 * 60 * 1000;

/**
 * Everything a booking checks about who and where, in one round trip: the location, the appointment
 * type (when one is named), the provider and the patient, each undefined when not this clinic's.
 */
export async function findBookingParties(db: Db, organizationId: string, ids: { locationId: string; appointmentTypeId: string | null; providerId: string; patientId: string }) {
  const row = await db
    .selectNoFrom((eb) => [
      jsonObjectFrom(eb.selectFrom('locations').select(['id', 'timeZone', 'name']).where('id', '=', ids.locationId).where('organizationId', '=', organizationId)).as('location'),
      jsonObjectFrom(eb
        .selectFrom('appointmentTypes')
        .select(['id', 'name', 'durationMinutes', 'isActive', 'isTelehealth', 'bookableByRoles'])
        .$if(!ids.appointmentTypeId, (query) => query.where(sql<boolean>`false`))
        .$if(!!ids.appointmentTypeId, (query) => query.where('id', '=', ids.appointmentTypeId!))
        .where('organizationId', '=', organizationId)).as('type'),
      jsonObjectFrom(eb.selectFrom('staffMembers').select(['id', 'roles', 'isActive']).where('id', '=', ids.providerId).where('organizationId', '=', organizationId)).as('provider'),
      jsonObjectFrom(eb.selectFrom('patients').select(['id', 'status']).where('id', '=', ids.patientId).where('organizationId', '=', organizationId)).as('patient'),
    ])
    .executeTakeFirstOrThrow();
  return {
    location: row.location ?? undefined,
    type: row.type ?? undefined,
    provider: row.provider ?? undefined,
    patient: row.patient ?? undefined,
  };
}

export async function getLocation(db: Db, organizationId: string, locationId: string) {
  return db
    .selectFrom('locations')
    .select(['id', 'timeZone', 'name'])
    .where('id', '=', locationId)
    .where('organizationId', '=', organizationId)
    .executeTakeFirst();
}

/** Template blocks at a location, of active providers, optionally for one provider and one type. */
export async function findTemplateBlocks(
  db: Db,
  organizationId: string,
  filter: { locationId: string; providerId?: string | undefined; appointmentTypeId?: string | undefined; weekdays?: readonly number[] | undefined },
): Promise<Array<TemplateBlock & { providerName: string; providerCredentials: string }>> {
  let query = db
    .selectFrom('scheduleTemplates as t')
    .innerJoin('staffMembers as s', 's.id', 't.providerId')
    .select(['t.id', 't.providerId', 't.weekday', 't.startsAtLocal', 't.endsAtLocal', 't.slotMinutes', 't.isSameDayHold', 't.effectiveFrom', 't.effectiveUntil', 's.displayName as providerName', 's.credentials as providerCredentials'])
    .where('t.organizationId', '=', organizationId)
    .where('t.locationId', '=', filter.locationId)
    .where('s.isActive', '=', true);
  if (filter.providerId) query = query.where('t.providerId', '=', filter.providerId);
  if (filter.weekdays) query = query.where('t.weekday', 'in', [...filter.weekdays]);
  // Filtered by type in SQL, the block's list of types is not needed (and uuid[] is slow to parse).
  const typeId = filter.appointmentTypeId;
  if (typeId) {
    const rows = await query.where(sql<boolean>`t.appointment_type_ids @> array[${typeId}]::uuid[]`).execute();
    return rows.map((row) => ({ ...row, appointmentTypeIds: [typeId] }));
  }
  return query.select('t.appointmentTypeIds').execute();
}

/** Exceptions at this location (or clinic-wide) overlapping [from, to), as busy ranges. */
export async function findExceptionRanges(db: Db, organizationId: string, locationId: string, from: Date, to: Date): Promise<BusyRange[]> {
  const rows = await db
    .selectFrom('scheduleExceptions')
    .select(['providerId', 'startsAt', 'endsAt'])
    .where('organizationId', '=', organizationId)
    .where((eb) => eb.or([eb('locationId', 'is', null), eb('locationId', '=', locationId)]))
    .where('startsAt', '<', to)
    .where('endsAt', '>', from)
    .execute();
  return rows.map((row) => ({ providerId: row.providerId, startsAt: new Date(row.startsAt), endsAt: new Date(row.endsAt) }));
}

/** Exceptions and bookings together in one round trip: everything that is not free for these providers in [from, to). */
/**
 * What makes times unbookable between `from` and `to`: schedule exceptions, the providers' bookings
 * and, for a search on behalf of one patient, that patient's own bookings (with any provider, at any
 * location: busy for every provider, as a clinic-wide closure is).
 */
export async function findBusyRanges(db: Db, organizationId: string, locationId: string, providerIds: readonly string[], from: Date, to: Date, patientId?: string): Promise<BusyRange[]> {
  // Epoch milliseconds as float8 are far cheaper for the driver to parse than timestamps.
  const startsMs = sql<number>`(extract(epoch from starts_at) * 1000)::float8`.as('startsMs');
  const endsMs = sql<number>`(extract(epoch from ends_at) * 1000)::float8`.as('endsMs');
  const exceptions = db
    .selectFrom('scheduleExceptions')
    .select(['providerId', startsMs, endsMs])
    .where('organizationId', '=', organizationId)
    .where((eb) => eb.or([eb('locationId', 'is', null), eb('locationId', '=', locationId)]))
    .where('startsAt', '<', to)
    .where('endsAt', '>', from);
  const booked = db
    .selectFrom('appointments')
    .select(['providerId', startsMs, endsMs])
    .where('organizationId', '=', organizationId)
    .where('providerId', 'in', [...new Set(providerIds)])
    .where('status', 'not in', releasedStatuses)
    .where('startsAt', '<', to)
    .where('startsAt', '>', new Date(from.getTime() - MAX_VISIT_MS))
    .where('endsAt', '>', from);
  let busy = providerIds.length === 0 ? exceptions : exceptions.unionAll(booked);
  if (patientId && providerIds.length > 0) {
    busy = busy.unionAll(db
      .selectFrom('appointments')
      .select([sql<string | null>`null::uuid`.as('providerId'), startsMs, endsMs])
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patientId)
      .where('status', 'not in', releasedStatuses)
      .where('startsAt', '<', to)
      .where('startsAt', '>', new Date(from.getTime() - MAX_VISIT_MS))
      .where('endsAt', '>', from));
  }
  const rows = await busy.execute();
  return rows.map((row) => ({ providerId: row.providerId, startsAt: new Date(Number(row.startsMs)), endsAt: new Date(Number(row.endsMs)) }));
}

/** A location's time zone and an appointment type's length, in one round trip. */
export async function getLocationAndType(db: Db, organizationId: string, locationId: string, appointmentTypeId: string) {
  return db
    .selectFrom('locations as l')
    .leftJoin('appointmentTypes as t', (join) => join.on('t.id', '=', appointmentTypeId).on('t.organizationId', '=', organizationId))
    .select(['l.id', 'l.timeZone', 't.id as typeId', 't.durationMinutes', 't.isActive'])
    .where('l.id', '=', locationId)
    .where('l.organizationId', '=', organizationId)
    .executeTakeFirst();
}

/** The appointment that now holds this time for the provider, the patient or the room, if any. */
export interface HolderProbe { providerId: string; patientId: string; roomId: string | null; startsAt: Date; endsAt: Date; isOverbook: boolean; excludeId?: string }

export async function findHolder(db: Db, organizationId: string, probe: HolderProbe) {
  const rows = await db
    .selectFrom('appointments')
    .select(['id', 'providerId', 'patientId', 'roomId', 'startsAt', 'endsAt', 'status', 'isOverbook'])
    .where('organizationId', '=', organizationId)
    .where('status', 'not in', releasedStatuses)
    .where('startsAt', '<', probe.endsAt)
    .where('startsAt', '>', new Date(probe.startsAt.getTime() - MAX_VISIT_MS))
    .where('endsAt', '>', probe.startsAt)
    .where((eb) => {
      const holders = [eb('patientId', '=', probe.patientId)];
      if (!probe.isOverbook) {
        holders.push(eb.and([eb('providerId', '=', probe.providerId), eb('isOverbook', '=', false)]));
        if (probe.roomId) holders.push(eb.and([eb('roomId', '=', probe.roomId), eb('isOverbook', '=', false)]));
      }
      return eb.or(holders);
    })
    .$if(probe.excludeId !== undefined, (query) => query.where('id', '!=', probe.excludeId!))
    .orderBy('startsAt')
    .execute();
  const row = rows[0];
  if (!row) return undefined;
  const conflict: 'patient' | 'provider' | 'room' = row.patientId === probe.patientId ? 'patient' : row.providerId === probe.providerId ? 'provider' : 'room';
  return {
    conflict,
    appointmentId: row.id,
    providerId: row.providerId,
    roomId: row.roomId,
    startsAt: new Date(row.startsAt).toISOString(),
    endsAt: new Date(row.endsAt).toISOString(),
    status: row.status,
  };
}

/** Locks one appointment of the organization for the rest of the transaction. */
export async function lockAppointment(trx: Db, organizationId: string, appointmentId: string): Promise<AppointmentRow | undefined> {
  return trx
    .selectFrom('appointments')
    .selectAll()
    .where('id', '=', appointmentId)
    .where('organizationId', '=', organizationId)
    .forUpdate()
    .executeTakeFirst();
}

export async function getAppointment(db: Db, organizationId: string, appointmentId: string): Promise<AppointmentRow | undefined> {
  return db.selectFrom('appointments').selectAll().where('id', '=', appointmentId).where('organizationId', '=', organizationId).executeTakeFirst();
}

/** A status transition as appointment_status_changes records it. */
export interface StatusTransition {
  organizationId: string;
  fromStatus: AppointmentRow['status'] | null;
  toStatus: AppointmentRow['status'];
  /** When absent, the database's clock at the transaction's start. */
  changedAt?: Date;
  changedBy: string | null;
  changedByClient: string | null;
  roomId?: string | null;
  note?: string | null;
}

/** The appointment_status_changes row of a transition. */
export function transitionRow(appointmentId: string, transition: StatusTransition) {
  return { ...transition, appointmentId, roomId: transition.roomId ?? null, note: transition.note ?? null };
}

/**
 * Changes a (locked) appointment and records its status transition in one statement, the transition
 * by a data-modifying CTE. With `version`, only that version is changed; either way the updated row is
 * answered, or NoResultError when nothing matched (and the transaction is to be rolled back).
 */
export async function updateWithTransition(
  db: Db,
  appointment: { id: string; version?: number },
  changes: Updateable<AppointmentsTable>,
  transition: StatusTransition,
): Promise<AppointmentRow> {
  return db
    .with('changed', (qb) => qb
      .updateTable('appointments')
      .set(changes)
      .where('id', '=', appointment.id)
      .$if(appointment.version !== undefined, (query) => query.where('version', '=', appointment.version!))
      .returningAll())
    .with('transition', (qb) => qb
      .insertInto('appointmentStatusChanges')
      .values(transitionRow(appointment.id, transition)))
    .selectFrom('changed')
    .selectAll()
    .executeTakeFirstOrThrow();
}

export async function recordStatusChange(db: Db, change: StatusTransition & { appointmentId: string }): Promise<void> {
  const { appointmentId, ...transition } = change;
  await db.insertInto('appointmentStatusChanges').values(transitionRow(appointmentId, transition)).execute();
}

/** True for PostgreSQL's exclusion_violation (23P01), as `pg` and PGlite both report it. */
export function isExclusionViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23P01';
}
