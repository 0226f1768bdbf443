import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';
import { deliverDueReminders, ensureDefaultMessageTemplates, scheduleAppointmentReminders, type MessageSender } from './index.js';

let t: TestApp;
let organizationId: string;
let locationId: string;
let frontDesk: SignedInClient;
const BASE = 'https://clinic.example.test';

beforeAll(async () => {
  t = await buildTestApp({ config: { reminderIntervalMs: 0 } });
  ({ organizationId, locationId } = await makeOrganization(t.db, 'Delivery Clinic'));
  await ensureDefaultMessageTemplates(t.db, organizationId);
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
});
afterAll(() => t.close());

let dayOffset = 3;
/** A booked visit some days ahead with its reminders scheduled; returns the instant both reminders are due. */
async function bookedVisit(overrides: Parameters<typeof makePatientRow>[2] = {}, at?: Date) {
  const patient = await makePatientRow(t.db, organizationId, overrides);
  dayOffset += 1;
  const startsAt = at ?? new Date(Date.now() + dayOffset * 86_400_000);
  const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, startsAt });
  await t.db.transaction().execute((trx) => scheduleAppointmentReminders(trx, appointment.id));
  return { ...appointment, patient, dueAt: new Date(startsAt.getTime() - 60 * 60_000) };
}

const countingSender = () => {
  const sent: { recipient: string; body: string }[] = [];
  const sender: MessageSender = {
    transport: 'dev-sink',
    send: async (message) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      sent.push({ recipient: message.recipient, body: message.body });
    },
  };
  return { sender, sent };
};

async function drain(options: Parameters<typeof deliverDueReminders>[1]) {
  while ((await deliverDueReminders(t.db, options)) > 0) {
    // until nothing is due
  }
}

async function deliveredLink(appointmentId: string, at: Date): Promise<string> {
  await drain({ publicBaseUrl: BASE, now: at });
  const message = await t.db.selectFrom('patientMessages').select(['body', 'status']).where('appointmentId', '=', appointmentId).where('status', '=', 'sent').orderBy('scheduledFor').executeTakeFirstOrThrow();
  const match = /\/confirm\/([A-Za-z0-9_-]+)/.exec(message.body);
  if (!match) throw new Error('no link in the delivered message');
  return match[1]!;
}

describe('the reminder worker', () => {
  it('delivers every due reminder exactly once with two workers running at once', async () => {
    const visits = [];
    const base = Date.now() + 30 * 86_400_000;
    for (let i = 0; i < 8; i++) visits.push(await bookedVisit({ mobilePhone: `217-555-${String(2000 + i)}` }, new Date(base + i * 10 * 60_000)));
    // half an hour before the first visit: both reminders of all eight are due
    const now = new Date(base - 30 * 60_000);
    const { sender, sent } = countingSender();
    await Promise.all([drain({ publicBaseUrl: BASE, devSink: sender, batchSize: 3, now }), drain({ publicBaseUrl: BASE, devSink: sender, batchSize: 3, now })]);
    const rows = await t.db.selectFrom('patientMessages').selectAll().where('appointmentId', 'in', visits.map((visit) => visit.id)).execute();
    const delivered = rows.filter((row) => row.status === 'sent');
    expect(delivered).toHaveLength(16);
    expect(sent).toHaveLength(delivered.length);
    expect(new Set(sent.map((message) => message.body)).size).toBe(sent.length);
    expect(delivered.every((row) => row.attempts === 1 && row.transport === 'dev-sink' && row.body.startsWith('Delivery Clinic:') && row.body.includes(`${BASE}/confirm/`))).toBe(true);
    expect(rows.filter((row) => row.status === 'scheduled').every((row) => new Date(row.scheduledFor) > now)).toBe(true);
    const tokens = await t.db.selectFrom('appointmentConfirmationTokens').select('tokenHash').where('appointmentId', 'in', visits.map((visit) => visit.id)).execute();
    expect(tokens).toHaveLength(delivered.length);
    // nothing left due: a further round sends nothing
    await drain({ publicBaseUrl: BASE, devSink: sender, now });
    expect(sent).toHaveLength(delivered.length);
  });

  it('cancels instead of sending a reminder for a visit cancelled in the meantime', async () => {
    const visit = await bookedVisit();
    await t.db.updateTable('appointments').set({ status: 'cancelled' }).where('id', '=', visit.id).execute();
    const { sender, sent } = countingSender();
    await drain({ publicBaseUrl: BASE, devSink: sender, now: visit.dueAt });
    expect(sent.filter((message) => message.recipient === visit.patient.mrn)).toHaveLength(0);
    const statuses = await t.db.selectFrom('patientMessages').select('status').where('appointmentId', '=', visit.id).execute();
    expect(statuses.map((row) => row.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('retries a failed delivery later and gives up after three attempts', async () => {
    const visit = await bookedVisit({ consentToText: false, consentToEmail: true, email: 'fail@example.test' });
    const failing: MessageSender = { transport: 'smtp', send: async () => { throw Object.assign(new Error('refused for fail@example.test'), { code: 'EENVELOPE' }); } };
    let at = new Date(visit.dueAt.getTime() - 47 * 3_600_000);
    for (let round = 0; round < 3; round++) {
      await deliverDueReminders(t.db, { publicBaseUrl: BASE, smtp: failing, now: at, batchSize: 500 });
      at = new Date(at.getTime() + 30 * 60_000);
    }
    const first = await t.db.selectFrom('patientMessages').selectAll().where('appointmentId', '=', visit.id).orderBy('scheduledFor').executeTakeFirstOrThrow();
    expect(first).toMatchObject({ status: 'failed', attempts: 3, transport: 'smtp', error: 'Delivery failed (EENVELOPE).' });
  });

  it('lets the front desk read the dev sink in the app', async () => {
    const visit = await bookedVisit({ givenName: 'Olga' });
    await drain({ publicBaseUrl: BASE, now: visit.dueAt });
    const response = await frontDesk.request({ method: 'GET', url: `/api/reminders/outbox?status=sent&appointmentId=${visit.id}` });
    expect(response.statusCode).toBe(200);
    const { messages } = response.json();
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ status: 'sent', transport: 'dev-sink', channel: 'sms', language: 'en' });
    expect(messages[0].body).toContain('Hi Olga');
    const byDate = await frontDesk.request({ method: 'GET', url: `/api/reminders/outbox?date=2001-01-01` });
    expect(byDate.json().messages).toEqual([]);
  });
});

describe('the one-time confirmation link', () => {
  it('shows the visit with Confirm and Cancel, confirms once, and refuses the second use', async () => {
    const visit = await bookedVisit({ preferredLanguage: 'es' });
    const token = await deliveredLink(visit.id, visit.dueAt);
    const page = await t.app.inject({ method: 'GET', url: `/confirm/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Confirmar');
    expect(page.body).toContain('name="action" value="cancel"');
    const confirmed = await t.app.inject({ method: 'POST', url: `/confirm/${token}`, payload: { action: 'confirm' } });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('confirmada');
    const again = await t.app.inject({ method: 'POST', url: `/confirm/${token}`, payload: { action: 'cancel' } });
    expect(again.statusCode).toBe(410);
    const stored = await t.db.selectFrom('appointments').select('status').where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect(stored.status).toBe('scheduled');
    const link = await t.db.selectFrom('appointmentConfirmationTokens').select(['action', 'usedAt']).where('appointmentId', '=', visit.id).where('usedAt', 'is not', null).execute();
    expect(link).toMatchObject([{ action: 'confirm' }]);
    const date = DateTime.fromJSDate(new Date(visit.startsAt)).setZone('America/Chicago').toISODate();
    const board = await frontDesk.request({ method: 'GET', url: `/api/flow-board?locationId=${locationId}&date=${date}` });
    expect(board.json().rows.find((row: { appointmentId: string }) => row.appointmentId === visit.id)).toMatchObject({ isConfirmed: true, status: 'scheduled' });
  });

  it('cancels the appointment from the form, audited as the patient link, and cancels pending reminders', async () => {
    const visit = await bookedVisit();
    const token = await deliveredLink(visit.id, new Date(visit.dueAt.getTime() - 40 * 3_600_000));
    const cancelled = await t.app.inject({
      method: 'POST', url: `/confirm/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=cancel',
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.body).toContain('cancelled');
    const stored = await t.db.selectFrom('appointments').select(['status', 'cancellationReason']).where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'cancelled', cancellationReason: 'pat-cpp' });
    const change = await t.db.selectFrom('appointmentStatusChanges').selectAll().where('appointmentId', '=', visit.id).executeTakeFirstOrThrow();
    expect(change).toMatchObject({ fromStatus: 'scheduled', toStatus: 'cancelled', changedBy: null });
    const audit = await t.db.selectFrom('auditEvents').select(['reason', 'actorKind']).where('recordId', '=', visit.id).where('reason', '=', 'patient link').execute();
    expect(audit).toEqual([{ reason: 'patient link', actorKind: 'anonymous' }]);
    const messages = await t.db.selectFrom('patientMessages').select('status').where('appointmentId', '=', visit.id).orderBy('scheduledFor').execute();
    expect(messages.map((row) => row.status)).toEqual(['sent', 'cancelled']);
    const second = await t.app.inject({ method: 'GET', url: `/confirm/${token}` });
    expect(second.statusCode).toBe(410);
  });

  it('refuses an expired link and an unknown one', async () => {
    const visit = await bookedVisit();
    const token = await deliveredLink(visit.id, visit.dueAt);
    await t.db.updateTable('appointmentConfirmationTokens').set({ expiresAt: new Date(Date.now() - 1000) }).where('appointmentId', '=', visit.id).execute();
    expect((await t.app.inject({ method: 'POST', url: `/confirm/${token}`, payload: { action: 'confirm' } })).statusCode).toBe(410);
    expect((await t.app.inject({ method: 'GET', url: `/confirm/${'x'.repeat(43)}` })).statusCode).toBe(404);
  });
});
