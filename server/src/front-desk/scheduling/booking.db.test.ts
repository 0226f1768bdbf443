import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, patientFields, TEST_PASSWORD } from '../../../test/factories.js';
import { hashPassword } from '../../platform/auth/secrets.js';
import { makePatientRow } from '../../../test/appointment-factories.js';

const zone = 'America/Chicago';
let t: TestApp;
let organizationId: string;
let locationId: string;
let providerId: string;
let otherProviderId: string;
let frontDesk: SignedInClient;
let assistant: SignedInClient;
let manager: SignedInClient;
let followUpId: string;
let newPatientId: string;

/** A local wall-clock time `days` from today in Chicago, as an ISO instant with offset. */
const local = (days: number, time: string) => DateTime.now().setZone(zone).plus({ days }).toFormat('yyyy-MM-dd') + `T${time}:00`;
const at = (days: number, time: string) => DateTime.fromISO(local(days, time), { zone }).toISO()!;

async function newPatient(): Promise<string> {
  const response = await frontDesk.request({ method: 'POST', url: '/api/patients', payload: { ...patientFields(), duplicatesReviewed: true } });
  return response.json().patient.id;
}
const book = (client: SignedInClient, payload: object) => client.request({ method: 'POST', url: '/api/appointments', payload });

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId, locationId } = await makeOrganization(t.db));
  providerId = (await makeStaffMember(t.db, organizationId, ['provider'])).id;
  otherProviderId = (await makeStaffMember(t.db, organizationId, ['provider'])).id;
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
  assistant = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'])).username, TEST_PASSWORD);
  manager = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['manager'])).username, TEST_PASSWORD);
  const type = async (name: string, durationMinutes: number) =>
    (await manager.request({ method: 'POST', url: '/api/appointment-types', payload: { name, durationMinutes } })).json().id as string;
  followUpId = await type('Follow-up', 20);
  newPatientId = await type('New patient', 40);
  for (const provider of [providerId, otherProviderId]) {
    for (let weekday = 0; weekday <= 6; weekday++) {
      const response = await manager.request({
        method: 'POST', url: '/api/schedule-templates',
        payload: { locationId, providerId: provider, weekday, startsAtLocal: '08:00', endsAtLocal: '12:00', slotMinutes: 20, appointmentTypeIds: [followUpId, newPatientId], effectiveFrom: '2026-01-01' },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
  }
});
afterAll(() => t.close());

describe('the database forbids double-booking', () => {
  it('refuses a direct insert that partly overlaps a provider’s booking, but not an explicit overbook', async () => {
    const [first, second] = [await newPatient(), await newPatient()];
    const base = { organizationId, locationId, providerId, roomId: null, appointmentTypeId: null, overbookReason: null, telehealthJoinUrl: null, seriesId: null, rescheduledFromId: null, cancellationReason: null, cancellationNote: null, currentRoomId: null, medicalAssistantId: null, followUpOfId: null, bookedBy: null, bookedByClient: null };
    await t.db.insertInto('appointments').values({ ...base, patientId: first, startsAt: '2030-01-07T16:00:00Z', endsAt: '2030-01-07T16:20:00Z' }).execute();
    const overlap = t.db.insertInto('appointments').values({ ...base, patientId: second, startsAt: '2030-01-07T16:10:00Z', endsAt: '2030-01-07T16:30:00Z' }).execute();
    await expect(overlap).rejects.toMatchObject({ code: '23P01' });
    await t.db.insertInto('appointments').values({ ...base, patientId: second, startsAt: '2030-01-07T16:20:00Z', endsAt: '2030-01-07T16:40:00Z' }).execute();
    await t.db.insertInto('appointments').values({ ...base, patientId: first, startsAt: '2030-01-07T16:05:00Z', endsAt: '2030-01-07T16:10:00Z', isOverbook: true, overbookReason: 'Urgent', providerId: otherProviderId })
      .execute().then(() => { throw new Error('a patient in two places at once was accepted'); }, (error) => expect(error).toMatchObject({ code: '23P01' }));
    await t.db.insertInto('appointments').values({ ...base, patientId: (await newPatient()), startsAt: '2030-01-07T16:05:00Z', endsAt: '2030-01-07T16:15:00Z', isOverbook: true, overbookReason: 'Urgent' }).execute();
  });

  it('lets exactly one of 20 concurrent bookings of the same slot win; the rest get 409 naming who holds it', async () => {
    const patients = await Promise.all(Array.from({ length: 20 }, () => newPatient()));
    const startsAt = at(3, '09:00');
    const responses = await Promise.all(patients.map((patientId) => book(frontDesk, { patientId, providerId, locationId, appointmentTypeId: followUpId, startsAt })));
    const won = responses.filter((response) => response.statusCode === 201);
    const lost = responses.filter((response) => response.statusCode === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const response of lost) {
      expect(response.json().error).toMatchObject({ code: 'SLOT_TAKEN', field: 'startsAt', slot: { conflict: 'provider', appointmentId: won[0]!.json().id, providerId, status: 'scheduled' } });
    }
    const audit = await t.db.selectFrom('auditEvents').select('id').where('recordId', '=', won[0]!.json().id).where('action', '=', 'create').execute();
    expect(audit).toHaveLength(1);
  });
});

describe('booking', () => {
  it('books a follow-up for its type’s 20 minutes and drops the slot from the slot finder', async () => {
    const patientId = await newPatient();
    const before = await frontDesk.request({ method: 'GET', url: `/api/scheduling/open-slots?locationId=${locationId}&appointmentTypeId=${followUpId}&providerId=${providerId}&after=${encodeURIComponent(at(4, '00:00'))}&limit=3` });
    expect(before.json().slots[0].startsAt).toBe(new Date(at(4, '08:00')).toISOString());
    const response = await book(frontDesk, { patientId, providerId, locationId, appointmentTypeId: followUpId, startsAt: at(4, '08:00'), reasonForVisit: 'BP check' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ status: 'scheduled', isOverbook: false, isOutsideTemplate: false, endsAt: new Date(at(4, '08:20')).toISOString() });
    const after = await frontDesk.request({ method: 'GET', url: `/api/scheduling/open-slots?locationId=${locationId}&appointmentTypeId=${followUpId}&providerId=${providerId}&after=${encodeURIComponent(at(4, '00:00'))}&limit=3` });
    expect(after.json().slots[0].startsAt).toBe(new Date(at(4, '08:20')).toISOString());
  });

  it('for a named patient, leaves out the times they are already booked with anyone, and audits the search', async () => {
    const patientId = await newPatient();
    const elsewhere = await book(frontDesk, { patientId, providerId: otherProviderId, locationId, appointmentTypeId: followUpId, startsAt: at(6, '08:00') });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    const query = `/api/scheduling/open-slots?locationId=${locationId}&appointmentTypeId=${followUpId}&providerId=${providerId}&after=${encodeURIComponent(at(6, '00:00'))}&limit=2`;
    const anyone = await frontDesk.request({ method: 'GET', url: query });
    expect(anyone.json().slots.map((slot: { startsAt: string }) => slot.startsAt)).toEqual([at(6, '08:00'), at(6, '08:20')].map((time) => new Date(time).toISOString()));
    const forPatient = await frontDesk.request({ method: 'GET', url: `${query}&patientId=${patientId}` });
    expect(forPatient.statusCode, forPatient.body).toBe(200);
    expect(forPatient.json().slots.map((slot: { startsAt: string }) => slot.startsAt)).toEqual([at(6, '08:20'), at(6, '08:40')].map((time) => new Date(time).toISOString()));
    const audit = await t.db.selectFrom('auditEvents').select(['action', 'recordType']).where('patientId', '=', patientId).where('recordType', '=', 'Slot').execute();
    expect(audit).toEqual([{ action: 'search', recordType: 'Slot' }]);
    const unknown = await frontDesk.request({ method: 'GET', url: `${query}&patientId=00000000-0000-4000-8000-000000000000` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'PATIENT_NOT_FOUND', field: 'patientId' });
  });

  it.each([
    ['in the past', () => ({ startsAt: at(-1, '09:00') }), 422, 'APPOINTMENT_IN_PAST', 'startsAt'],
    ['outside the template', () => ({ startsAt: at(5, '14:00') }), 422, 'APPOINTMENT_OUTSIDE_TEMPLATE', 'startsAt'],
  ])('refuses a booking %s, naming the field', async (_label, fields, status, code, field) => {
    const response = await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, ...fields() });
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toMatchObject({ code, field });
  });

  it('refuses another clinic’s or an unknown location, type, provider or patient, naming the field, and books nothing', async () => {
    const other = await makeOrganization(t.db, 'Booking Elsewhere');
    const otherProvider = await makeStaffMember(t.db, other.organizationId, ['provider']);
    const otherType = await t.db.insertInto('appointmentTypes').values({ organizationId: other.organizationId, name: 'Elsewhere visit', durationMinutes: 20 }).returning('id').executeTakeFirstOrThrow();
    const otherPatient = await makePatientRow(t.db, other.organizationId);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const patientId = await newPatient();
    const valid = { patientId, providerId, locationId, appointmentTypeId: followUpId, startsAt: at(5, '10:00') };
    for (const [change, code, field] of [
      [{ locationId: other.locationId }, 'LOCATION_NOT_FOUND', 'locationId'],
      [{ appointmentTypeId: otherType.id }, 'APPOINTMENT_TYPE_NOT_FOUND', 'appointmentTypeId'],
      [{ appointmentTypeId: unknown }, 'APPOINTMENT_TYPE_NOT_FOUND', 'appointmentTypeId'],
      [{ providerId: otherProvider.id }, 'STAFF_NOT_FOUND', 'providerId'],
      [{ providerId: unknown }, 'STAFF_NOT_FOUND', 'providerId'],
      [{ patientId: otherPatient.id }, 'PATIENT_NOT_FOUND', 'patientId'],
    ] as const) {
      const response = await book(frontDesk, { ...valid, ...change });
      expect(response.statusCode, JSON.stringify(change)).toBe(404);
      expect(response.json().error).toMatchObject({ code, field });
    }
    expect(await t.db.selectFrom('appointments').select('id').where('patientId', '=', patientId).execute()).toEqual([]);
    const booked = await book(frontDesk, valid);
    expect(booked.statusCode, booked.body).toBe(201);
    const history = await t.db.selectFrom('appointmentStatusChanges').select(['fromStatus', 'toStatus', 'changedBy']).where('appointmentId', '=', booked.json().id).execute();
    expect(history).toEqual([{ fromStatus: null, toStatus: 'scheduled', changedBy: expect.any(String) }]);
  });

  it('refuses an inactive provider', async () => {
    const inactive = await makeStaffMember(t.db, organizationId, ['provider']);
    await t.db.updateTable('staffMembers').set({ isActive: false }).where('id', '=', inactive.id).execute();
    const response = await book(frontDesk, { patientId: await newPatient(), providerId: inactive.id, locationId, appointmentTypeId: followUpId, startsAt: at(5, '09:00') });
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'PROVIDER_INACTIVE', field: 'providerId' });
  });

  it('refuses a type the caller’s role may not book', async () => {
    const restricted = (await manager.request({ method: 'POST', url: '/api/appointment-types', payload: { name: 'Procedure', durationMinutes: 30, bookableByRoles: ['manager'] } })).json().id;
    const response = await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: restricted, startsAt: at(5, '09:00') });
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'APPOINTMENT_TYPE_NOT_BOOKABLE', field: 'appointmentTypeId' });
  });

  it('needs the overbook permission and a reason, and shows the overbook as such', async () => {
    const startsAt = at(6, '09:00');
    expect((await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt })).statusCode).toBe(201);
    const plain = await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt });
    expect(plain.statusCode).toBe(409);
    const byAssistant = await book(assistant, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt, isOverbook: true, overbookReason: 'Acute pain' });
    expect(byAssistant.statusCode).toBe(403);
    expect(byAssistant.json().error).toMatchObject({ code: 'FORBIDDEN_BY_POLICY', field: 'isOverbook' });
    const noReason = await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt, isOverbook: true });
    expect(noReason.json().error).toMatchObject({ code: 'OVERBOOK_REASON_REQUIRED', field: 'overbookReason' });
    const overbook = await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt, isOverbook: true, overbookReason: 'Acute pain' });
    expect(overbook.statusCode).toBe(201);
    expect(overbook.json()).toMatchObject({ isOverbook: true, overbookReason: 'Acute pain' });
    const day = await frontDesk.request({ method: 'GET', url: `/api/scheduling/day?locationId=${locationId}&date=${local(6, '00:00').slice(0, 10)}` });
    const mine = day.json().byProvider.find((group: { providerId: string }) => group.providerId === providerId);
    expect(mine.appointments.filter((a: { isOverbook: boolean }) => a.isOverbook)).toHaveLength(1);
    expect(mine.appointments[0].patientName).toMatch(/^Adams/);
    expect(mine.appointments[0].patientDateOfBirth).toBe('1980-04-12');
    const reads = await t.db.selectFrom('auditEvents').select('id').where('action', '=', 'read').where('recordType', '=', 'Appointment').where('actorId', '=', frontDesk.staffMemberId).execute();
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });
});

describe('changing a booking', () => {
  it('reschedules in one transaction, keeping the old appointment as cancelled with a link', async () => {
    const patientId = await newPatient();
    const original = (await book(frontDesk, { patientId, providerId, locationId, appointmentTypeId: followUpId, startsAt: at(7, '09:00') })).json();
    const response = await frontDesk.request({ method: 'POST', url: `/api/appointments/${original.id}/reschedule`, payload: { startsAt: at(7, '09:20'), version: original.version } });
    expect(response.statusCode, response.body).toBe(200);
    const { appointment, previous } = response.json();
    expect(previous).toMatchObject({ id: original.id, status: 'cancelled', cancellationNote: 'Rescheduled' });
    expect(appointment).toMatchObject({ rescheduledFromId: original.id, status: 'scheduled', startsAt: new Date(at(7, '09:20')).toISOString() });
    const stale = await frontDesk.request({ method: 'POST', url: `/api/appointments/${original.id}/reschedule`, payload: { startsAt: at(7, '10:00'), version: original.version } });
    expect(stale.statusCode).toBe(409);
    const holder = (await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt: at(7, '10:00') })).json();
    const onto = await frontDesk.request({ method: 'POST', url: `/api/appointments/${appointment.id}/reschedule`, payload: { startsAt: at(7, '10:00'), version: appointment.version } });
    expect(onto.statusCode).toBe(409);
    expect(onto.json().error).toMatchObject({ code: 'SLOT_TAKEN', slot: { appointmentId: holder.id } });
    const unchanged = await frontDesk.request({ method: 'GET', url: `/api/appointments/${appointment.id}` });
    expect(unchanged.json()).toMatchObject({ status: 'scheduled', version: appointment.version });
  });

  it('offers a cancelled slot to the first matching waitlist entry and puts a task in the front-desk pool', async () => {
    const waiting = await newPatient();
    const date = local(8, '00:00').slice(0, 10);
    const entry = await frontDesk.request({ method: 'POST', url: '/api/waitlist', payload: { locationId, patientId: waiting, appointmentTypeId: followUpId, earliestDate: date, latestDate: date } });
    expect(entry.statusCode, entry.body).toBe(201);
    const otherType = await frontDesk.request({ method: 'POST', url: '/api/waitlist', payload: { locationId, patientId: await newPatient(), appointmentTypeId: newPatientId, earliestDate: date, latestDate: date } });
    const booked = (await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt: at(8, '10:00') })).json();
    const cancel = await frontDesk.request({ method: 'POST', url: `/api/appointments/${booked.id}/cancel`, payload: { reason: 'pat-fb', note: 'Feeling better', version: booked.version } });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled', cancellationReason: 'pat-fb' });
    const list = (await frontDesk.request({ method: 'GET', url: `/api/waitlist?locationId=${locationId}` })).json();
    expect(list.find((row: { id: string }) => row.id === entry.json().id)).toMatchObject({ status: 'offered', offeredStartsAt: new Date(at(8, '10:00')).toISOString(), offeredProviderId: providerId });
    expect(list.find((row: { id: string }) => row.id === otherType.json().id)).toMatchObject({ status: 'waiting' });
    const task = await t.db.selectFrom('tasks').selectAll().where('focusId', '=', entry.json().id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ kind: 'waitlist-offer', ownerPool: 'front-desk', patientId: waiting });
    const fromOffer = await book(frontDesk, { patientId: waiting, providerId, locationId, appointmentTypeId: followUpId, startsAt: at(8, '10:00'), waitlistEntryId: entry.json().id });
    expect(fromOffer.statusCode, fromOffer.body).toBe(201);
    expect(fromOffer.json().source).toBe('waitlist');
    const bookedEntry = await t.db.selectFrom('waitlistEntries').selectAll().where('id', '=', entry.json().id).executeTakeFirstOrThrow();
    expect(bookedEntry).toMatchObject({ status: 'booked', bookedAppointmentId: fromOffer.json().id });
    const badReason = await frontDesk.request({ method: 'POST', url: `/api/appointments/${booked.id}/cancel`, payload: { reason: 'bored', version: 2 } });
    expect(badReason.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'reason' });
  });

  it('passes over a waiting patient who is already booked at the freed time, and offers it to the next', async () => {
    const date = local(10, '00:00').slice(0, 10);
    const busyPatient = await newPatient();
    const first = await frontDesk.request({ method: 'POST', url: '/api/waitlist', payload: { locationId, patientId: busyPatient, appointmentTypeId: followUpId, earliestDate: date, latestDate: date } });
    const second = await frontDesk.request({ method: 'POST', url: '/api/waitlist', payload: { locationId, patientId: await newPatient(), appointmentTypeId: followUpId, earliestDate: date, latestDate: date } });
    expect((await book(frontDesk, { patientId: busyPatient, providerId: otherProviderId, locationId, appointmentTypeId: followUpId, startsAt: at(10, '10:00') })).statusCode).toBe(201);
    const booked = (await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt: at(10, '10:00') })).json();
    const cancel = await frontDesk.request({ method: 'POST', url: `/api/appointments/${booked.id}/cancel`, payload: { reason: 'pat-fb', version: booked.version } });
    expect(cancel.statusCode, cancel.body).toBe(200);
    const list = (await frontDesk.request({ method: 'GET', url: `/api/waitlist?locationId=${locationId}` })).json() as Array<{ id: string; status: string }>;
    expect(list.find((row) => row.id === first.json().id)).toMatchObject({ status: 'waiting' });
    expect(list.find((row) => row.id === second.json().id)).toMatchObject({ status: 'offered' });
  });

  it('books a weekly series all or nothing, listing the conflicting dates', async () => {
    const patientId = await newPatient();
    const blocker = (await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt: at(9 + 14, '11:00') })).json();
    const before = await t.db.selectFrom('appointments').select('id').where('patientId', '=', patientId).execute();
    const refused = await frontDesk.request({ method: 'POST', url: '/api/appointment-series', payload: { patientId, providerId, locationId, appointmentTypeId: followUpId, startsAt: at(9, '11:00'), occurrences: 4 } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('SERIES_CONFLICT');
    expect(refused.json().error.conflicts).toEqual([expect.objectContaining({ date: local(23, '00:00').slice(0, 10), code: 'SLOT_TAKEN', slot: expect.objectContaining({ appointmentId: blocker.id }) })]);
    expect(await t.db.selectFrom('appointments').select('id').where('patientId', '=', patientId).execute()).toEqual(before);
    const accepted = await frontDesk.request({ method: 'POST', url: '/api/appointment-series', payload: { patientId, providerId, locationId, appointmentTypeId: followUpId, startsAt: at(9, '11:20'), occurrences: 4 } });
    expect(accepted.statusCode, accepted.body).toBe(201);
    const starts = accepted.json().appointments.map((a: { startsAt: string }) => DateTime.fromISO(a.startsAt).setZone(zone).toFormat('HH:mm'));
    expect(starts).toEqual(['11:20', '11:20', '11:20', '11:20']);
  });

  it('keeps a weekly series at the same local time across the March 2027 change', async () => {
    const response = await frontDesk.request({ method: 'POST', url: '/api/appointment-series', payload: { patientId: await newPatient(), providerId: otherProviderId, locationId, appointmentTypeId: followUpId, startsAt: '2027-03-01T09:00:00-06:00', occurrences: 4 } });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().appointments.map((a: { startsAt: string }) => a.startsAt)).toEqual([
      '2027-03-01T15:00:00.000Z', '2027-03-08T15:00:00.000Z', '2027-03-15T14:00:00.000Z', '2027-03-22T14:00:00.000Z',
    ]);
    expect(new Set(response.json().appointments.map((a: { seriesId: string }) => a.seriesId)).size).toBe(1);
  });

  it('suggests a no-show once the grace period has passed, and marks it', async () => {
    const patientId = await newPatient();
    const startsAt = DateTime.now().minus({ minutes: 30 }).toJSDate();
    const row = await t.db.insertInto('appointments').values({
      organizationId, locationId, patientId, providerId: otherProviderId, startsAt, endsAt: new Date(startsAt.getTime() + 20 * 60_000),
      roomId: null, appointmentTypeId: followUpId, overbookReason: null, telehealthJoinUrl: null, seriesId: null, rescheduledFromId: null, cancellationReason: null,
      cancellationNote: null, currentRoomId: null, medicalAssistantId: null, followUpOfId: null, bookedBy: null, bookedByClient: null,
    }).returningAll().executeTakeFirstOrThrow();
    const suggested = await frontDesk.request({ method: 'GET', url: `/api/scheduling/suggested-no-shows?locationId=${locationId}` });
    expect(suggested.statusCode).toBe(200);
    const localNow = DateTime.now().setZone(zone);
    if (localNow.minus({ minutes: 30 }).hasSame(localNow, 'day')) {
      expect(suggested.json().appointments.map((a: { id: string }) => a.id)).toContain(row.id);
    }
    const marked = await frontDesk.request({ method: 'POST', url: `/api/appointments/${row.id}/no-show`, payload: { version: 1 } });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json().status).toBe('no-show');
    const history = await t.db.selectFrom('appointmentStatusChanges').select(['fromStatus', 'toStatus']).where('appointmentId', '=', row.id).execute();
    expect(history).toEqual([{ fromStatus: 'scheduled', toStatus: 'no-show' }]);
  });
});

describe('the slot finder', () => {
  it('keeps 8:00 local across the March 2027 change and drops a vacation and a closure', async () => {
    const query = (after: string) => frontDesk.request({ method: 'GET', url: `/api/scheduling/open-slots?locationId=${locationId}&appointmentTypeId=${followUpId}&providerId=${providerId}&after=${encodeURIComponent(after)}&limit=1` });
    expect((await query('2027-03-08T00:00:00-06:00')).json().slots[0].startsAt).toBe('2027-03-08T14:00:00.000Z');
    expect((await query('2027-03-15T00:00:00-05:00')).json().slots[0].startsAt).toBe('2027-03-15T13:00:00.000Z');
    const vacation = await manager.request({ method: 'POST', url: '/api/schedule-exceptions', payload: { providerId, locationId, kind: 'vacation', startsAt: '2027-03-08T00:00:00-06:00', endsAt: '2027-03-09T00:00:00-06:00' } });
    expect(vacation.statusCode, vacation.body).toBe(201);
    expect((await query('2027-03-08T00:00:00-06:00')).json().slots[0].startsAt).toBe('2027-03-09T14:00:00.000Z');
    await manager.request({ method: 'POST', url: '/api/schedule-exceptions', payload: { kind: 'closure', startsAt: '2027-03-09T00:00:00-06:00', endsAt: '2027-03-10T00:00:00-06:00', reason: 'Snow' } });
    const anyProvider = await frontDesk.request({ method: 'GET', url: `/api/scheduling/open-slots?locationId=${locationId}&appointmentTypeId=${followUpId}&after=${encodeURIComponent('2027-03-09T00:00:00-06:00')}&limit=1` });
    expect(anyProvider.json().slots[0].startsAt).toBe('2027-03-10T14:00:00.000Z');
    const booking = await book(frontDesk, { patientId: await newPatient(), providerId, locationId, appointmentTypeId: followUpId, startsAt: '2027-03-09T08:00:00-06:00' });
    expect(booking.json().error).toMatchObject({ code: 'APPOINTMENT_OUTSIDE_TEMPLATE' });
  });
});

describe('walk-ins, integration clients and telehealth', () => {
  it('books a walk-in now with source walk-in, overbooking with a reason when the time is taken', async () => {
    const response = await frontDesk.request({ method: 'POST', url: '/api/appointments/walk-in', payload: { patientId: await newPatient(), providerId: otherProviderId, locationId, appointmentTypeId: followUpId, reasonForVisit: 'Sore throat' } });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ isWalkIn: true, source: 'walk-in', status: 'scheduled' });
    expect(Math.abs(new Date(response.json().startsAt).getTime() - Date.now())).toBeLessThan(60_000);
    const taken = await frontDesk.request({ method: 'POST', url: '/api/appointments/walk-in', payload: { patientId: await newPatient(), providerId: otherProviderId, locationId, appointmentTypeId: followUpId } });
    expect(taken.statusCode).toBe(409);
    const overbook = await frontDesk.request({ method: 'POST', url: '/api/appointments/walk-in', payload: { patientId: await newPatient(), providerId: otherProviderId, locationId, appointmentTypeId: followUpId, isOverbook: true, overbookReason: 'Walk-in, febrile child' } });
    expect(overbook.statusCode, overbook.body).toBe(201);
    expect(overbook.json()).toMatchObject({ isWalkIn: true, isOverbook: true });
  });

  it('lets an integration client book outside the template, marked as such, and refuses it only on overlap', async () => {
    await t.db.insertInto('oauthClients').values({ organizationId, clientId: 'booking-test-client', secretHash: await hashPassword('booking-test-secret'), name: 'Booking test', roles: ['integration'], allowedScopes: ['system/*.cruds'] }).execute();
    const token = await t.app.inject({ method: 'POST', url: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials&client_id=booking-test-client&client_secret=booking-test-secret' });
    const authorization = `Bearer ${token.json().access_token}`;
    const payload = { patientId: await newPatient(), providerId, locationId, startsAt: at(10, '18:00'), endsAt: at(10, '18:30') };
    const response = await t.app.inject({ method: 'POST', url: '/api/appointments', headers: { authorization }, payload });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ isOutsideTemplate: true, source: 'fhir', appointmentTypeId: null });
    const overlap = await t.app.inject({ method: 'POST', url: '/api/appointments', headers: { authorization }, payload: { ...payload, patientId: await newPatient(), startsAt: at(10, '18:15'), endsAt: at(10, '18:45') } });
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().error.slot).toMatchObject({ appointmentId: response.json().id });
  });

  it('carries the join link on a telehealth visit and refuses it on an in-person one', async () => {
    const telehealth = (await manager.request({ method: 'POST', url: '/api/appointment-types', payload: { name: 'Telehealth follow-up', durationMinutes: 20, isTelehealth: true } })).json().id;
    await manager.request({ method: 'POST', url: '/api/schedule-templates', payload: { locationId, providerId: otherProviderId, weekday: DateTime.now().setZone(zone).plus({ days: 11 }).weekday % 7, startsAtLocal: '13:00', endsAtLocal: '15:00', slotMinutes: 20, appointmentTypeIds: [telehealth], effectiveFrom: '2026-01-01' } });
    const joinUrl = 'https://video.example.org/room/abc123';
    const ok = await book(frontDesk, { patientId: await newPatient(), providerId: otherProviderId, locationId, appointmentTypeId: telehealth, startsAt: at(11, '13:00'), telehealthJoinUrl: joinUrl });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().telehealthJoinUrl).toBe(joinUrl);
    const refused = await book(frontDesk, { patientId: await newPatient(), providerId: otherProviderId, locationId, appointmentTypeId: followUpId, startsAt: at(11, '09:00'), telehealthJoinUrl: joinUrl });
    expect(refused.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'telehealthJoinUrl' });
  });
});
