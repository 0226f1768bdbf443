import type { Kysely } from 'kysely';
import type { Database } from '../src/platform/db/schema.js';
import type { AppointmentStatus } from '../src/front-desk/scheduling/scheduling.table.js';
import { makeStaffMember } from './factories.js';

let counter = 0;

/** A patient inserted directly (no duplicate check), with the fields reminders and the board read. */
export async function makePatientRow(
  db: Kysely<Database>,
  organizationId: string,
  overrides: Partial<{ givenName: string; familyName: string; preferredLanguage: string; consentToText: boolean; consentToEmail: boolean; mobilePhone: string; email: string; interpreterNeeded: boolean }> = {},
) {
  counter += 1;
  return db
    .insertInto('patients')
    .values({
      organizationId,
      mrn: `T${Date.now().toString().slice(-6)}${counter}`,
      givenName: 'Alice',
      familyName: `Adams${counter}`,
      dateOfBirth: '1980-04-12',
      sexAtBirth: 'female',
      emergencyContact: null,
      guarantor: null,
      privacyNoticeAcknowledgedAt: null,
      restrictedStaffMemberId: null,
      mergedIntoPatientId: null,
      createdBy: null,
      mobilePhone: '217-555-0101',
      email: 'alice@example.test',
      consentToText: true,
      ...overrides,
    })
    .returning(['id', 'mrn', 'givenName', 'familyName'])
    .executeTakeFirstOrThrow();
}

/** An appointment inserted directly (the booking rules are the scheduling area's; tests here need a visit). */
export async function makeAppointment(
  db: Kysely<Database>,
  input: { organizationId: string; locationId: string; patientId: string; providerId?: string; startsAt?: Date; minutes?: number; status?: AppointmentStatus; isWalkIn?: boolean },
) {
  const providerId = input.providerId ?? (await makeStaffMember(db, input.organizationId, ['provider'])).id;
  const startsAt = input.startsAt ?? new Date(Date.now() + 3 * 86_400_000);
  return db
    .insertInto('appointments')
    .values({
      organizationId: input.organizationId,
      locationId: input.locationId,
      patientId: input.patientId,
      providerId,
      roomId: null,
      appointmentTypeId: null,
      startsAt,
      endsAt: new Date(startsAt.getTime() + (input.minutes ?? 20) * 60_000),
      status: input.status ?? 'scheduled',
      isWalkIn: input.isWalkIn ?? false,
      overbookReason: null, telehealthJoinUrl: null, seriesId: null, rescheduledFromId: null, cancellationReason: null,
      cancellationNote: null, currentRoomId: null, medicalAssistantId: null, followUpOfId: null, bookedBy: null, bookedByClient: null,
    })
    .returning(['id', 'version', 'providerId', 'patientId', 'startsAt'])
    .executeTakeFirstOrThrow();
}
