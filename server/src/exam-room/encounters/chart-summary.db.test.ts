import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makePatientRow } from '../../../test/appointment-factories.js';
import { bloodPressure, insertAllergy, insertEncounter, insertImmunization, insertMedication, insertObservation, insertProblem, loinc } from '../../../test/clinical-rows.js';

let t: TestApp;
let organizationId: string;
let ma: SignedInClient;
let frontDesk: SignedInClient;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId } = await makeOrganization(t.db, 'Chart Clinic'));
  ma = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'])).username, TEST_PASSWORD);
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
});
afterAll(() => t.close());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const chartSummary = (patientId: string, client = ma) => client.request({ method: 'GET', url: `/api/patients/${patientId}/chart-summary` });

describe('the chart summary', () => {
  it('gives the newest reading per vital, active problems and medications, allergies, immunizations and the last ten encounters', async () => {
    const patient = await makePatientRow(t.db, organizationId);
    const owner = { organizationId, patientId: patient.id };
    const encounters = [];
    for (let index = 0; index < 12; index += 1) {
      const encounter = await insertEncounter(t.db, owner, { startedAt: daysAgo(30 * (12 - index)), chiefComplaint: `visit ${index}`, visitType: index % 2 ? 'follow-up' : 'diabetic-follow-up' });
      encounters.push(encounter);
      await insertObservation(t.db, owner, { encounterId: encounter.id, code: loinc.weight, value: 90 - index, unit: 'kg', effectiveAt: encounter.startedAt });
      await insertObservation(t.db, owner, { encounterId: encounter.id, ...bloodPressure(150 - index, 95 - index, index > 8 ? 'N' : 'H'), effectiveAt: encounter.startedAt });
    }
    await insertEncounter(t.db, owner, { startedAt: daysAgo(1), status: 'entered-in-error' });
    // newer but not current: an entered-in-error weight and an amended (corrected away) pulse
    await insertObservation(t.db, owner, { code: loinc.weight, value: 500, unit: 'kg', effectiveAt: daysAgo(1), status: 'entered-in-error' });
    await insertObservation(t.db, owner, { code: loinc.pulse, value: 72, unit: '/min', effectiveAt: daysAgo(40) });
    await insertObservation(t.db, owner, { code: loinc.pulse, value: 270, unit: '/min', effectiveAt: daysAgo(2), status: 'amended' });

    await insertProblem(t.db, owner, { description: 'Type 2 diabetes mellitus', verification: 'confirmed' });
    await insertProblem(t.db, owner, { description: 'Knee pain', verification: 'patient-reported' });
    await insertProblem(t.db, owner, { description: 'Bronchitis', verification: 'confirmed', clinicalStatus: 'resolved' });
    await insertProblem(t.db, owner, { description: 'Asthma', verification: 'refuted' });
    await insertMedication(t.db, owner, { name: 'Metformin', dose: '500 mg' });
    await insertMedication(t.db, owner, { name: 'Glipizide', status: 'stopped' });
    await insertAllergy(t.db, owner, { substance: 'Penicillin', reaction: 'Hives' });
    await insertImmunization(t.db, owner, { cvxCode: '140', vaccineName: 'Influenza, seasonal', occurred: '2025-10-01' });
    await insertImmunization(t.db, owner, { cvxCode: '115', vaccineName: 'Tdap', occurred: '2019' });
    await insertImmunization(t.db, owner, { cvxCode: '03', vaccineName: 'MMR (wrong patient)', occurred: '2001', status: 'entered-in-error' });
    // another patient's rows never leak in
    const other = await makePatientRow(t.db, organizationId);
    await insertObservation(t.db, { organizationId, patientId: other.id }, { code: loinc.temperature, value: 40, unit: 'Cel', effectiveAt: new Date() });

    const response = await chartSummary(patient.id);
    expect(response.statusCode).toBe(200);
    const summary = response.json();
    const latest = new Map(summary.latestVitals.map((reading: { code: string }) => [reading.code, reading]));
    expect([...latest.keys()].sort()).toEqual([loinc.weight, loinc.bloodPressure, loinc.pulse].sort());
    expect(latest.get(loinc.weight)).toMatchObject({ value: 79, unit: 'kg', encounterId: encounters[11]!.id });
    expect(latest.get(loinc.bloodPressure)).toMatchObject({ interpretation: 'N', components: [{ value: 139 }, { value: 84 }] });
    expect(latest.get(loinc.pulse)).toMatchObject({ value: 72 });

    expect(summary.problems.map((problem: { description: string }) => problem.description).sort()).toEqual(['Knee pain', 'Type 2 diabetes mellitus']);
    expect(summary.medications.map((medication: { name: string }) => medication.name)).toEqual(['Metformin']);
    expect(summary.allergies).toMatchObject({ status: 'has-allergies', items: [{ substance: 'Penicillin' }] });
    expect(summary.immunizations.map((immunization: { cvxCode: string }) => immunization.cvxCode)).toEqual(['140', '115']);

    expect(summary.encounterCount).toBe(12);
    expect(summary.recentEncounters).toHaveLength(10);
    expect(summary.recentEncounters[0]).toMatchObject({ id: encounters[11]!.id, chiefComplaint: 'visit 11', visitType: 'follow-up', visitTypeLabel: 'Follow-up' });
    expect(summary.recentEncounters.map((encounter: { id: string }) => encounter.id)).toEqual(encounters.slice(2).reverse().map((encounter) => encounter.id));

    const audit = await t.db.selectFrom('auditEvents').select('details').where('patientId', '=', patient.id).where('action', '=', 'read').execute();
    expect(audit.some((row) => JSON.stringify(row.details).includes('chart-summary'))).toBe(true);
  });

  it('shows an empty chart as empty with allergies unknown', async () => {
    const patient = await makePatientRow(t.db, organizationId);
    const summary = (await chartSummary(patient.id)).json();
    expect(summary).toMatchObject({ latestVitals: [], problems: [], medications: [], immunizations: [], recentEncounters: [], encounterCount: 0, allergies: { status: 'unknown', items: [] } });
  });

  it('is clinical: the front desk is refused, unknown and other clinics’ patients are 404, restricted charts need break-the-glass', async () => {
    const patient = await makePatientRow(t.db, organizationId);
    expect((await chartSummary(patient.id, frontDesk)).statusCode).toBe(403);
    const other = await makeOrganization(t.db, 'Other Clinic');
    const foreign = await makePatientRow(t.db, other.organizationId);
    expect((await chartSummary(foreign.id)).json().error.code).toBe('PATIENT_NOT_FOUND');
    await t.db.updateTable('patients').set({ isRestricted: true }).where('id', '=', patient.id).execute();
    const restricted = await chartSummary(patient.id);
    expect(restricted.statusCode).toBe(403);
    expect(restricted.json().error.code).toBe('BREAK_THE_GLASS_REQUIRED');
  });
});
