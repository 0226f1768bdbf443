import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { FlowBoard, FlowBoardRow } from '../../../../contracts/front-desk/flow.contract.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { allowedNextStatuses, allowedNextStatusesFor } from './flow-state-machine.js';
import { isSuggestedNoShow, minutesBetween, urgencyFor } from './flow-timing.js';
import type { FlowContext } from './move-visit.js';

/** The day's start and end at a location, as instants. */
export function dayBounds(date: string, timeZone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** Reads the live flow board of one location and day (an audited read: it shows who is in the clinic). */
export async function readFlowBoard(db: Kysely<Database>, context: FlowContext, input: { locationId: string; date?: string | undefined }, now = new Date()): Promise<FlowBoard> {
  return db.transaction().execute(async (trx) => {
    const location = await trx
      .selectFrom('locations')
      .select(['id', 'timeZone'])
      .where('id', '=', input.locationId)
      .where('organizationId', '=', context.organizationId)
      .executeTakeFirst();
    if (!location) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
    const settings = await trx
      .selectFrom('organizationSettings')
      .select(['flowAmberMinutes', 'flowRedMinutes', 'noShowAfterMinutes'])
      .where('organizationId', '=', context.organizationId)
      .executeTakeFirst();
    const thresholds = {
      amberMinutes: settings?.flowAmberMinutes ?? 15,
      redMinutes: settings?.flowRedMinutes ?? 30,
      noShowAfterMinutes: settings?.noShowAfterMinutes ?? 15,
    };
    const date = input.date ?? DateTime.fromJSDate(now, { zone: location.timeZone }).toISODate()!;
    const { start, end } = dayBounds(date, location.timeZone);
    const rows = await trx
      .selectFrom('appointments as a')
      .innerJoin('patients as p', 'p.id', 'a.patientId')
      .innerJoin('staffMembers as pr', 'pr.id', 'a.providerId')
      .leftJoin('staffMembers as ma', 'ma.id', 'a.medicalAssistantId')
      .leftJoin('examRooms as r', 'r.id', 'a.currentRoomId')
      .leftJoin('appointmentTypes as t', 't.id', 'a.appointmentTypeId')
      .leftJoin('checkIns as c', 'c.appointmentId', 'a.id')
      .select([
        'a.id', 'a.version', 'a.startsAt', 'a.endsAt', 'a.status', 'a.statusChangedAt', 'a.isWalkIn',
        'p.id as patientId', 'p.givenName', 'p.familyName', 'p.mrn', 'p.dateOfBirth', 'p.interpreterNeeded', 'p.preferredLanguage',
        'pr.id as providerId', 'pr.displayName as providerName',
        'ma.id as maId', 'ma.displayName as maName',
        'r.id as roomId', 'r.name as roomName',
        't.name as appointmentTypeName',
        'c.arrivedAt', 'c.intakeStatus',
      ])
      .select((eb) => [
        eb.selectFrom('appointmentStatusChanges as sc').select((inner) => inner.fn.min('sc.changedAt').as('m'))
          .whereRef('sc.appointmentId', '=', 'a.id').where('sc.toStatus', '=', 'roomed').as('firstRoomedAt'),
        eb.exists(
          eb.selectFrom('appointmentConfirmationTokens as ct').select(sql`1`.as('one')).whereRef('ct.appointmentId', '=', 'a.id').where('ct.action', '=', 'confirm'),
        ).as('isConfirmed'),
        eb.exists(
          eb.selectFrom('vitalAlerts as va').select(sql`1`.as('one')).whereRef('va.appointmentId', '=', 'a.id').where('va.acknowledgedAt', 'is', null),
        ).as('hasCriticalAlert'),
      ])
      .where('a.organizationId', '=', context.organizationId)
      .where('a.locationId', '=', location.id)
      .where('a.startsAt', '>=', start)
      .where('a.startsAt', '<', end)
      .where('a.status', '!=', 'entered-in-error')
      .orderBy('a.startsAt')
      .orderBy('p.familyName')
      .execute();

    const board: FlowBoardRow[] = rows.map((row) => {
      const statusChangedAt = new Date(row.statusChangedAt);
      const minutesInStatus = minutesBetween(statusChangedAt, now);
      const arrivedAt = row.arrivedAt ? new Date(row.arrivedAt) : null;
      const firstRoomedAt = row.firstRoomedAt ? new Date(row.firstRoomedAt as Date | string) : null;
      return {
        appointmentId: row.id,
        version: row.version,
        patient: { id: row.patientId, name: `${row.familyName}, ${row.givenName}`, mrn: row.mrn, dateOfBirth: row.dateOfBirth },
        startsAt: new Date(row.startsAt).toISOString(),
        endsAt: new Date(row.endsAt).toISOString(),
        appointmentTypeName: row.appointmentTypeName,
        isWalkIn: row.isWalkIn,
        status: row.status,
        statusChangedAt: statusChangedAt.toISOString(),
        minutesInStatus,
        urgency: urgencyFor(row.status, minutesInStatus, thresholds),
        room: row.roomId ? { id: row.roomId, name: row.roomName ?? '' } : null,
        medicalAssistant: row.maId ? { id: row.maId, name: row.maName ?? '' } : null,
        provider: { id: row.providerId, name: row.providerName },
        flags: row.interpreterNeeded ? ['interpreter-needed' as const] : [],
        interpreterLanguage: row.interpreterNeeded ? row.preferredLanguage : null,
        arrivedAt: arrivedAt?.toISOString() ?? null,
        doorToRoomMinutes: arrivedAt && firstRoomedAt ? minutesBetween(arrivedAt, firstRoomedAt) : null,
        isSuggestedNoShow: isSuggestedNoShow(row.status, new Date(row.startsAt), now, thresholds.noShowAfterMinutes),
        isConfirmed: Boolean(row.isConfirmed),
        intakeStatus: row.intakeStatus ?? null,
        hasCriticalAlert: Boolean(row.hasCriticalAlert),
        allowedNext: allowedNextStatuses(row.status),
        allowedNextForYou: allowedNextStatusesFor(row.status, context.roles),
      };
    });
    await recordAudit(trx, context, {
      action: 'read', recordType: 'FlowBoard', recordId: location.id,
      details: { date, appointmentIds: board.map((row) => row.appointmentId) },
    });
    return { locationId: location.id, date, thresholds, rows: board };
  });
}
