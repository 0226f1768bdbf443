import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';
import { deliverDueReminders, type MessageSender } from '../../front-desk/reminders/index.js';
import { deliverAfterVisitSummaries } from './after-visit-summaries.js';
import { defaultAfterVisitTemplates } from './default-after-visit-templates.js';

let t: TestApp;
let organizationId: string;
let locationId: string;
let providerId: string;
let ma: SignedInClient;
let provider: SignedInClient;
let manager: SignedInClient;
const pdfDir = mkdtempSync(path.join(tmpdir(), 'avs-'));

beforeAll(async () => {
  t = await buildTestApp({ config: { reminderIntervalMs: 0 } });
  ({ organizationId, locationId } = await makeOrganization(t.db, 'After Visit Clinic'));
  const providerRow = await makeStaffMember(t.db, organizationId, ['provider'], { displayName: 'Rosa Delgado' });
  providerId = providerRow.id;
  provider = await signInAs(t.app, providerRow.username, TEST_PASSWORD);
  ma = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'])).username, TEST_PASSWORD);
  manager = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['manager'])).username, TEST_PASSWORD);
});
afterAll(() => t.close());

async function templates(client: SignedInClient, query = '') {
  const response = await client.request({ method: 'GET', url: `/api/after-visit-templates${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().templates as { id: string; kind: string; key: string; language: string; title: string; body: string; version: number; isActive: boolean }[];
}

describe('after-visit templates', () => {
  it('starts a new clinic with the default templates in English and Spanish', async () => {
    const all = await templates(ma);
    expect(all).toHaveLength(defaultAfterVisitTemplates.length);
    for (const key of ['J06.9', 'I10', 'E11.9', 'influenza-vaccine', 'general']) {
      expect(all.filter((template) => template.key === key).map((template) => template.language).sort()).toEqual(['en', 'es']);
    }
    const spanish = await templates(ma, '?language=es&key=I10');
    expect(spanish).toEqual([expect.objectContaining({ kind: 'diagnosis', language: 'es', title: 'Presión arterial alta' })]);
    expect(await templates(ma)).toHaveLength(defaultAfterVisitTemplates.length); // no second copy
  });

  it('lets a manager add one and a provider edit it with the current version; a stale version gets 409, none 428', async () => {
    const created = await manager.request({ method: 'POST', url: '/api/after-visit-templates', payload: { kind: 'diagnosis', key: 'j02.9', language: 'en', title: 'Sore throat', body: 'Rest and drink fluids.' } });
    expect(created.statusCode, created.body).toBe(201);
    const template = created.json().template;
    expect(template).toMatchObject({ key: 'J02.9', version: 1, isActive: true });
    const duplicate = await provider.request({ method: 'POST', url: '/api/after-visit-templates', payload: { kind: 'diagnosis', key: 'J02.9', language: 'en', title: 'Again', body: 'x' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('AFTER_VISIT_TEMPLATE_EXISTS');

    const edited = await provider.request({ method: 'PUT', url: `/api/after-visit-templates/${template.id}`, payload: { version: 1, body: 'Rest, fluids, and salt-water gargles.' } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().template).toMatchObject({ version: 2, body: 'Rest, fluids, and salt-water gargles.', title: 'Sore throat' });
    const stale = await manager.request({ method: 'PUT', url: `/api/after-visit-templates/${template.id}`, payload: { version: 1, title: 'Overwrite' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    const viaHeader = await manager.request({ method: 'PUT', url: `/api/after-visit-templates/${template.id}`, headers: { 'if-match': 'W/"2"' }, payload: { isActive: false } });
    expect(viaHeader.json().template).toMatchObject({ version: 3, isActive: false });
    const missing = await manager.request({ method: 'PUT', url: `/api/after-visit-templates/${template.id}`, payload: { title: 'No version' } });
    expect(missing.statusCode).toBe(428);
    expect((await templates(ma, '?key=J02.9'))).toHaveLength(0);
    expect((await templates(ma, '?key=J02.9&includeInactive=true'))[0]).toMatchObject({ title: 'Sore throat', version: 3 });
  });

  it('refuses a medical assistant editing templates', async () => {
    const [first] = await templates(ma);
    expect((await ma.request({ method: 'PUT', url: `/api/after-visit-templates/${first!.id}`, payload: { version: first!.version, title: 'Mine' } })).statusCode).toBe(403);
    expect((await ma.request({ method: 'POST', url: '/api/after-visit-templates', payload: { kind: 'general', key: 'x', language: 'en', title: 'x', body: 'x' } })).statusCode).toBe(403);
    expect((await templates(ma)).find((template) => template.id === first!.id)?.title).toBe(first!.title);
  });
});

let slot = 0;
/** A visit today with its encounter, vitals as an MA entered them in lb/°F, medications, an allergy and a follow-up booked. */
async function visitWithRecord(patientOverrides: Parameters<typeof makePatientRow>[2] = {}) {
  const patient = await makePatientRow(t.db, organizationId, { givenName: 'Elena', ...patientOverrides });
  const today = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.now() - 6 * 3_600_000 + (slot++) * 30 * 60_000), status: 'roomed' });
  await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.UTC(2027, 0, 12, 15, 30) + slot * 3_600_000) }); // the first at 9:30 Chicago time
  const encounter = await t.db
    .insertInto('encounters')
    .values({ organizationId, locationId, patientId: patient.id, appointmentId: today.id, providerId: null, startedAt: new Date(), endedAt: null, roomedBy: null, roomedAt: null, readyForProviderBy: null, readyForProviderAt: null, summarySignedOffBy: null, summarySignedOffAt: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const observation = (code: string, codeDisplay: string, value: number | null, unit: string | null, entered: [number, string] | null, interpretation: 'N' | 'H' | null, components: object[] = []) => ({
    organizationId, patientId: patient.id, encounterId: encounter.id, vitalsSetId: null, orthostaticSetId: null, code, codeDisplay, value, unit,
    enteredValue: entered?.[0] ?? null, enteredUnit: entered?.[1] ?? null, components: JSON.stringify(components), interpretation, interpretationMessage: null,
    details: '{}', repeatOfId: null, effectiveAt: new Date(), recordedBy: null, recordedByClient: null, replacedById: null, correctionOfId: null,
    correctionReason: null, interpretationSetBy: null, interpretationReason: null,
  });
  await t.db.insertInto('observations').values([
    observation('29463-7', 'Body weight', 74.842741, 'kg', [165, '[lb_av]'], 'N'),
    observation('8310-5', 'Body temperature', 38.444, 'Cel', [101.2, '[degF]'], 'H'),
    observation('85354-9', 'Blood pressure panel', null, 'mm[Hg]', null, 'H', [
      { code: '8480-6', display: 'Systolic', value: 152, unit: 'mm[Hg]', interpretation: 'H' },
      { code: '8462-4', display: 'Diastolic', value: 96, unit: 'mm[Hg]', interpretation: 'H' },
    ]),
  ]).execute();
  const medication = (name: string, status: 'active' | 'stopped') => ({
    organizationId, patientId: patient.id, name, rxnormCode: null, dose: '10 mg', route: 'oral', frequency: 'once daily', status,
    reconciliation: null, reconciliationNote: null, reconciledBy: null, reconciledAt: null, startedOn: null, prescriberId: null, recordedBy: null,
  });
  await t.db.insertInto('medications').values([medication('Lisinopril', 'active'), medication('Amoxicillin', 'stopped')]).execute();
  await t.db.insertInto('allergies').values({ organizationId, patientId: patient.id, substanceText: 'Penicillin', substanceSystem: null, substanceCode: null, category: 'medication', reaction: 'hives', severity: 'moderate', criticality: null, onset: null, recordedBy: null }).execute();
  return { patientId: patient.id, encounterId: encounter.id };
}

function pdfText(pdf: Buffer): string {
  const file = path.join(pdfDir, `summary-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('the after-visit summary', () => {
  it('prints a Spanish PDF with two identifiers, the vitals as entered with flags, active medications, allergies, instructions and the next visit', async () => {
    const { encounterId, patientId } = await visitWithRecord();
    const [cold] = await templates(ma, '?language=es&key=J06.9');
    const created = await ma.request({
      method: 'POST', url: `/api/encounters/${encounterId}/after-visit-summary`,
      payload: { language: 'es', templateIds: [cold!.id], instructions: 'Vuelva en 2 semanas para revisar la presión.', delivery: 'print' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, pdfUrl, messageId } = created.json();
    expect(messageId).toBeNull();
    expect(pdfUrl).toBe(`/api/after-visit-summaries/${id}/pdf`);

    const response = await ma.request({ method: 'GET', url: pdfUrl });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const text = pdfText(response.rawPayload);
    const patient = await t.db.selectFrom('patients').select(['givenName', 'familyName']).where('id', '=', patientId).executeTakeFirstOrThrow();
    for (const expected of [
      'Resumen de su visita', 'After Visit Clinic', `${patient.givenName} ${patient.familyName}`, 'Fecha de nacimiento', '12/04/1980', 'Rosa Delgado',
      'Sus signos vitales de hoy', 'Peso', '165 lb', 'Temperatura', '101.2 °F', 'Presión arterial', '152/96 mmHg', 'Alto',
      'Su lista de medicinas', 'Lisinopril 10 mg oral once daily', 'Penicillin: hives',
      cold!.title, 'Vuelva en 2 semanas para revisar la presión.', 'Su próxima cita', '12 de enero de 2027',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('Amoxicillin');
    expect(text).not.toContain('Your vital signs');
    const audits = await t.db.selectFrom('auditEvents').select('action').where('patientId', '=', patientId).where('recordType', '=', 'AfterVisitSummary').orderBy('occurredAt').execute();
    expect(audits.map((audit) => audit.action)).toEqual(['create', 'print']);
  });

  it('prints English labels when asked in English, and refuses a template of the other language', async () => {
    const { encounterId } = await visitWithRecord();
    const [general] = await templates(ma, '?language=en&key=general');
    const created = await ma.request({ method: 'POST', url: `/api/encounters/${encounterId}/after-visit-summary`, payload: { language: 'en', templateIds: [general!.id], delivery: 'print' } });
    const text = pdfText((await ma.request({ method: 'GET', url: created.json().pdfUrl })).rawPayload);
    for (const expected of ['After-Visit Summary', 'Date of birth', '04/12/1980', 'Your vital signs today', 'Weight', 'High', 'General instructions', 'Your next appointment', 'January 12, 2027']) {
      expect(text, expected).toContain(expected);
    }
    const [spanish] = await templates(ma, '?language=es&key=general');
    const mixed = await ma.request({ method: 'POST', url: `/api/encounters/${encounterId}/after-visit-summary`, payload: { language: 'en', templateIds: [spanish!.id], delivery: 'print' } });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.field).toBe('templateIds.0');
  });

  it('queues exactly one email in the outbox and sends it with the PDF attached; the reminder worker leaves it alone', async () => {
    const { encounterId, patientId } = await visitWithRecord({ consentToEmail: true, email: 'elena@example.test' });
    const created = await ma.request({ method: 'POST', url: `/api/encounters/${encounterId}/after-visit-summary`, payload: { language: 'en', templateIds: [], instructions: 'Drink fluids.', delivery: 'outbox' } });
    expect(created.statusCode, created.body).toBe(201);
    const messages = await t.db.selectFrom('patientMessages').selectAll().where('patientId', '=', patientId).where('kind', '=', 'after-visit-summary').execute();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ id: created.json().messageId, channel: 'email', recipient: 'elena@example.test', status: 'scheduled' });

    await deliverDueReminders(t.db, { publicBaseUrl: 'https://clinic.example.test', now: new Date(Date.now() + 60_000) });
    expect((await t.db.selectFrom('patientMessages').select('status').where('id', '=', messages[0]!.id).executeTakeFirstOrThrow()).status).toBe('scheduled');

    const sent: { recipient: string; attachments?: { filename: string; content: Buffer }[] }[] = [];
    const sender: MessageSender = { transport: 'dev-sink', send: async (message) => void sent.push(message) };
    while ((await deliverAfterVisitSummaries(t.db, { devSink: sender, now: new Date(Date.now() + 60_000) })) > 0) {
      // drain
    }
    const mine = sent.filter((message) => message.recipient === 'elena@example.test');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.attachments?.[0]?.filename).toBe('after-visit-summary.pdf');
    expect(pdfText(mine[0]!.attachments![0]!.content)).toContain('Drink fluids.');
    expect((await t.db.selectFrom('patientMessages').select('status').where('id', '=', messages[0]!.id).executeTakeFirstOrThrow()).status).toBe('sent');
  });

  it('records the outbox message as skipped when the patient has not agreed to email', async () => {
    const { encounterId } = await visitWithRecord({ consentToEmail: false });
    const created = await ma.request({ method: 'POST', url: `/api/encounters/${encounterId}/after-visit-summary`, payload: { language: 'en', delivery: 'outbox' } });
    const message = await t.db.selectFrom('patientMessages').select(['status', 'recipient']).where('id', '=', created.json().messageId).executeTakeFirstOrThrow();
    expect(message).toEqual({ status: 'skipped-no-consent', recipient: null });
  });

  it('answers 404 for an unknown encounter or summary', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await ma.request({ method: 'POST', url: `/api/encounters/${unknown}/after-visit-summary`, payload: { language: 'en', delivery: 'print' } })).statusCode).toBe(404);
    expect((await ma.request({ method: 'GET', url: `/api/after-visit-summaries/${unknown}/pdf` })).statusCode).toBe(404);
  });
});
