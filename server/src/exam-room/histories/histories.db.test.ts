import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makePatientRow } from '../../../test/appointment-factories.js';
import { recordAllergy, recordImmunization, recordMedication, recordProblem } from './index.js';

let t: TestApp;
let organizationId: string;
let ma: SignedInClient;
let otherMa: SignedInClient;
let provider: SignedInClient;
let frontDesk: SignedInClient;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId } = await makeOrganization(t.db));
  ma = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'], { displayName: 'Maria Alvarez' })).username, TEST_PASSWORD);
  otherMa = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'], { displayName: 'Ken Osei' })).username, TEST_PASSWORD);
  provider = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['provider'], { displayName: 'Dr. Priya Shah' })).username, TEST_PASSWORD);
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
});
afterAll(() => t.close());

const newPatient = async () => (await makePatientRow(t.db, organizationId)).id;
const post = (client: SignedInClient, url: string, payload: object) => client.request({ method: 'POST', url, payload });
const get = (client: SignedInClient, url: string) => client.request({ method: 'GET', url });
const auditOf = (patientId: string) =>
  t.db.selectFrom('auditEvents').select(['action', 'recordType', 'actorId']).where('patientId', '=', patientId).orderBy('occurredAt').execute();

const PENICILLIN = { text: 'Penicillin G', system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '7980' };
const PEANUT = { text: 'Peanut', system: 'http://snomed.info/sct', code: '762952008' };

describe('allergies and the NKDA statement', () => {
  it('records "no known drug allergies" as a statement with who and when, shown in the patient view', async () => {
    const patientId = await newPatient();
    expect((await get(frontDesk, `/api/patients/${patientId}`)).json()).toMatchObject({ allergyStatus: 'unknown', allergies: [], allergyStatement: null });
    const stated = await post(ma, `/api/patients/${patientId}/allergy-statement`, { statement: 'no-known-drug-allergies' });
    expect(stated.statusCode, stated.body).toBe(201);
    expect(stated.json()).toMatchObject({ status: 'no-known-drug-allergies', statedBy: { id: ma.staffMemberId, name: 'Maria Alvarez' }, allergies: [] });
    const view = (await get(frontDesk, `/api/patients/${patientId}`)).json();
    expect(view.allergyStatus).toBe('no-known-drug-allergies');
    expect(view.allergyStatement).toMatchObject({ statement: 'no-known-drug-allergies', statedBy: { id: ma.staffMemberId, name: 'Maria Alvarez' } });
    expect(Date.now() - Date.parse(view.allergyStatement.statedAt)).toBeLessThan(60_000);
  });

  it('recording a drug allergy removes the NKDA statement in the same transaction, and the banner shows the substance', async () => {
    const patientId = await newPatient();
    await post(ma, `/api/patients/${patientId}/allergy-statement`, { statement: 'no-known-drug-allergies' });
    const recorded = await post(ma, `/api/patients/${patientId}/allergies`, {
      substance: PENICILLIN, category: 'medication', reaction: 'Hives', severity: 'moderate', criticality: 'high',
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({ status: 'has-allergies', statement: null, statedBy: null });
    expect(recorded.json().allergies[0]).toMatchObject({ substance: PENICILLIN, reaction: 'Hives', severity: 'moderate', criticality: 'high', recordedBy: { name: 'Maria Alvarez' }, version: 1 });
    expect(await t.db.selectFrom('allergyStatements').selectAll().where('patientId', '=', patientId).execute()).toEqual([]);
    const view = (await get(frontDesk, `/api/patients/${patientId}`)).json();
    expect(view).toMatchObject({ allergyStatus: 'has-allergies', allergyStatement: null, allergies: [{ substance: 'Penicillin G', reaction: 'Hives', severity: 'moderate' }] });
    const audit = await auditOf(patientId);
    expect(audit.filter((entry) => entry.recordType === 'AllergyStatement').map((entry) => entry.action)).toEqual(['create', 'update']);
    expect(audit.some((entry) => entry.action === 'create' && entry.recordType === 'AllergyIntolerance' && entry.actorId === ma.staffMemberId)).toBe(true);
  });

  it('keeps NKDA beside a food allergy, but refuses NKDA while a drug allergy is on file (409)', async () => {
    const patientId = await newPatient();
    await post(ma, `/api/patients/${patientId}/allergy-statement`, { statement: 'no-known-drug-allergies' });
    const food = await post(ma, `/api/patients/${patientId}/allergies`, { substance: PEANUT, category: 'food', reaction: 'Anaphylaxis', severity: 'severe' });
    expect(food.json()).toMatchObject({ status: 'has-allergies', statement: 'no-known-drug-allergies' });
    await post(ma, `/api/patients/${patientId}/allergies`, { substance: { text: 'Sulfa drugs' }, category: 'medication' });
    const refused = await post(ma, `/api/patients/${patientId}/allergy-statement`, { statement: 'no-known-drug-allergies' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'ALLERGIES_ON_RECORD', field: 'statement' });
  });

  it('marks an allergy entered-in-error with its version; a stale version gets 409 and a missing one 428', async () => {
    const patientId = await newPatient();
    const allergy = (await post(ma, `/api/patients/${patientId}/allergies`, { substance: PENICILLIN, category: 'medication' })).json().allergies[0];
    expect((await post(ma, `/api/allergies/${allergy.id}/entered-in-error`, {})).statusCode).toBe(428);
    const done = await post(ma, `/api/allergies/${allergy.id}/entered-in-error`, { version: allergy.version, reason: 'Wrong patient' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'unknown', allergies: [] });
    const again = await post(otherMa, `/api/allergies/${allergy.id}/entered-in-error`, { version: allergy.version });
    expect(again.statusCode).toBe(409);
    const stored = await t.db.selectFrom('allergies').select(['status', 'version']).where('id', '=', allergy.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'entered-in-error', version: 2 });
  });

  it.each([
    ['a SNOMED CT code with a wrong check digit', { substance: { ...PEANUT, code: '762952009' } }, 'substance.code'],
    ['letters in an RxNorm code', { substance: { ...PENICILLIN, code: '79A0' } }, 'substance.code'],
    ['an unknown code system', { substance: { text: 'Latex', system: 'http://example.org/codes', code: '1' } }, 'substance.system'],
    ['a code without its system', { substance: { text: 'Latex', code: '111088007' } }, 'substance.system'],
    ['a UNII of the wrong length', { substance: { text: 'Latex', system: 'http://fdasis.nlm.nih.gov', code: 'ABC' } }, 'substance.code'],
    ['an unknown severity', { substance: PENICILLIN, severity: 'deadly' }, 'severity'],
  ])('answers 400 naming the field for %s', async (_case, payload, field) => {
    const patientId = await newPatient();
    const response = await post(ma, `/api/patients/${patientId}/allergies`, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.issues.map((issue: { field: string }) => issue.field)).toContain(field);
    expect(await t.db.selectFrom('allergies').select('id').where('patientId', '=', patientId).execute()).toEqual([]);
  });

  it('audits reading the allergy list, and refuses the front desk (policy)', async () => {
    const patientId = await newPatient();
    expect((await get(ma, `/api/patients/${patientId}/allergies`)).statusCode).toBe(200);
    expect(await auditOf(patientId)).toContainEqual({ action: 'read', recordType: 'AllergyIntolerance', actorId: ma.staffMemberId });
    expect((await get(frontDesk, `/api/patients/${patientId}/allergies`)).statusCode).toBe(403);
  });
});

describe('medications and reconciliation', () => {
  it('adds medications with the list version, validates RxNorm digits, and asks for the version (428)', async () => {
    const patientId = await newPatient();
    const empty = (await get(ma, `/api/patients/${patientId}/medications`)).json();
    expect(empty).toMatchObject({ listVersion: 0, medications: [] });
    expect((await post(ma, `/api/patients/${patientId}/medications`, { medication: { name: 'Lisinopril' } })).statusCode).toBe(428);
    const bad = await post(ma, `/api/patients/${patientId}/medications`, { listVersion: 0, medication: { name: 'Lisinopril', rxnormCode: '3144x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('medication.rxnormCode');
    const added = await post(ma, `/api/patients/${patientId}/medications`, {
      listVersion: 0, medication: { name: 'Lisinopril 10 mg tablet', rxnormCode: '314076', dose: '10 mg', route: 'oral', frequency: 'once daily' },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ listVersion: 1, medications: [{ name: 'Lisinopril 10 mg tablet', rxnormCode: '314076', dose: '10 mg', status: 'active', recordedBy: { name: 'Maria Alvarez' } }] });
  });

  it('reconciles taking / not taking / changed with who and when; a second editor with the same list version gets 409', async () => {
    const patientId = await newPatient();
    let list = (await post(ma, `/api/patients/${patientId}/medications`, { listVersion: 0, medication: { name: 'Metformin', dose: '500 mg', frequency: 'twice daily' } })).json();
    list = (await post(ma, `/api/patients/${patientId}/medications`, { listVersion: list.listVersion, medication: { name: 'Atorvastatin', dose: '20 mg', frequency: 'nightly' } })).json();
    list = (await post(ma, `/api/patients/${patientId}/medications`, { listVersion: list.listVersion, medication: { name: 'Ibuprofen', dose: '400 mg', frequency: 'as needed' } })).json();
    expect(list.listVersion).toBe(3);
    const id = (name: string) => list.medications.find((medication: { name: string }) => medication.name === name).id;
    const items = [
      { medicationId: id('Metformin'), reconciliation: 'changed', dose: '1000 mg', note: 'Dose raised by endocrinology' },
      { medicationId: id('Atorvastatin'), reconciliation: 'taking' },
      { medicationId: id('Ibuprofen'), reconciliation: 'not-taking' },
    ];
    const [first, second] = await Promise.all([
      post(ma, `/api/patients/${patientId}/medications/reconciliation`, { listVersion: 3, items }),
      post(otherMa, `/api/patients/${patientId}/medications/reconciliation`, { listVersion: 3, items: [{ medicationId: id('Atorvastatin'), reconciliation: 'not-taking' }] }),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 409]);
    const loser = first.statusCode === 409 ? first : second;
    expect(loser.json().error).toMatchObject({ code: 'VERSION_CONFLICT', field: 'listVersion', currentVersion: 4 });
    const winner = first.statusCode === 200 ? first : second;
    const reconciled = (await get(ma, `/api/patients/${patientId}/medications`)).json();
    expect(reconciled.listVersion).toBe(4);
    if (winner === first) {
      const byName = Object.fromEntries(reconciled.medications.map((medication: { name: string }) => [medication.name, medication]));
      expect(byName.Metformin).toMatchObject({ reconciliation: 'changed', dose: '1000 mg', frequency: 'twice daily', status: 'active', reconciledBy: { id: ma.staffMemberId } });
      expect(byName.Metformin.reconciliationNote).toBe('Was: 500 mg, twice daily. Dose raised by endocrinology');
      expect(byName.Ibuprofen).toMatchObject({ reconciliation: 'not-taking', status: 'stopped' });
      expect(reconciled.medications.at(-1).name).toBe('Ibuprofen');
      expect(reconciled.lastReconciledBy).toMatchObject({ id: ma.staffMemberId, name: 'Maria Alvarez' });
      expect(Date.now() - Date.parse(byName.Atorvastatin.reconciledAt)).toBeLessThan(60_000);
    }
  });

  it('refuses "changed" without the new dose or frequency, and a medication of another patient, naming the field', async () => {
    const patientId = await newPatient();
    const otherId = await newPatient();
    const list = (await post(ma, `/api/patients/${patientId}/medications`, { listVersion: 0, medication: { name: 'Amlodipine' } })).json();
    const other = (await post(ma, `/api/patients/${otherId}/medications`, { listVersion: 0, medication: { name: 'Warfarin' } })).json();
    const changed = await post(ma, `/api/patients/${patientId}/medications/reconciliation`, { listVersion: 1, items: [{ medicationId: list.medications[0].id, reconciliation: 'changed' }] });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().error.field).toBe('items.0.dose');
    const foreign = await post(ma, `/api/patients/${patientId}/medications/reconciliation`, { listVersion: 1, items: [{ medicationId: other.medications[0].id, reconciliation: 'taking' }] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.field).toBe('items.0.medicationId');
  });
});

describe('problem list: scope of practice', () => {
  it('an MA records a patient-reported problem but is refused confirming it as a diagnosis (403); a provider confirms with an ICD-10-CM code', async () => {
    const patientId = await newPatient();
    const reported = await post(ma, `/api/patients/${patientId}/problems`, { description: 'High blood sugar, told by another doctor', onset: '2021' });
    expect(reported.statusCode, reported.body).toBe(201);
    const problem = reported.json();
    expect(problem).toMatchObject({ verification: 'patient-reported', reportedBy: { id: ma.staffMemberId }, confirmedBy: null, code: null });
    const refused = await post(ma, `/api/problems/${problem.id}/confirm`, { version: problem.version, code: { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/Confirming a diagnosis is a provider's decision/);
    expect((await t.db.selectFrom('problems').select('verification').where('id', '=', problem.id).executeTakeFirstOrThrow()).verification).toBe('patient-reported');
    const badCode = await post(provider, `/api/problems/${problem.id}/confirm`, { version: problem.version, code: { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E119X9Z' } });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().error.field).toBe('code.code');
    const confirmed = await post(provider, `/api/problems/${problem.id}/confirm`, { version: problem.version, code: { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9' }, description: 'Type 2 diabetes mellitus without complications' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ verification: 'confirmed', code: 'E11.9', confirmedBy: { id: provider.staffMemberId, name: 'Dr. Priya Shah' }, version: 2 });
    expect((await post(provider, `/api/problems/${problem.id}/confirm`, { version: 1 })).statusCode).toBe(409);
    const list = (await get(ma, `/api/patients/${patientId}/problems`)).json();
    expect(list.problems).toHaveLength(1);
    const refusals = await t.db.selectFrom('auditEvents').select('id').where('actorId', '=', ma.staffMemberId).where('action', '=', 'policy-refused').execute();
    expect(refusals.length).toBeGreaterThan(0);
  });
});

describe('history entries and social history', () => {
  it('records past medical, surgical and family history; family history needs the relative', async () => {
    const patientId = await newPatient();
    const family = await post(ma, `/api/patients/${patientId}/history-entries`, { kind: 'family', description: 'Breast cancer', relation: 'mother', details: { ageAtOnset: 52 } });
    expect(family.statusCode, family.body).toBe(201);
    await post(ma, `/api/patients/${patientId}/history-entries`, { kind: 'past-surgical', description: 'Appendectomy', occurred: '1998-06' });
    const missing = await post(ma, `/api/patients/${patientId}/history-entries`, { kind: 'family', description: 'Diabetes' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.field).toBe('relation');
    const all = (await get(ma, `/api/patients/${patientId}/history-entries`)).json().entries;
    expect(all.map((entry: { kind: string }) => entry.kind).sort()).toEqual(['family', 'past-surgical']);
    const surgical = (await get(ma, `/api/patients/${patientId}/history-entries?kind=past-surgical`)).json().entries;
    expect(surgical).toMatchObject([{ description: 'Appendectomy', occurred: '1998-06', recordedBy: { name: 'Maria Alvarez' } }]);
  });

  it('computes pack-years (never typed) and versions the social history', async () => {
    const patientId = await newPatient();
    const url = `/api/patients/${patientId}/social-history`;
    expect((await get(ma, url)).json()).toMatchObject({ version: 0, packYears: null });
    expect((await ma.request({ method: 'PUT', url, payload: { tobacco: { status: 'never' } } })).statusCode).toBe(428);
    const saved = await ma.request({ method: 'PUT', url, payload: { version: 0, tobacco: { status: 'former', packsPerDay: 1.5, yearsSmoked: 20, quitYear: 2015 }, alcoholDrinksPerWeek: 4 } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ tobaccoStatus: 'former', packsPerDay: 1.5, yearsSmoked: 20, packYears: 30, quitYear: 2015, alcoholDrinksPerWeek: 4, version: 1 });
    const stale = await otherMa.request({ method: 'PUT', url, payload: { version: 0, tobacco: { status: 'never' } } });
    expect(stale.statusCode).toBe(409);
    const missingYears = await ma.request({ method: 'PUT', url, payload: { version: 1, tobacco: { status: 'current', packsPerDay: 0.5 } } });
    expect(missingYears.statusCode).toBe(400);
    expect(missingYears.json().error.field).toBe('tobacco.yearsSmoked');
    const current = await ma.request({ method: 'PUT', url, payload: { version: 1, tobacco: { status: 'current', packsPerDay: 0.5, yearsSmoked: 7 } } });
    expect(current.json()).toMatchObject({ packYears: 3.5, version: 2, alcoholDrinksPerWeek: null });
    expect((await get(ma, url)).json()).toMatchObject({ tobaccoStatus: 'current', packYears: 3.5, version: 2 });
  });
});

describe('historical immunizations', () => {
  it('records a dose with a partial date and the CDC vaccine name, lot optional', async () => {
    const patientId = await newPatient();
    const recorded = await post(ma, `/api/patients/${patientId}/immunizations`, { cvxCode: '3', occurred: '1985-05', informationSource: 'parent-written-record' });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({ cvxCode: '03', vaccineName: 'measles, mumps and rubella virus vaccine', occurred: '1985-05', isPrimarySource: false, lotNumber: null, informationSource: 'parent-written-record' });
    await post(ma, `/api/patients/${patientId}/immunizations`, { cvxCode: '115', occurred: '2019-10-02', lotNumber: 'AB123' });
    const list = (await get(ma, `/api/patients/${patientId}/immunizations`)).json().immunizations;
    expect(list.map((dose: { cvxCode: string }) => dose.cvxCode)).toEqual(['115', '03']);
  });

  it.each([
    ['a 4-digit CVX code', { cvxCode: '1234', occurred: '2019' }, 'cvxCode'],
    ['an unknown CVX code', { cvxCode: '777', occurred: '2019' }, 'cvxCode'],
    ['CVX 998 (no vaccine given)', { cvxCode: '998', occurred: '2019' }, 'cvxCode'],
    ['month 13', { cvxCode: '115', occurred: '2019-13' }, 'occurred'],
    ['a future date', { cvxCode: '115', occurred: '2999-01-01' }, 'occurred'],
    ['a date before birth', { cvxCode: '115', occurred: '1979' }, 'occurred'],
    ['an unknown information source', { cvxCode: '115', occurred: '2019', informationSource: 'hearsay' }, 'informationSource'],
  ])('answers 400 naming the field for %s', async (_case, payload, field) => {
    const patientId = await newPatient();
    const response = await post(ma, `/api/patients/${patientId}/immunizations`, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toBe(field);
  });
});

describe('exported writers for the FHIR mapping and imports', () => {
  it('write the same rows with their source and apply the same rules', async () => {
    const patientId = await newPatient();
    const context = { actor: null, organizationId, clientAddress: '127.0.0.1', requestId: 'test', staffMemberId: null };
    await t.db.transaction().execute(async (trx) => {
      await recordAllergy(trx, context, patientId, { substance: PEANUT, category: 'food' }, { source: 'fhir' });
      await recordMedication(trx, context, patientId, { name: 'Levothyroxine', rxnormCode: '966222' }, { source: 'fhir' });
      await recordProblem(trx, context, patientId, { description: 'Hypothyroidism', code: { system: 'http://snomed.info/sct', code: '40930008' } }, { source: 'fhir', verification: 'confirmed' });
      await recordImmunization(trx, context, patientId, { cvxCode: '140', occurred: '2020-10' }, { source: 'import' });
    });
    expect((await get(ma, `/api/patients/${patientId}/allergies`)).json().allergies[0]).toMatchObject({ source: 'fhir', recordedBy: null });
    expect((await get(ma, `/api/patients/${patientId}/medications`)).json()).toMatchObject({ listVersion: 1, medications: [{ source: 'fhir' }] });
    expect((await get(ma, `/api/patients/${patientId}/problems`)).json().problems[0]).toMatchObject({ verification: 'confirmed', code: '40930008' });
    await expect(t.db.transaction().execute((trx) => recordAllergy(trx, context, patientId, { substance: { ...PEANUT, code: '1' } }, { source: 'fhir' })))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'substance.code' });
  });
});

describe('restricted charts and other clinics', () => {
  it('refuses histories of a restricted chart without break-the-glass, and answers 404 for another clinic’s patient', async () => {
    const patientId = await newPatient();
    await t.db.updateTable('patients').set({ isRestricted: true }).where('id', '=', patientId).execute();
    const refused = await get(ma, `/api/patients/${patientId}/medications`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('BREAK_THE_GLASS_REQUIRED');
    expect((await post(ma, `/api/patients/${patientId}/allergy-statement`, { statement: 'no-known-allergies' })).statusCode).toBe(403);
    const { organizationId: otherOrganization } = await makeOrganization(t.db, 'Other Clinic');
    const stranger = (await makePatientRow(t.db, otherOrganization)).id;
    const missing = await post(ma, `/api/patients/${stranger}/problems`, { description: 'Headache' });
    expect(missing.statusCode).toBe(404);
    expect(await t.db.selectFrom('problems').select('id').where('patientId', '=', stranger).execute()).toEqual([]);
  });
});
