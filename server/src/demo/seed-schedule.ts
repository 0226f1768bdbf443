import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../platform/db/schema.js';

const demoTypes = [
  { name: 'New patient', durationMinutes: 40, isNewPatient: true, visitKind: 'ROUTINE', color: '#1c7ed6' },
  { name: 'Follow-up', durationMinutes: 20, visitKind: 'FOLLOWUP', color: '#2f9e44' },
  { name: 'Annual physical', durationMinutes: 40, visitKind: 'CHECKUP', color: '#7048e8' },
  { name: 'Same-day sick', durationMinutes: 15, visitKind: 'EMERGENCY', color: '#e03131' },
  { name: 'Nurse/MA visit', durationMinutes: 15, visitKind: 'ROUTINE', color: '#f08c00' },
  { name: 'Telehealth follow-up', durationMinutes: 20, isTelehealth: true, visitKind: 'FOLLOWUP', color: '#0c8599' },
] as const;

const demoReasons = ['Blood pressure follow-up', 'Diabetes check', 'Cough for 3 days', 'Medication review', 'Knee pain', 'Lab results review'];

/**
 * The demo clinic's schedule: appointment types, Mon–Fri templates for every provider (morning and
 * afternoon blocks, a same-day sick hold after lunch) and today's and tomorrow's appointments in the
 * location's time zone. Does nothing if the clinic already has appointment types.
 */
export async function seedSchedule(db: Kysely<Database>, organizationId: string, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('appointmentTypes').select('id').where('organizationId', '=', organizationId).limit(1).executeTakeFirst();
    if (existing) return;
    const location = await trx.selectFrom('locations').select(['id', 'timeZone']).where('organizationId', '=', organizationId).orderBy('createdAt').limit(1).executeTakeFirstOrThrow();
    const types = await trx.insertInto('appointmentTypes').values(demoTypes.map((type) => ({ ...type, organizationId }))).returning(['id', 'name', 'durationMinutes']).execute();
    const typeId = (name: string) => types.find((type) => type.name === name)!.id;
    const providers = await trx.selectFrom('staffMembers').select('id').where('organizationId', '=', organizationId).where(sql<boolean>`'provider' = any(roles)`).orderBy('username').execute();
    const today = DateTime.fromJSDate(now, { zone: location.timeZone }).startOf('day');
    const effectiveFrom = today.minus({ days: 30 }).toISODate()!;
    const regular = ['New patient', 'Follow-up', 'Annual physical', 'Telehealth follow-up'].map(typeId);
    const blocks = [
      { startsAtLocal: '08:00', endsAtLocal: '12:00', slotMinutes: 20, appointmentTypeIds: regular, label: 'Morning clinic', isSameDayHold: false },
      { startsAtLocal: '13:00', endsAtLocal: '14:00', slotMinutes: 15, appointmentTypeIds: [typeId('Same-day sick')], label: 'Same-day sick', isSameDayHold: true },
      { startsAtLocal: '14:00', endsAtLocal: '17:00', slotMinutes: 20, appointmentTypeIds: [...regular, typeId('Nurse/MA visit')], label: 'Afternoon clinic', isSameDayHold: false },
    ];
    await trx
      .insertInto('scheduleTemplates')
      .values(providers.flatMap((provider) => [1, 2, 3, 4, 5].flatMap((weekday) => blocks.map((block) => ({
        ...block, organizationId, locationId: location.id, providerId: provider.id, weekday, effectiveFrom, effectiveUntil: null,
      })))))
      .execute();

    const patients = await trx.selectFrom('patients').select('id').where('organizationId', '=', organizationId).where('isRestricted', '=', false).where('status', '=', 'active').orderBy('mrn').limit(providers.length * 12).execute();
    const followUp = types.find((type) => type.name === 'Follow-up')!;
    let next = 0;
    const appointments = [];
    for (const day of [today, today.plus({ days: 1 })]) {
      const isWeekday = day.weekday <= 5;
      for (const provider of providers) {
        for (const time of ['08:00', '08:40', '09:20', '10:00', '10:40', '11:20']) {
          const patient = patients[next++];
          if (!patient) break;
          const startsAt = DateTime.fromISO(`${day.toISODate()}T${time}`, { zone: location.timeZone });
          appointments.push({
            organizationId, locationId: location.id, patientId: patient.id, providerId: provider.id, appointmentTypeId: followUp.id,
            startsAt: startsAt.toJSDate(), endsAt: startsAt.plus({ minutes: followUp.durationMinutes }).toJSDate(),
            reasonForVisit: demoReasons[next % demoReasons.length]!, isOutsideTemplate: !isWeekday,
            roomId: null, overbookReason: null, telehealthJoinUrl: null, seriesId: null, rescheduledFromId: null, cancellationReason: null,
            cancellationNote: null, currentRoomId: null, medicalAssistantId: null, followUpOfId: null, bookedBy: null, bookedByClient: null,
          });
        }
      }
    }
    if (appointments.length === 0) return;
    const inserted = await trx.insertInto('appointments').values(appointments).returning('id').execute();
    await trx
      .insertInto('appointmentStatusChanges')
      .values(inserted.map((row) => ({ organizationId, appointmentId: row.id, fromStatus: null, toStatus: 'scheduled' as const, changedBy: null, changedByClient: null, roomId: null, note: 'Demo data' })))
      .execute();
  });
}
