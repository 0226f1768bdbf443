import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';
import { bloodPressure, insertAllergy, insertEncounter, insertMedication, insertObservation, insertScreening, loinc } from '../../../test/clinical-rows.js';

let t: TestApp;
let organizationId: string;
let locationId: string;
let providerId: string;
let maId: string;
let ma: SignedInClient;
let provider: SignedInClient;
let frontDesk: SignedInClient;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId, locationId } = await makeOrganization(t.db, 'Summary Clinic'));
  const maMember = await makeStaffMember(t.db, organizationId, ['medical-assistant'], { displayName: 'Maria MA' });
  maId = maMember.id;
  ma = await signInAs(t.app, maMember.username, TEST_PASSWORD);
  const providerMember = await makeStaffMember(t.db, organizationId, ['provider'], { displayName: 'Dr Patel' });
  providerId = providerMember.id;
  provider = await signInAs(t.app, providerMember.username, TEST_PASSWORD);
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
});
afterAll(() => t.close());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

/** A patient roomed today (through the flow), so the encounter is opened the way the clinic opens it. */
let minutesAhead = 0;
async function roomedPatient() {
  minutesAhead += 2;
  const patient = await makePatientRow(t.db, organizationId);
  const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.now() + minutesAhead * 60_000), minutes: 1, status: 'arrived' });
  const roomRow = await t.db.insertInto('examRooms').values({ organizationId, locationId, name: `Exam ${Math.random().toString(36).slice(2, 8)}` }).returning('id').executeTakeFirstOrThrow();
  const roomed = await ma.request({ method: 'POST', url: `/api/appointments/${appointment.id}/room`, payload: { roomId: roomRow.id, version: appointment.version } });
  expect(roomed.statusCode).toBe(200);
  const encounter = (await ma.request({ method: 'GET', url: `/api/appointments/${appointment.id}/encounter` })).json();
  return { patientId: patient.id, appointmentId: appointment.id, encounter, owner: { organizationId, patientId: patient.id } };
}

describe('the rooming summary', () => {
  it('shows this visit’s vitals with their flags, what changed since the last visit, allergies, medication changes and screenings', async () => {
    const { encounter, owner } = await roomedPatient();
    // the previous visit (6 months ago) and an older one: the summary compares with the newest before today
    const older = await insertEncounter(t.db, owner, { startedAt: daysAgo(400) });
    await insertObservation(t.db, owner, { encounterId: older.id, code: loinc.weight, display: 'Body weight', value: 90, unit: 'kg', effectiveAt: daysAgo(400) });
    const previous = await insertEncounter(t.db, owner, { startedAt: daysAgo(180) });
    await insertObservation(t.db, owner, { encounterId: previous.id, code: loinc.weight, display: 'Body weight', value: 84.2, unit: 'kg', effectiveAt: daysAgo(180) });
    await insertObservation(t.db, owner, { encounterId: previous.id, ...bloodPressure(150, 95, 'H'), effectiveAt: daysAgo(180) });
    // a reading entered in error last time does not count
    await insertObservation(t.db, owner, { encounterId: previous.id, code: loinc.pulse, display: 'Heart rate', value: 300, unit: '/min', effectiveAt: daysAgo(180), status: 'entered-in-error' });

    // today: an elevated BP, repeated after rest (both kept; the repeat is what changed), weight in lb, pulse
    await insertObservation(t.db, owner, { encounterId: encounter.id, ...bloodPressure(146, 92, 'H'), effectiveAt: new Date(Date.now() - 120_000) });
    await insertObservation(t.db, owner, { encounterId: encounter.id, ...bloodPressure(138, 88, 'H'), effectiveAt: new Date(Date.now() - 60_000) });
    await insertObservation(t.db, owner, { encounterId: encounter.id, code: loinc.weight, display: 'Body weight', value: 81.647, unit: 'kg', enteredValue: 180, enteredUnit: '[lb_av]', interpretation: null, effectiveAt: new Date() });
    await insertObservation(t.db, owner, { encounterId: encounter.id, code: loinc.spo2, display: 'Oxygen saturation', value: 87, unit: '%', interpretation: 'LL', isCritical: true, effectiveAt: new Date() });

    await insertAllergy(t.db, owner, { substance: 'Penicillin', reaction: 'Hives', severity: 'moderate' });
    await insertAllergy(t.db, owner, { substance: 'Sulfa (wrong chart)', status: 'entered-in-error' });

    const before = new Date(encounter.startedAt).getTime() - 86_400_000;
    await insertMedication(t.db, owner, { name: 'Lisinopril', dose: '20 mg', reconciliation: 'changed', reconciledAt: new Date(), reconciledBy: maId, note: 'now takes 20 mg' });
    await insertMedication(t.db, owner, { name: 'Atorvastatin', reconciliation: 'not-taking', reconciledAt: new Date(), reconciledBy: maId });
    await insertMedication(t.db, owner, { name: 'Metformin', reconciliation: 'taking', reconciledAt: new Date(), reconciledBy: maId });
    await insertMedication(t.db, owner, { name: 'Aspirin', reconciliation: 'changed', reconciledAt: new Date(before) });
    await insertMedication(t.db, owner, { name: 'Vitamin D', recordedAt: new Date() });

    await insertScreening(t.db, owner, { encounterId: encounter.id, instrument: 'phq-2', total: 4, band: 'positive', isPositive: true });
    await insertScreening(t.db, owner, { encounterId: previous.id, instrument: 'gad-7', total: 2, band: 'minimal', isPositive: false });

    const signedOffBefore = await provider.request({ method: 'GET', url: `/api/encounters/${encounter.id}/rooming-summary` });
    expect(signedOffBefore.statusCode).toBe(200);
    const summary = signedOffBefore.json();

    expect(summary.encounter.id).toBe(encounter.id);
    expect(summary.vitals.map((reading: { code: string }) => reading.code)).toEqual([loinc.bloodPressure, loinc.bloodPressure, loinc.weight, loinc.spo2]);
    const spo2 = summary.vitals.find((reading: { code: string }) => reading.code === loinc.spo2);
    expect(spo2).toMatchObject({ value: 87, unit: '%', interpretation: 'LL', isCritical: true });
    const weight = summary.vitals.find((reading: { code: string }) => reading.code === loinc.weight);
    expect(weight).toMatchObject({ value: 81.647, enteredValue: 180, enteredUnit: '[lb_av]' });
    expect(summary.vitals[0].components[0]).toMatchObject({ code: loinc.systolic, value: 146, interpretation: 'H' });

    expect(summary.changesSinceLastVisit).toMatchObject({ previousEncounterId: previous.id });
    const changes = new Map(summary.changesSinceLastVisit.changes.map((change: { code: string }) => [change.code, change]));
    expect(changes.get(loinc.weight)).toMatchObject({ previous: 84.2, current: 81.647, change: -2.55, unit: 'kg' });
    expect(changes.get(loinc.bloodPressure)).toMatchObject({
      components: [
        { code: loinc.systolic, previous: 150, current: 138, change: -12 },
        { code: loinc.diastolic, previous: 95, current: 88, change: -7 },
      ],
    });
    expect(changes.get(loinc.spo2)).toMatchObject({ previous: null, current: 87, change: null });

    expect(summary.allergies).toMatchObject({ status: 'has-allergies', items: [{ substance: 'Penicillin', reaction: 'Hives', severity: 'moderate' }] });
    expect(summary.allergies.items).toHaveLength(1);

    const medicationChanges = summary.medicationChanges.map((medication: { name: string; change: string }) => [medication.name, medication.change]);
    expect(medicationChanges).toEqual([['Atorvastatin', 'not-taking'], ['Lisinopril', 'changed'], ['Vitamin D', 'new']]);
    expect(summary.medicationChanges.find((medication: { name: string }) => medication.name === 'Lisinopril')).toMatchObject({ dose: '20 mg', note: 'now takes 20 mg', reconciledBy: { name: 'Maria MA' } });

    expect(summary.screenings).toEqual([expect.objectContaining({ instrument: 'phq-2', total: 4, isPositive: true })]);
    expect(summary.checklistProgress).toEqual({ done: 0, total: summary.encounter.checklist.length });
    expect(summary.checklistProgress.total).toBeGreaterThan(0);
  });

  it('has no changes since last visit on a first visit, and says when allergies were stated as none', async () => {
    const { encounter, owner, patientId } = await roomedPatient();
    await insertObservation(t.db, owner, { encounterId: encounter.id, code: loinc.weight, value: 70, unit: 'kg', effectiveAt: new Date() });
    await t.db.insertInto('allergyStatements').values({ patientId, organizationId, statement: 'no-known-drug-allergies', statedBy: maId }).execute();
    const summary = (await provider.request({ method: 'GET', url: `/api/encounters/${encounter.id}/rooming-summary` })).json();
    expect(summary.changesSinceLastVisit).toBeNull();
    expect(summary.allergies).toMatchObject({ status: 'no-known-drug-allergies', statedBy: { name: 'Maria MA' }, items: [] });
    expect(summary.allergies.statedAt).not.toBeNull();
  });

  it('is for clinical staff only and audited', async () => {
    const { encounter, patientId } = await roomedPatient();
    expect((await frontDesk.request({ method: 'GET', url: `/api/encounters/${encounter.id}/rooming-summary` })).statusCode).toBe(403);
    expect((await ma.request({ method: 'GET', url: '/api/encounters/00000000-0000-4000-8000-000000000000/rooming-summary' })).statusCode).toBe(404);
    expect((await ma.request({ method: 'GET', url: `/api/encounters/${encounter.id}/rooming-summary` })).statusCode).toBe(200);
    const reads = await t.db.selectFrom('auditEvents').select('details').where('patientId', '=', patientId).where('action', '=', 'read').where('recordType', '=', 'Encounter').execute();
    expect(reads.some((row) => JSON.stringify(row.details).includes('rooming-summary'))).toBe(true);
  });
});
