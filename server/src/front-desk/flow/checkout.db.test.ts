import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';

let t: TestApp;
let organizationId: string;
let locationId: string;
let roomId: string;
let frontDesk: SignedInClient;
let ma: SignedInClient;
let provider: SignedInClient;
let providerId: string;
let followUpTypeId: string;

beforeAll(async () => {
  t = await buildTestApp({ config: { reminderIntervalMs: 0 } });
  ({ organizationId, locationId } = await makeOrganization(t.db, 'Checkout Clinic'));
  roomId = (await t.db.selectFrom('examRooms').select('id').where('locationId', '=', locationId).orderBy('name').executeTakeFirstOrThrow()).id;
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
  ma = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'])).username, TEST_PASSWORD);
  const member = await makeStaffMember(t.db, organizationId, ['provider']);
  providerId = member.id;
  provider = await signInAs(t.app, member.username, TEST_PASSWORD);
  followUpTypeId = (await t.db.insertInto('appointmentTypes').values({ organizationId, name: '20-min follow-up', durationMinutes: 20, visitKind: 'FOLLOWUP' }).returning('id').executeTakeFirstOrThrow()).id;
  // Mondays to Fridays 9-12 local, 20-minute follow-ups
  await t.db.insertInto('scheduleTemplates').values([1, 2, 3, 4, 5].map((weekday) => ({
    organizationId, locationId, providerId, weekday, startsAtLocal: '09:00', endsAtLocal: '12:00', slotMinutes: 20,
    appointmentTypeIds: [followUpTypeId], effectiveFrom: '2020-01-01', effectiveUntil: null,
  }))).execute();
});
afterAll(() => t.close());

/** A visit today taken as far as the provider finishing; returns its id and current version. */
let visitsSoFar = 0;
async function visitWithProvider() {
  visitsSoFar += 1;
  const patient = await makePatientRow(t.db, organizationId);
  const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.now() - (5 + visitsSoFar * 2) * 60_000), minutes: 1 });
  let version = (await frontDesk.request({ method: 'POST', url: `/api/appointments/${appointment.id}/check-in`, payload: { version: appointment.version, demographicsVerified: true, insuranceCardVerified: false } })).json().visit.version;
  version = (await ma.request({ method: 'POST', url: `/api/appointments/${appointment.id}/room`, payload: { roomId, version } })).json().version;
  version = (await provider.request({ method: 'POST', url: `/api/appointments/${appointment.id}/status`, payload: { to: 'with-provider', version } })).json().version;
  return { id: appointment.id, patientId: patient.id, version };
}

describe('checkout', () => {
  it('books the follow-up in 3 months with the same provider, ends the visit, and leaves the room to be cleaned', async () => {
    const visit = await visitWithProvider();
    const response = await frontDesk.request({
      method: 'POST', url: `/api/appointments/${visit.id}/checkout`,
      payload: { version: visit.version, followUp: { appointmentTypeId: followUpTypeId, inMonths: 3 } },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.visit.status).toBe('done');
    const earliest = DateTime.now().setZone('America/Chicago').startOf('day').plus({ months: 3 });
    const booked = DateTime.fromISO(body.followUp.startsAt).setZone('America/Chicago');
    expect(booked >= earliest).toBe(true);
    expect(booked.diff(earliest, 'days').days).toBeLessThan(4);
    expect(booked.toFormat('HH:mm')).toBe('09:00');
    const followUp = await t.db.selectFrom('appointments').selectAll().where('id', '=', body.followUp.appointmentId).executeTakeFirstOrThrow();
    expect(followUp).toMatchObject({ patientId: visit.patientId, providerId, source: 'follow-up', followUpOfId: visit.id, status: 'scheduled', appointmentTypeId: followUpTypeId });
    const history = await t.db.selectFrom('appointmentStatusChanges').select('toStatus').where('appointmentId', '=', visit.id).orderBy('id').execute();
    expect(history.map((row) => row.toStatus).slice(-2)).toEqual(['checkout', 'done']);
    const room = await t.db.selectFrom('examRooms').select('state').where('id', '=', roomId).executeTakeFirstOrThrow();
    expect(room.state).toBe('needs-cleaning');
    expect((await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomId}/cleaned`, payload: {} })).json().state).toBe('ready');
  });

  it('books on or after a given date, and the next checkout takes the next slot', async () => {
    const afterDate = DateTime.now().setZone('America/Chicago').plus({ weeks: 6 }).startOf('week').toISODate()!; // a Monday
    const first = await visitWithProvider();
    const a = await frontDesk.request({ method: 'POST', url: `/api/appointments/${first.id}/checkout`, payload: { version: first.version, followUp: { appointmentTypeId: followUpTypeId, afterDate } } });
    await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomId}/cleaned`, payload: {} });
    const second = await visitWithProvider();
    const b = await frontDesk.request({ method: 'POST', url: `/api/appointments/${second.id}/checkout`, payload: { version: second.version, followUp: { appointmentTypeId: followUpTypeId, afterDate } } });
    await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomId}/cleaned`, payload: {} });
    const local = (iso: string) => DateTime.fromISO(iso).setZone('America/Chicago').toFormat('yyyy-MM-dd HH:mm');
    expect(local(a.json().followUp.startsAt)).toBe(`${afterDate} 09:00`);
    expect(local(b.json().followUp.startsAt)).toBe(`${afterDate} 09:20`);
  });

  it('books the follow-up at the first open time the patient is free: not over their booking with another provider', async () => {
    const afterDate = DateTime.now().setZone('America/Chicago').plus({ weeks: 9 }).startOf('week').toISODate()!; // a Monday
    const visit = await visitWithProvider();
    const elsewhere = await makeAppointment(t.db, {
      organizationId, locationId, patientId: visit.patientId, startsAt: DateTime.fromISO(`${afterDate}T09:00`, { zone: 'America/Chicago' }).toJSDate(), minutes: 20,
    });
    const response = await frontDesk.request({ method: 'POST', url: `/api/appointments/${visit.id}/checkout`, payload: { version: visit.version, followUp: { appointmentTypeId: followUpTypeId, afterDate } } });
    await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomId}/cleaned`, payload: {} });
    expect(response.statusCode, response.body).toBe(200);
    expect(DateTime.fromISO(response.json().followUp.startsAt).setZone('America/Chicago').toFormat('yyyy-MM-dd HH:mm')).toBe(`${afterDate} 09:20`);
    expect(response.json().visit.status).toBe('done');
    expect(elsewhere.providerId).not.toBe(providerId);
  });

  it('refuses with 409 and changes nothing when no slot of the type exists with the provider', async () => {
    const visit = await visitWithProvider();
    const otherType = (await t.db.insertInto('appointmentTypes').values({ organizationId, name: 'Annual physical', durationMinutes: 40 }).returning('id').executeTakeFirstOrThrow()).id;
    const response = await frontDesk.request({ method: 'POST', url: `/api/appointments/${visit.id}/checkout`, payload: { version: visit.version, followUp: { appointmentTypeId: otherType, inWeeks: 2 } } });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('NO_FOLLOW_UP_SLOT');
    const stored = await t.db.selectFrom('appointments').select('status').where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect(stored.status).toBe('with-provider');
    const plain = await frontDesk.request({ method: 'POST', url: `/api/appointments/${visit.id}/checkout`, payload: { version: visit.version } });
    expect(plain.json()).toMatchObject({ visit: { status: 'done' }, followUp: null });
    await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomId}/cleaned`, payload: {} });
  });

  it('refuses checkout of a visit the provider has not seen', async () => {
    const patient = await makePatientRow(t.db, organizationId);
    const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.now() + 3_600_000), minutes: 1 });
    const response = await frontDesk.request({ method: 'POST', url: `/api/appointments/${appointment.id}/checkout`, payload: { version: appointment.version } });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'INVALID_STATUS_TRANSITION', allowedNext: ['arrived', 'no-show', 'cancelled', 'entered-in-error'] });
  });
});
