import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';
import { cancelAppointmentReminders, ensureDefaultMessageTemplates, scheduleAppointmentReminders } from './index.js';

let t: TestApp;
let organizationId: string;
let locationId: string;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId, locationId } = await makeOrganization(t.db, 'Maple Reminders'));
  await ensureDefaultMessageTemplates(t.db, organizationId);
  await ensureDefaultMessageTemplates(t.db, organizationId);
});
afterAll(() => t.close());

const messagesOf = (appointmentId: string) =>
  t.db.selectFrom('patientMessages').selectAll().where('appointmentId', '=', appointmentId).orderBy('scheduledFor').execute();

describe('scheduling appointment reminders', () => {
  it('writes two text reminders, 48 h and 2 h before the start, in English with the visit filled in', async () => {
    const patient = await makePatientRow(t.db, organizationId, { givenName: 'Rita' });
    const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, startsAt: new Date('2030-03-14T15:30:00Z') });
    const result = await t.db.transaction().execute((trx) => scheduleAppointmentReminders(trx, appointment.id, new Date('2030-03-01T00:00:00Z')));
    expect(result).toEqual({ scheduled: 2, skippedNoConsent: 0 });
    const messages = await messagesOf(appointment.id);
    expect(messages.map((m) => new Date(m.scheduledFor).toISOString())).toEqual(['2030-03-12T15:30:00.000Z', '2030-03-14T13:30:00.000Z']);
    expect(messages[0]).toMatchObject({ channel: 'sms', language: 'en', status: 'scheduled', recipient: '217-555-0101' });
    // Chicago is UTC-5 in mid-March 2030 (daylight time)
    expect(messages[0]!.body).toContain('Hi Rita');
    expect(messages[0]!.body).toContain('Thursday, March 14 at 10:30 AM');
    expect(messages[0]!.body).toContain('Maple Reminders');
    expect(messages[0]!.body).toContain('{confirmUrl}');
  });

  it('writes Spanish email for a Spanish-speaking patient who only consented to email', async () => {
    const patient = await makePatientRow(t.db, organizationId, { givenName: 'Rosa', preferredLanguage: 'es', consentToText: false, consentToEmail: true, email: 'rosa@example.test' });
    const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id });
    await t.db.transaction().execute((trx) => scheduleAppointmentReminders(trx, appointment.id));
    const messages = await messagesOf(appointment.id);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ channel: 'email', language: 'es', recipient: 'rosa@example.test' });
    expect(messages[0]!.subject).toMatch(/^Recordatorio de cita/);
    expect(messages[0]!.body).toContain('Estimado/a Rosa');
  });

  it('sends nothing to a patient without consent, and records why', async () => {
    const patient = await makePatientRow(t.db, organizationId, { consentToText: false, consentToEmail: false });
    const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id });
    const result = await t.db.transaction().execute((trx) => scheduleAppointmentReminders(trx, appointment.id));
    expect(result).toEqual({ scheduled: 0, skippedNoConsent: 2 });
    const messages = await messagesOf(appointment.id);
    expect(messages.map((m) => m.status)).toEqual(['skipped-no-consent', 'skipped-no-consent']);
    expect(messages.every((m) => m.recipient === null && m.body === '')).toBe(true);
  });

  it('uses the offsets in the clinic settings, and skips times already past', async () => {
    const other = await makeOrganization(t.db, 'Offsets Clinic');
    await t.db.updateTable('organizationSettings').set({ reminderOffsetsMinutes: [4320, 1440, 60] }).where('organizationId', '=', other.organizationId).execute();
    const patient = await makePatientRow(t.db, other.organizationId);
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    const appointment = await makeAppointment(t.db, { organizationId: other.organizationId, locationId: other.locationId, patientId: patient.id, startsAt });
    await t.db.transaction().execute((trx) => scheduleAppointmentReminders(trx, appointment.id));
    const messages = await messagesOf(appointment.id);
    expect(messages.map((m) => (startsAt.getTime() - new Date(m.scheduledFor).getTime()) / 60_000)).toEqual([1440, 60]);
  });

  it('replaces pending reminders on reschedule and cancels them on cancel', async () => {
    const patient = await makePatientRow(t.db, organizationId);
    const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id });
    await t.db.transaction().execute((trx) => scheduleAppointmentReminders(trx, appointment.id));
    const moved = new Date(new Date(appointment.startsAt).getTime() + 86_400_000);
    await t.db.updateTable('appointments').set({ startsAt: moved, endsAt: new Date(moved.getTime() + 1_200_000) }).where('id', '=', appointment.id).execute();
    await t.db.transaction().execute((trx) => scheduleAppointmentReminders(trx, appointment.id));
    let messages = await messagesOf(appointment.id);
    expect(messages.filter((m) => m.status === 'cancelled')).toHaveLength(2);
    expect(messages.filter((m) => m.status === 'scheduled').map((m) => new Date(m.scheduledFor).getTime())).toEqual([
      moved.getTime() - 2880 * 60_000,
      moved.getTime() - 120 * 60_000,
    ]);
    // an unused confirmation link is retired with them; a used one stays as it was
    const future = new Date(Date.now() + 86_400_000);
    const usedAt = new Date(Date.now() - 60_000);
    await t.db.insertInto('appointmentConfirmationTokens').values([
      { tokenHash: `unused-${appointment.id}`, organizationId, appointmentId: appointment.id, expiresAt: future, usedAt: null },
      { tokenHash: `used-${appointment.id}`, organizationId, appointmentId: appointment.id, expiresAt: future, usedAt, action: 'confirm' },
    ]).execute();
    const result = await t.db.transaction().execute((trx) => cancelAppointmentReminders(trx, appointment.id));
    expect(result).toEqual({ cancelled: 2 });
    messages = await messagesOf(appointment.id);
    expect(messages.every((m) => m.status === 'cancelled')).toBe(true);
    const links = await t.db.selectFrom('appointmentConfirmationTokens').select(['tokenHash', 'expiresAt']).where('appointmentId', '=', appointment.id).orderBy('tokenHash').execute();
    expect(new Date(links[0]!.expiresAt).getTime()).toBeLessThanOrEqual(Date.now());
    expect(links[1]).toEqual({ tokenHash: `used-${appointment.id}`, expiresAt: future });
    expect(await t.db.transaction().execute((trx) => cancelAppointmentReminders(trx, appointment.id))).toEqual({ cancelled: 0 });
  });

  it('seeds the four default templates once per organization', async () => {
    const templates = await t.db.selectFrom('messageTemplates').select(['channel', 'language']).where('organizationId', '=', organizationId).execute();
    expect(templates).toHaveLength(4);
  });
});

describe('reminder settings', () => {
  it('lets an administrator change the reminder offsets through the clinic settings, and new bookings use them', async () => {
    const admin = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['admin'])).username, TEST_PASSWORD);
    const current = await t.db.selectFrom('organizationSettings').selectAll().where('organizationId', '=', organizationId).executeTakeFirstOrThrow();
    const response = await admin.request({
      method: 'PUT', url: '/api/organization/settings',
      payload: {
        inactivityTimeoutMinutes: current.inactivityTimeoutMinutes, lockoutThreshold: current.lockoutThreshold, lockoutMinutes: current.lockoutMinutes,
        secondFactorRequiredRoles: current.secondFactorRequiredRoles, reminderOffsetsMinutes: [1440], version: current.version,
      },
    });
    expect(response.statusCode).toBe(200);
    const patient = await makePatientRow(t.db, organizationId);
    const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id });
    const result = await t.db.transaction().execute((trx) => scheduleAppointmentReminders(trx, appointment.id));
    expect(result.scheduled).toBe(1);
  });
});
