import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';

let t: TestApp;
let organizationId: string;
let locationId: string;
let providerId: string;
let ma: SignedInClient;
let frontDesk: SignedInClient;

beforeAll(async () => {
  t = await buildTestApp({ config: { reminderIntervalMs: 0 } });
  ({ organizationId, locationId } = await makeOrganization(t.db, 'Screening Clinic'));
  providerId = (await makeStaffMember(t.db, organizationId, ['provider'])).id;
  ma = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'])).username, TEST_PASSWORD);
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
});
afterAll(() => t.close());

let slot = 0;
/** A roomed visit's encounter, inserted directly (rooming is another sub-area's use case). */
async function encounter(options: { withProvider?: boolean; sex?: 'male' | 'female' } = {}) {
  const patient = await makePatientRow(t.db, organizationId);
  if (options.sex) await t.db.updateTable('patients').set({ sexAtBirth: options.sex }).where('id', '=', patient.id).execute();
  const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.now() - 12 * 3_600_000 + (slot++) * 30 * 60_000) });
  const row = await t.db
    .insertInto('encounters')
    .values({ organizationId, locationId, patientId: patient.id, appointmentId: options.withProvider === false ? null : appointment.id, providerId: null, startedAt: new Date(), endedAt: null, roomedBy: null, roomedAt: null, readyForProviderBy: null, readyForProviderAt: null, summarySignedOffBy: null, summarySignedOffAt: null })
    .returning(['id', 'patientId'])
    .executeTakeFirstOrThrow();
  return row;
}

const post = (client: SignedInClient, encounterId: string, payload: unknown) =>
  client.request({ method: 'POST', url: `/api/encounters/${encounterId}/screenings`, payload: payload as object });

const tasksOf = (patientId: string) => t.db.selectFrom('tasks').selectAll().where('patientId', '=', patientId).orderBy('createdAt').execute();

describe('recording a screening', () => {
  it('stores a PHQ-9 with its exact total and band, and flags the provider once per encounter and instrument', async () => {
    const { id, patientId } = await encounter();
    const answers = [2, 2, 2, 1, 1, 1, 1, 1, 0]; // 11: moderate
    const first = await post(ma, id, { instrument: 'phq-9', answers });
    expect(first.statusCode, first.body).toBe(201);
    const body = first.json();
    expect(body.screening).toMatchObject({ instrument: 'phq-9', total: 11, band: 'moderate', isPositive: true, needsUrgentFollowUp: false });
    expect(body.message).toMatch(/provider has been flagged/);
    const stored = await t.db.selectFrom('screenings').selectAll().where('id', '=', body.screening.id).executeTakeFirstOrThrow();
    expect(Number(stored.total)).toBe(11);
    expect(stored.answers).toEqual(answers);

    const again = await post(ma, id, { instrument: 'phq-9', answers: [3, 2, 2, 1, 1, 1, 1, 1, 0] });
    expect(again.json().screening.total).toBe(12);
    const tasks = await tasksOf(patientId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ priority: 'routine', ownerStaffId: providerId, focusId: id, kind: 'screening-positive' });
    expect(again.json().screening.taskId).toBe(tasks[0]!.id);
  });

  it('answers that a PHQ-9 is due after a positive PHQ-2, and makes no task for a negative screen', async () => {
    const { id, patientId } = await encounter();
    const positive = (await post(ma, id, { instrument: 'phq-2', answers: { item1: 2, item2: 1 } })).json();
    expect(positive).toMatchObject({ nextInstrument: 'phq-9', screening: { total: 3, band: 'positive', isPositive: true } });
    const negative = (await post(ma, id, { instrument: 'gad-7', answers: [1, 1, 1, 0, 0, 0, 1] })).json();
    expect(negative).toMatchObject({ nextInstrument: null, message: null, screening: { total: 4, band: 'minimal', isPositive: false, taskId: null } });
    expect((await tasksOf(patientId)).map((task) => task.title)).toEqual([expect.stringContaining('PHQ-2')]);
  });

  it('creates exactly one urgent task in the same transaction when PHQ-9 item 9 is positive, even with a low total', async () => {
    const { id, patientId } = await encounter({ withProvider: false });
    const response = await post(ma, id, { instrument: 'phq-9', answers: [0, 0, 0, 0, 0, 0, 0, 0, 1] });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.screening).toMatchObject({ total: 1, band: 'none-minimal', isPositive: true, needsUrgentFollowUp: true });
    expect(body.message).toMatch(/Stay with the patient/);
    const tasks = await tasksOf(patientId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ id: body.screening.taskId, priority: 'urgent', ownerPool: 'provider', ownerStaffId: null, status: 'open' });
    // the live event of the task was written with the screening (same transaction)
    const event = await t.db.selectFrom('liveEvents').select(['payload']).where('organizationId', '=', organizationId).where('topic', '=', 'inbox').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(event.payload)).toContain(body.screening.taskId);
  });

  it('writes nothing when the urgent task cannot be created (one transaction)', async () => {
    const { id, patientId } = await encounter();
    // a provider from another clinic cannot own the task: the whole screening rolls back
    const other = await makeOrganization(t.db, 'Other Clinic');
    const stranger = await makeStaffMember(t.db, other.organizationId, ['provider']);
    await t.db.updateTable('encounters').set({ providerId: stranger.id }).where('id', '=', id).execute();
    const response = await post(ma, id, { instrument: 'phq-9', answers: [0, 0, 0, 0, 0, 0, 0, 0, 2] });
    expect(response.statusCode).toBe(404);
    expect(await t.db.selectFrom('screenings').select('id').where('encounterId', '=', id).execute()).toHaveLength(0);
    expect(await tasksOf(patientId)).toHaveLength(0);
  });

  it('uses the patient’s sex for the AUDIT-C cut-point, and scores fall risk and tobacco', async () => {
    const male = await encounter({ sex: 'male' });
    expect((await post(ma, male.id, { instrument: 'audit-c', answers: [1, 1, 1] })).json().screening).toMatchObject({ total: 3, isPositive: false });
    const female = await encounter({ sex: 'female' });
    expect((await post(ma, female.id, { instrument: 'audit-c', answers: [1, 1, 1] })).json().screening).toMatchObject({ total: 3, isPositive: true });
    expect((await post(ma, female.id, { instrument: 'fall-risk', answers: { hasFallenInPastYear: false, feelsUnsteady: true, worriesAboutFalling: false } })).json().screening)
      .toMatchObject({ total: 1, band: 'at-risk', isPositive: true });
    expect((await post(ma, female.id, { instrument: 'tobacco', answers: { status: 'former', packsPerDay: 1.5, yearsSmoked: 20 } })).json().screening)
      .toMatchObject({ total: 30, band: 'former', isPositive: false });
  });

  it('refuses invalid answers with 400 naming the item, and stores nothing', async () => {
    const { id } = await encounter();
    const response = await post(ma, id, { instrument: 'phq-9', answers: [0, 1, 2, 3, 4, 0, 0, 0] });
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues.map((issue: { field: string }) => issue.field)).toEqual(['answers.item5', 'answers.item9']);
    const tobacco = await post(ma, id, { instrument: 'tobacco', answers: { status: 'current', packsPerDay: 1 } });
    expect(tobacco.statusCode).toBe(400);
    expect(tobacco.json().error.issues).toEqual([{ field: 'answers.yearsSmoked', message: expect.any(String) }]);
    expect((await post(ma, id, { instrument: 'phq-10', answers: [] })).statusCode).toBe(400);
    expect(await t.db.selectFrom('screenings').select('id').where('encounterId', '=', id).execute()).toHaveLength(0);
  });

  it('answers 404 for an encounter of another clinic and refuses the front desk', async () => {
    const other = await makeOrganization(t.db, 'Elsewhere');
    const patient = await makePatientRow(t.db, other.organizationId);
    const foreign = await t.db
      .insertInto('encounters')
      .values({ organizationId: other.organizationId, locationId: other.locationId, patientId: patient.id, appointmentId: null, providerId: null, startedAt: new Date(), endedAt: null, roomedBy: null, roomedAt: null, readyForProviderBy: null, readyForProviderAt: null, summarySignedOffBy: null, summarySignedOffAt: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await post(ma, foreign.id, { instrument: 'phq-2', answers: [0, 0] })).statusCode).toBe(404);
    const { id } = await encounter();
    expect((await post(frontDesk, id, { instrument: 'phq-2', answers: [0, 0] })).statusCode).toBe(403);
  });
});

describe('a patient’s screenings', () => {
  it('lists them newest first, filtered by instrument, audited; the front desk is refused', async () => {
    const { id, patientId } = await encounter();
    await post(ma, id, { instrument: 'phq-2', answers: [0, 1] });
    await post(ma, id, { instrument: 'gad-7', answers: [3, 3, 3, 3, 3, 3, 3] });
    const all = await ma.request({ method: 'GET', url: `/api/patients/${patientId}/screenings` });
    expect(all.statusCode).toBe(200);
    expect(all.json().screenings.map((row: { instrument: string; total: number; band: string }) => [row.instrument, row.total, row.band])).toEqual([
      ['gad-7', 21, 'severe'],
      ['phq-2', 1, 'negative'],
    ]);
    const filtered = await ma.request({ method: 'GET', url: `/api/patients/${patientId}/screenings?instrument=phq-2` });
    expect(filtered.json().screenings).toHaveLength(1);
    const audits = await t.db.selectFrom('auditEvents').select('action').where('patientId', '=', patientId).where('recordType', '=', 'Screening').where('action', '=', 'read').execute();
    expect(audits).toHaveLength(2);
    expect((await frontDesk.request({ method: 'GET', url: `/api/patients/${patientId}/screenings` })).statusCode).toBe(403);
  });
});
