import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { patientFields } from '../../../test/factories.js';
import { setUpFhir, type Caller, type FhirTestSetup } from './fhir-test-setup.js';
import { MRN_SYSTEM } from './resources/patient-mapping.js';

let setup: FhirTestSetup;
let client: Caller;
const json = { 'content-type': 'application/fhir+json' };
// A family name no other test uses, so searches see only this file's patients.
const FAMILY = `Zebulon${Date.now().toString(36).replace(/\d/g, '')}`;

async function create(patient: Patient): Promise<Patient> {
  const response = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: patient });
  if (response.statusCode !== 201) throw new Error(`${response.statusCode} ${response.body}`);
  return response.json() as Patient;
}
const search = async (query: string) => {
  const response = await client({ method: 'GET', url: `/fhir/R4/Patient?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Bundle<Patient>;
};
const ids = (bundle: Bundle<Patient>) => (bundle.entry ?? []).map((entry) => entry.resource!.id);

let ann: Patient;
let bob: Patient;
let cara: Patient;

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
  ann = await create({ resourceType: 'Patient', identifier: [{ system: 'urn:example:hospital', value: 'H-100' }], name: [{ use: 'official', family: FAMILY, given: ['Ann', 'Marie'] }], gender: 'female', birthDate: '1950-03-04' });
  bob = await create({ resourceType: 'Patient', name: [{ family: FAMILY, given: ['Bob'] }, { use: 'nickname', given: ['Bobby'] }], gender: 'male', birthDate: '1960-07-08' });
  cara = await create({ resourceType: 'Patient', name: [{ family: `${FAMILY}-Smythe`, given: ['Cara'] }], birthDate: '1975' });
});
afterAll(() => setup.t.close());

describe('FHIR Patient', () => {
  it('puts a FHIR-created patient on the clinic register, readable in the app with an assigned MRN', async () => {
    const row = await setup.t.db.selectFrom('patients').selectAll().where('id', '=', ann.id!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ givenName: 'Ann', middleName: 'Marie', familyName: FAMILY, dateOfBirth: '1950-03-04', sexAtBirth: 'female', version: 1 });
    expect(row.mrn).toMatch(/^\d+$/);
    const stored = await setup.t.db.selectFrom('fhirResources').select(['patientId']).where('id', '=', ann.id!).executeTakeFirstOrThrow();
    expect(stored.patientId).toBe(ann.id);
  });

  it('keeps a patient the register cannot hold (partial birth date) as sent, with a warning', async () => {
    const stored = await setup.t.db.selectFrom('fhirResources').select(['patientId']).where('id', '=', cara.id!).executeTakeFirstOrThrow();
    expect(stored.patientId).toBeNull();
    const read = (await client({ method: 'GET', url: `/fhir/R4/Patient/${cara.id}` })).json() as Patient;
    expect(read.birthDate).toBe('1975');
    const outcome = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: { ...json, prefer: 'return=OperationOutcome' }, payload: { resourceType: 'Patient', name: [{ text: 'Baby' }] } });
    expect(outcome.statusCode).toBe(201);
    expect((outcome.json() as OperationOutcome).issue[0]).toMatchObject({ severity: 'warning', code: 'incomplete' });
  });

  it('accepts a patient without gender, stores unknown on the register and reads back no gender', async () => {
    const created = await create({ resourceType: 'Patient', name: [{ family: `${FAMILY}nogender`, given: ['Sam'] }], birthDate: '1990-01-01' });
    expect(created.gender).toBeUndefined();
    const row = await setup.t.db.selectFrom('patients').select(['sexAtBirth']).where('id', '=', created.id!).executeTakeFirstOrThrow();
    expect(row.sexAtBirth).toBe('unknown');
    expect(((await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}` })).json() as Patient).gender).toBeUndefined();
  });

  it('warns, but still registers, when the patient looks like a duplicate', async () => {
    const response = await client({
      method: 'POST', url: '/fhir/R4/Patient', headers: { ...json, prefer: 'return=OperationOutcome' },
      payload: { resourceType: 'Patient', name: [{ family: FAMILY, given: ['Ann'] }], gender: 'female', birthDate: '1950-03-04' },
    });
    expect(response.statusCode).toBe(201);
    expect((response.json() as OperationOutcome).issue.some((issue) => issue.severity === 'warning' && issue.code === 'duplicate')).toBe(true);
  });

  it('serves a patient registered in the app, with the MRN identifier and the row version, the same through read and search', async () => {
    const frontDesk = await setup.staff('front-desk');
    const registered = await frontDesk({ method: 'POST', url: '/api/patients', payload: patientFields({ givenName: 'Dora', familyName: `${FAMILY}app`, dateOfBirth: '1985-05-06', sexAtBirth: 'female' }) });
    expect(registered.statusCode, registered.body).toBe(201);
    const { patient } = registered.json() as { patient: { id: string; mrn: string; version: number } };
    const read = await client({ method: 'GET', url: `/fhir/R4/Patient/${patient.id}` });
    expect(read.statusCode).toBe(200);
    const resource = read.json() as Patient;
    expect(resource).toMatchObject({ id: patient.id, birthDate: '1985-05-06', gender: 'female', meta: { versionId: '1' } });
    expect(resource.identifier).toContainEqual(expect.objectContaining({ system: MRN_SYSTEM, value: patient.mrn }));
    const found = await search(`identifier=${encodeURIComponent(`${MRN_SYSTEM}|${patient.mrn}`)}`);
    expect(found.entry?.[0]?.resource).toEqual(resource);
    expect((await search(`family=${FAMILY}app`)).entry?.[0]?.resource).toEqual(resource);
  });

  it('after a change made in the app, serves the row over the JSON last sent and accepts the new version in If-Match', async () => {
    const frontDesk = await setup.staff('front-desk');
    const created = await create({ resourceType: 'Patient', name: [{ family: `${FAMILY}edit`, given: ['Eve'] }], birthDate: '1970-01-01', gender: 'female', maritalStatus: { text: 'Married' } });
    const current = (await frontDesk({ method: 'GET', url: `/api/patients/${created.id}` })).json() as Record<string, unknown>;
    const { id: _id, mrn: _mrn, isRestricted: _r, status: _s, mergedIntoPatientId: _m, hasPhoto: _h, allergies: _a, allergyStatus: _as, allergyStatement: _ast, createdAt: _c, privacyNoticeAcknowledgedAt: _p, ...fields } = current;
    const edited = await frontDesk({ method: 'PUT', url: `/api/patients/${created.id}`, payload: { ...fields, givenName: 'Evelyn', privacyNoticeAcknowledged: false } });
    expect(edited.statusCode, edited.body).toBe(200);
    const read = (await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}` })).json() as Patient;
    expect(read.meta?.versionId).toBe('2');
    expect(read.name?.[0]?.given).toEqual(['Evelyn']);
    expect(read.maritalStatus).toEqual({ text: 'Married' });
    const updated = await client({ method: 'PUT', url: `/fhir/R4/Patient/${created.id}`, headers: { ...json, 'if-match': 'W/"2"' }, payload: { ...read, gender: 'female' } });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.headers.etag).toBe('W/"3"');
  });

  it('searches by _id, identifier, name, family, given, gender and birthdate with prefixes', async () => {
    expect(ids(await search(`_id=${ann.id}`))).toEqual([ann.id]);
    expect(ids(await search('identifier=urn:example:hospital|H-100'))).toEqual([ann.id]);
    expect(ids(await search('identifier=H-100'))).toEqual([ann.id]);
    expect(ids(await search(`name=bobb&family=${FAMILY}`))).toEqual([bob.id]);
    expect(ids(await search(`given=Marie&family=${FAMILY}`))).toEqual([ann.id]);
    expect(ids(await search(`family:exact=${FAMILY}&gender=male`))).toEqual([bob.id]);
    expect(ids(await search(`family=${FAMILY}-Smy&birthdate=1975`))).toEqual([cara.id]);
    expect(ids(await search(`family=${FAMILY}-Smy&birthdate=1975-06-01`))).toEqual([]);
    expect(ids(await search(`family:exact=${FAMILY}&birthdate=ge1955-01-01&gender=male,female`))).toEqual([bob.id]);
    expect(ids(await search(`family:exact=${FAMILY}&birthdate=lt1955-01-01&gender=female`)).sort()).toContain(ann.id);
    expect(ids(await search(`family:exact=${FAMILY}&birthdate=le1950-03-04&birthdate=gt1950-03-03`))).toContain(ann.id);
    expect(ids(await search(`name:contains=${FAMILY.slice(3).toLowerCase()}&_count=100`))).toEqual(expect.arrayContaining([ann.id, bob.id, cara.id]));
  });

  it('sorts, counts exactly with _summary=count, and answers POST _search like GET', async () => {
    const byBirth = ids(await search(`family=${FAMILY}&_sort=birthdate&_count=100`));
    expect(byBirth.indexOf(ann.id)).toBeLessThan(byBirth.indexOf(bob.id));
    const byBirthDescending = ids(await search(`family=${FAMILY}&_sort=-birthdate&_count=100`));
    expect(byBirthDescending.indexOf(bob.id)).toBeLessThan(byBirthDescending.indexOf(ann.id));
    const newestFirst = ids(await search(`family=${FAMILY}&_sort=-_lastUpdated&_count=100`));
    expect(newestFirst.indexOf(cara.id)).toBeLessThan(newestFirst.indexOf(ann.id));
    const count = await search(`family:exact=${FAMILY}&_summary=count`);
    expect(count.entry).toBeUndefined();
    const all = await search(`family:exact=${FAMILY}&_count=1000`);
    expect(count.total).toBe(all.entry!.length);
    const posted = await client({ method: 'POST', url: '/fhir/R4/Patient/_search', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `family:exact=${FAMILY}&_count=1000` });
    expect(posted.statusCode).toBe(200);
    expect(ids(posted.json() as Bundle<Patient>)).toEqual(ids(all));
    expect(all.entry![0]).toMatchObject({ fullUrl: expect.stringMatching(/\/fhir\/R4\/Patient\//), search: { mode: 'match' } });
  });

  it('pages with next links that neither repeat nor skip when patients are added between pages', async () => {
    const family = `${FAMILY}page`;
    for (const given of ['Ann', 'Ben', 'Cid', 'Dee', 'Eli']) await create({ resourceType: 'Patient', name: [{ family, given: [given] }], birthDate: '1980-01-01' });
    const seen: string[] = [];
    let page = await search(`family=${family}&_sort=given&_count=2`);
    let inserted = false;
    for (;;) {
      seen.push(...(page.entry ?? []).map((entry) => entry.resource!.name![0]!.given![0]!));
      const next = page.link?.find((link) => link.relation === 'next')?.url;
      if (!next) break;
      if (!inserted) {
        // One sorts before the cursor (not shown: the page is past it), one after (shown once).
        await create({ resourceType: 'Patient', name: [{ family, given: ['Aaron'] }], birthDate: '1980-01-01' });
        await create({ resourceType: 'Patient', name: [{ family, given: ['Zed'] }], birthDate: '1980-01-01' });
        inserted = true;
      }
      const response = await client({ method: 'GET', url: next.replace(/^https?:\/\/[^/]+/, '') });
      page = response.json() as Bundle<Patient>;
    }
    expect(seen).toEqual(['Ann', 'Ben', 'Cid', 'Dee', 'Eli', 'Zed']);
  });

  it('refuses unknown search parameters and bad dates with 400', async () => {
    expect((await client({ method: 'GET', url: '/fhir/R4/Patient?shoe-size=9' })).statusCode).toBe(400);
    expect((await client({ method: 'GET', url: '/fhir/R4/Patient?birthdate=ge1970-13-01' })).statusCode).toBe(400);
  });
});
