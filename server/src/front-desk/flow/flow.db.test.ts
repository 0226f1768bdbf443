import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD, zoneAtMidday } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';

let t: TestApp;
let organizationId: string;
let locationId: string;
let roomIds: string[];
let frontDesk: SignedInClient;
let ma: SignedInClient;
let provider: SignedInClient;
let providerId: string;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId, locationId } = await makeOrganization(t.db, 'Flow Clinic'));
  // visits minutes before and after now must fall on the clinic's today, whenever the suite runs
  await t.db.updateTable('locations').set({ timeZone: zoneAtMidday() }).where('id', '=', locationId).execute();
  roomIds = (await t.db.selectFrom('examRooms').select('id').where('locationId', '=', locationId).orderBy('name').execute()).map((room) => room.id);
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
  ma = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'], { displayName: 'Maria MA' })).username, TEST_PASSWORD);
  const providerMember = await makeStaffMember(t.db, organizationId, ['provider'], { displayName: 'Dr Patel' });
  providerId = providerMember.id;
  provider = await signInAs(t.app, providerMember.username, TEST_PASSWORD);
});
afterAll(() => t.close());

let minutesAhead = 0;
async function todaysVisit(overrides: { startsAt?: Date; interpreterNeeded?: boolean } = {}) {
  const patient = await makePatientRow(t.db, organizationId, { givenName: 'Nora', interpreterNeeded: overrides.interpreterNeeded ?? false });
  minutesAhead += 1;
  const startsAt = overrides.startsAt ?? new Date(Date.now() + minutesAhead * 60_000);
  const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt, minutes: 1 });
  return { ...appointment, patient };
}

const status = (client: SignedInClient, appointmentId: string, payload: object) =>
  client.request({ method: 'POST', url: `/api/appointments/${appointmentId}/status`, payload });
const checkIn = (appointmentId: string, payload: object) =>
  frontDesk.request({ method: 'POST', url: `/api/appointments/${appointmentId}/check-in`, payload: { demographicsVerified: true, insuranceCardVerified: true, ...payload } });
const room = (client: SignedInClient, appointmentId: string, roomId: string, version: number) =>
  client.request({ method: 'POST', url: `/api/appointments/${appointmentId}/room`, payload: { roomId, version } });
const roomState = async (roomId: string) => t.db.selectFrom('examRooms').select(['state', 'currentAppointmentId']).where('id', '=', roomId).executeTakeFirstOrThrow();

describe('visit status changes', () => {
  it('refuses an invalid transition with 409 naming the allowed next states, and changes nothing', async () => {
    const visit = await todaysVisit();
    const response = await status(provider, visit.id, { to: 'with-provider', version: visit.version });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'INVALID_STATUS_TRANSITION', field: 'to', allowedNext: ['arrived', 'no-show', 'cancelled', 'entered-in-error'] });
    expect(response.json().error.message).toContain('arrived, no-show, cancelled, entered-in-error');
    const stored = await t.db.selectFrom('appointments').select(['status', 'version']).where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'scheduled', version: visit.version });
  });

  it('refuses a step that belongs to the other team (an MA marking arrival)', async () => {
    const visit = await todaysVisit();
    const response = await status(ma, visit.id, { to: 'arrived', version: visit.version });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/front desk/);
  });

  it('refuses a stale version with 409 VERSION_CONFLICT', async () => {
    const visit = await todaysVisit();
    const response = await status(frontDesk, visit.id, { to: 'no-show', version: visit.version + 1 });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('VERSION_CONFLICT');
  });

  it('answers 404 for an appointment of another clinic', async () => {
    const other = await makeOrganization(t.db, 'Other Clinic');
    const patient = await makePatientRow(t.db, other.organizationId);
    const foreign = await makeAppointment(t.db, { organizationId: other.organizationId, locationId: other.locationId, patientId: patient.id });
    const response = await status(frontDesk, foreign.id, { to: 'arrived', version: 1 });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('APPOINTMENT_NOT_FOUND');
  });
});

describe('a visit from check-in to a clean room', () => {
  it('checks in with a copay and receipt, rooms, sees the provider, checks out and frees the room for cleaning', async () => {
    const visit = await todaysVisit();
    const checkedIn = await checkIn(visit.id, { version: visit.version, copay: { amountCents: 2500, method: 'card' } });
    expect(checkedIn.statusCode).toBe(200);
    const body = checkedIn.json();
    expect(body.visit).toMatchObject({ status: 'arrived', version: visit.version + 1 });
    expect(body.checkIn).toMatchObject({ demographicsVerifiedBy: frontDesk.staffMemberId, insuranceCardVerifiedBy: frontDesk.staffMemberId, intakeStatus: 'not-started' });
    expect(body.copay.receiptNumber).toMatch(/^R-\d{8}-0001$/);

    const pdf = await frontDesk.request({ method: 'GET', url: body.copay.receiptUrl });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const printAudit = await t.db.selectFrom('auditEvents').select('action').where('recordId', '=', body.copay.id).where('action', '=', 'print').execute();
    expect(printAudit).toHaveLength(1);

    const roomed = await room(ma, visit.id, roomIds[0]!, body.visit.version);
    expect(roomed.statusCode).toBe(200);
    expect(roomed.json()).toMatchObject({ status: 'roomed', currentRoomId: roomIds[0], medicalAssistantId: ma.staffMemberId });
    expect(await roomState(roomIds[0]!)).toEqual({ state: 'occupied', currentAppointmentId: visit.id });

    let version = roomed.json().version;
    for (const [client, to] of [[ma, 'ready-for-provider'], [provider, 'with-provider'], [provider, 'ready-for-provider'], [provider, 'with-provider'], [provider, 'checkout']] as const) {
      const moved = await status(client, visit.id, { to, version });
      expect(moved.statusCode, to).toBe(200);
      version = moved.json().version;
    }
    expect(await roomState(roomIds[0]!)).toEqual({ state: 'needs-cleaning', currentAppointmentId: null });
    const done = await frontDesk.request({ method: 'POST', url: `/api/appointments/${visit.id}/status`, payload: { to: 'done', version } });
    expect(done.json().status).toBe('done');

    const history = await t.db.selectFrom('appointmentStatusChanges').selectAll().where('appointmentId', '=', visit.id).orderBy('id').execute();
    expect(history.map((change) => change.toStatus)).toEqual(['arrived', 'roomed', 'ready-for-provider', 'with-provider', 'ready-for-provider', 'with-provider', 'checkout', 'done']);
    expect(history[1]).toMatchObject({ fromStatus: 'arrived', changedBy: ma.staffMemberId, roomId: roomIds[0] });

    const grid = await ma.request({ method: 'GET', url: `/api/exam-rooms?locationId=${locationId}` });
    expect(grid.json().rooms.find((r: { id: string }) => r.id === roomIds[0])).toMatchObject({ state: 'needs-cleaning', occupant: null });
    const cleaned = await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomIds[0]}/cleaned`, payload: {} });
    expect(cleaned.statusCode).toBe(200);
    expect(cleaned.json().state).toBe('ready');
    expect((await roomState(roomIds[0]!)).state).toBe('ready');

    const events = await t.db.selectFrom('liveEvents').select(['topic', 'type']).where('organizationId', '=', organizationId).orderBy('id').execute();
    expect(events).toEqual(expect.arrayContaining([
      { topic: `flow-board:${locationId}`, type: 'appointment.arrived' },
      { topic: `rooms:${locationId}`, type: 'room.occupied' },
      { topic: `rooms:${locationId}`, type: 'room.needs-cleaning' },
      { topic: `rooms:${locationId}`, type: 'room.ready' },
    ]));
  });

  it('answers the room grid of a location without rooms, and 404 naming locationId for an unknown or another clinic’s location', async () => {
    const empty = await t.db.insertInto('locations').values({ organizationId, name: 'Annex (no rooms yet)', timeZone: 'America/Chicago' }).returning('id').executeTakeFirstOrThrow();
    const grid = await ma.request({ method: 'GET', url: `/api/exam-rooms?locationId=${empty.id}` });
    expect(grid.statusCode).toBe(200);
    expect(grid.json()).toEqual({ locationId: empty.id, rooms: [] });
    const other = await makeOrganization(t.db, 'Other Flow Clinic');
    for (const unknown of [other.locationId, '00000000-0000-4000-8000-000000000000']) {
      const refused = await ma.request({ method: 'GET', url: `/api/exam-rooms?locationId=${unknown}` });
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error).toMatchObject({ code: 'LOCATION_NOT_FOUND', field: 'locationId' });
    }
  });

  it('refuses a second patient into an occupied room, naming its state', async () => {
    const first = await todaysVisit();
    const second = await todaysVisit();
    const a = await checkIn(first.id, { version: first.version });
    const b = await checkIn(second.id, { version: second.version });
    expect((await room(ma, first.id, roomIds[1]!, a.json().visit.version)).statusCode).toBe(200);
    const refused = await room(ma, second.id, roomIds[1]!, b.json().visit.version);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'ROOM_NOT_READY', field: 'roomId', state: 'occupied' });
    expect(refused.json().error.message).toContain('occupied');
    const grid = await frontDesk.request({ method: 'GET', url: `/api/exam-rooms?locationId=${locationId}` });
    const occupied = grid.json().rooms.find((r: { id: string }) => r.id === roomIds[1]);
    expect(occupied.occupant).toMatchObject({ appointmentId: first.id, initials: 'NA', mrn: first.patient.mrn, status: 'roomed' });
    expect(Object.keys(occupied.occupant)).not.toContain('name');
    const cleaning = await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomIds[1]}/cleaned`, payload: {} });
    expect(cleaning.json().error.code).toBe('ROOM_OCCUPIED');
    // the patient leaves without being seen: the room needs cleaning
    const left = await status(frontDesk, first.id, { to: 'left-without-being-seen', version: a.json().visit.version + 1 });
    expect(left.statusCode).toBe(200);
    expect((await roomState(roomIds[1]!)).state).toBe('needs-cleaning');
    await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomIds[1]}/cleaned`, payload: {} });
  });

  it('lets exactly one of two MAs rooming different patients into the same room at once succeed', async () => {
    const first = await todaysVisit();
    const second = await todaysVisit();
    const a = (await checkIn(first.id, { version: first.version })).json().visit.version;
    const b = (await checkIn(second.id, { version: second.version })).json().visit.version;
    const results = await Promise.all([room(ma, first.id, roomIds[1]!, a), room(provider, second.id, roomIds[1]!, b)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.statusCode === 200)!.json().id;
    expect(await roomState(roomIds[1]!)).toEqual({ state: 'occupied', currentAppointmentId: winner });
    const roomed = await t.db.selectFrom('appointments').select('id').where('currentRoomId', '=', roomIds[1]!).execute();
    expect(roomed.map((row) => row.id)).toEqual([winner]);
  });

  it('rooms into the room reserved with the booking when no room is named, and will not clean a room out of service', async () => {
    const visit = await todaysVisit();
    await t.db.updateTable('appointments').set({ roomId: roomIds[0]! }).where('id', '=', visit.id).execute();
    const version = (await checkIn(visit.id, { version: visit.version })).json().visit.version;
    const roomed = await status(ma, visit.id, { to: 'roomed', version });
    expect(roomed.json()).toMatchObject({ status: 'roomed', currentRoomId: roomIds[0] });
    await status(ma, visit.id, { to: 'left-without-being-seen', version: roomed.json().version });
    await t.db.updateTable('examRooms').set({ state: 'out-of-service' }).where('id', '=', roomIds[0]!).execute();
    const refused = await ma.request({ method: 'POST', url: `/api/exam-rooms/${roomIds[0]}/cleaned`, payload: {} });
    expect(refused.json().error).toMatchObject({ code: 'ROOM_NOT_READY', state: 'out-of-service' });
    await t.db.updateTable('examRooms').set({ state: 'ready' }).where('id', '=', roomIds[0]!).execute();
  });

  it('gives concurrent copays distinct receipt numbers', async () => {
    const visits = await Promise.all([todaysVisit(), todaysVisit(), todaysVisit(), todaysVisit()]);
    const responses = await Promise.all(visits.map((visit) => checkIn(visit.id, { version: visit.version, copay: { amountCents: 500, method: 'cash' } })));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    const numbers = new Set(responses.map((r) => r.json().copay.receiptNumber));
    expect(numbers.size).toBe(4);
  });

  it('checks in a walk-in the same way and numbers receipts in sequence', async () => {
    const patient = await makePatientRow(t.db, organizationId);
    const walkIn = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.now() + 3_600_000), isWalkIn: true, minutes: 1 });
    const before = await t.db.selectFrom('copayPayments').select((eb) => eb.fn.countAll().as('n')).where('organizationId', '=', organizationId).executeTakeFirstOrThrow();
    const response = await checkIn(walkIn.id, { version: walkIn.version, copay: { amountCents: 1000, method: 'cash' } });
    expect(response.statusCode).toBe(200);
    expect(response.json().visit.status).toBe('arrived');
    expect(response.json().copay.receiptNumber).toMatch(new RegExp(`-${String(Number(before.n) + 1).padStart(4, '0')}$`));
  });
});

describe('the flow board', () => {
  it('shows the day with minutes in status, amber and red, door-to-room, flags and suggested no-shows', async () => {
    await t.db.updateTable('organizationSettings').set({ flowAmberMinutes: 10, flowRedMinutes: 20, noShowAfterMinutes: 15 }).where('organizationId', '=', organizationId).execute();
    const late = await todaysVisit({ startsAt: new Date(Date.now() - 30 * 60_000) });
    const waiting = await todaysVisit({ interpreterNeeded: true });
    const amber = await todaysVisit();
    await checkIn(waiting.id, { version: waiting.version });
    const c2 = await checkIn(amber.id, { version: amber.version });
    await t.db.updateTable('appointments').set({ statusChangedAt: new Date(Date.now() - 25 * 60_000) }).where('id', '=', waiting.id).execute();
    await t.db.updateTable('appointments').set({ statusChangedAt: new Date(Date.now() - 12 * 60_000) }).where('id', '=', amber.id).execute();
    await t.db.updateTable('checkIns').set({ arrivedAt: new Date(Date.now() - 7 * 60_000) }).where('appointmentId', '=', amber.id).execute();
    expect((await room(ma, amber.id, roomIds[0]!, c2.json().visit.version)).statusCode).toBe(200);
    await t.db.updateTable('appointments').set({ statusChangedAt: new Date(Date.now() - 12 * 60_000) }).where('id', '=', amber.id).execute();

    const response = await ma.request({ method: 'GET', url: `/api/flow-board?locationId=${locationId}` });
    expect(response.statusCode).toBe(200);
    const board = response.json();
    expect(board.thresholds).toEqual({ amberMinutes: 10, redMinutes: 20, noShowAfterMinutes: 15 });
    const row = (id: string) => board.rows.find((r: { appointmentId: string }) => r.appointmentId === id);
    expect(row(late.id)).toMatchObject({ status: 'scheduled', isSuggestedNoShow: true, urgency: 'normal' });
    expect(row(waiting.id)).toMatchObject({ status: 'arrived', urgency: 'red', flags: ['interpreter-needed'], doorToRoomMinutes: null });
    expect(row(waiting.id).minutesInStatus).toBeGreaterThanOrEqual(25);
    expect(row(amber.id)).toMatchObject({ status: 'roomed', urgency: 'amber', room: { id: roomIds[0] }, medicalAssistant: { id: ma.staffMemberId, name: 'Maria MA' }, provider: { name: 'Dr Patel' }, doorToRoomMinutes: 7 });
    expect(row(amber.id).allowedNext).toContain('ready-for-provider');
    const audit = await t.db.selectFrom('auditEvents').select(['action', 'details']).where('recordType', '=', 'FlowBoard').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('tells each caller which moves are theirs: the front desk and an MA see different allowedNextForYou for the same visit', async () => {
    const arrived = await todaysVisit();
    const roomed = await todaysVisit();
    await checkIn(arrived.id, { version: arrived.version });
    const checkedIn = await checkIn(roomed.id, { version: roomed.version });
    const readyRoom = await t.db.insertInto('examRooms').values({ organizationId, locationId, name: 'Exam For You' }).returning('id').executeTakeFirstOrThrow();
    expect((await room(ma, roomed.id, readyRoom.id, checkedIn.json().visit.version)).statusCode).toBe(200);

    const boardFor = async (client: SignedInClient) => {
      const response = await client.request({ method: 'GET', url: `/api/flow-board?locationId=${locationId}` });
      expect(response.statusCode).toBe(200);
      const rows = response.json().rows as { appointmentId: string; status: string; allowedNext: string[]; allowedNextForYou: string[] }[];
      return (id: string) => rows.find((r) => r.appointmentId === id)!;
    };
    const asFrontDesk = await boardFor(frontDesk);
    const asMa = await boardFor(ma);

    expect(asFrontDesk(arrived.id)).toMatchObject({ status: 'arrived', allowedNext: ['roomed', 'left-without-being-seen', 'scheduled', 'entered-in-error'] });
    expect(asMa(arrived.id).allowedNext).toEqual(asFrontDesk(arrived.id).allowedNext);
    expect(asFrontDesk(arrived.id).allowedNextForYou).toEqual(['left-without-being-seen', 'scheduled', 'entered-in-error']);
    expect(asMa(arrived.id).allowedNextForYou).toEqual(['roomed', 'left-without-being-seen']);

    expect(asFrontDesk(roomed.id)).toMatchObject({ status: 'roomed', allowedNext: ['ready-for-provider', 'with-provider', 'arrived', 'left-without-being-seen'] });
    expect(asFrontDesk(roomed.id).allowedNextForYou).toEqual(['left-without-being-seen']);
    expect(asMa(roomed.id).allowedNextForYou).toEqual(['ready-for-provider', 'with-provider', 'arrived', 'left-without-being-seen']);
  });

  it('does not show the board to an administrator (not patient-facing staff)', async () => {
    const admin = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['admin'])).username, TEST_PASSWORD);
    const response = await admin.request({ method: 'GET', url: `/api/flow-board?locationId=${locationId}` });
    expect(response.statusCode).toBe(403);
  });
});

describe('the day schedule by room', () => {
  it('places a roomed patient under the room they are in now, not the room booked in advance, and gives the current room on each row', async () => {
    const [booked, now] = await Promise.all(['Exam Booked', 'Exam Now'].map((name) =>
      t.db.insertInto('examRooms').values({ organizationId, locationId, name }).returning('id').executeTakeFirstOrThrow()));
    const roomedVisit = await todaysVisit();
    const waitingVisit = await todaysVisit();
    await t.db.updateTable('appointments').set({ roomId: booked!.id }).where('id', 'in', [roomedVisit.id, waitingVisit.id]).execute();
    const checkedIn = await checkIn(roomedVisit.id, { version: roomedVisit.version });
    expect((await room(ma, roomedVisit.id, now!.id, checkedIn.json().visit.version)).statusCode).toBe(200);

    const { timeZone } = await t.db.selectFrom('locations').select('timeZone').where('id', '=', locationId).executeTakeFirstOrThrow();
    const date = DateTime.fromJSDate(new Date(roomedVisit.startsAt), { zone: timeZone }).toISODate();
    const response = await frontDesk.request({ method: 'GET', url: `/api/scheduling/day?locationId=${locationId}&date=${date}` });
    expect(response.statusCode, response.body).toBe(200);
    const schedule = response.json() as { byRoom: { roomId: string | null; appointments: { id: string; roomId: string | null; currentRoomId: string | null }[] }[] };
    const idsIn = (roomId: string) => schedule.byRoom.find((column) => column.roomId === roomId)!.appointments.map((appointment) => appointment.id);
    expect(idsIn(now!.id)).toContain(roomedVisit.id);
    expect(idsIn(booked!.id)).not.toContain(roomedVisit.id);
    expect(idsIn(booked!.id)).toContain(waitingVisit.id);
    const rows = schedule.byRoom.flatMap((column) => column.appointments);
    expect(rows.filter((row) => row.id === roomedVisit.id)).toEqual([expect.objectContaining({ roomId: booked!.id, currentRoomId: now!.id })]);
    expect(rows.find((row) => row.id === waitingVisit.id)).toMatchObject({ roomId: booked!.id, currentRoomId: null });
  });
});
