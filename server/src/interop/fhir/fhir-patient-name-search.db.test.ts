import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { patientFields } from '../../../test/factories.js';
import { setUpFhir, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

// Patient searches by name narrow the candidates through indexes before the exact comparison.
// These cases pin the exact FHIR answers where the register row and the JSON last sent differ.

let setup: FhirTestSetup;
let client: Caller;
const json = { 'content-type': 'application/fhir+json' };
// Letters no other test uses, so each search sees only this file's patients.
const TAG = `Qv${Date.now().toString(36).replace(/\d/g, '')}`;

let registered: string; // registered in the app: names only on the row (with a suffix)
let nicknamed: string; // sent through FHIR with a nickname that exists only in the JSON
let renamed: string; // sent through FHIR, then renamed in the app: the row is newer than the JSON
let plain: string;

async function create(patient: Patient): Promise<string> {
  const response = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: patient });
  if (response.statusCode !== 201) throw new Error(`${response.statusCode} ${response.body}`);
  return (response.json() as Patient).id!;
}

async function found(query: string): Promise<string[]> {
  const response = await client({ method: 'GET', url: `/fhir/R4/Patient?${query}&_count=100` });
  expect(response.statusCode, response.body).toBe(200);
  return ((response.json() as Bundle<Patient>).entry ?? []).map((entry) => entry.resource!.id!).sort();
}

async function total(query: string): Promise<number> {
  const response = await client({ method: 'GET', url: `/fhir/R4/Patient?${query}&_summary=count` });
  return (response.json() as Bundle).total!;
}

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
  const frontDesk = await setup.staff('front-desk');
  const registration = await frontDesk({ method: 'POST', url: '/api/patients', payload: patientFields({ givenName: `${TAG}Rowena`, familyName: `${TAG}Rowfamily`, nameSuffix: 'Jr' }) });
  expect(registration.statusCode, registration.body).toBe(201);
  registered = (registration.json() as { patient: { id: string } }).patient.id;
  nicknamed = await create({ resourceType: 'Patient', name: [{ family: `${TAG}Jsonfamily`, given: ['Theodora'] }, { use: 'nickname', given: [`${TAG}Teddy`] }, { use: 'maiden', family: `${TAG}Maidenname` }], gender: 'female', birthDate: '1970-01-02' });
  renamed = await create({ resourceType: 'Patient', name: [{ family: `${TAG}Oldname`, given: ['Pat'] }], gender: 'male', birthDate: '1981-05-06' });
  plain = await create({ resourceType: 'Patient', name: [{ family: `${TAG}Plain`, given: ['Ordinary'] }], gender: 'male', birthDate: '1990-09-09' });
  // A change made in the app after the JSON was sent: the row is now the current version.
  await setup.t.db.updateTable('patients').set((eb) => ({ familyName: `${TAG}Newname`, version: eb('version', '+', 1) })).where('id', '=', renamed).execute();
});
afterAll(() => setup.t.close());

describe('FHIR Patient search by name', () => {
  it('finds a patient registered in the app by any part of the row’s names, suffix included', async () => {
    expect(await found(`name=${TAG}rowe`)).toEqual([registered]);
    expect(await found(`family=${TAG}ROWFAM`)).toEqual([registered]);
    expect(await found(`name=Jr&family=${TAG}Row`)).toEqual([registered]);
    expect(await found(`given=${TAG}Rowfamily`)).toEqual([]);
  });

  it('finds a patient sent through FHIR by a name that exists only in the JSON', async () => {
    expect(await found(`name=${TAG}ted`)).toEqual([nicknamed]);
    expect(await found(`given=${TAG}Teddy`)).toEqual([nicknamed]);
    expect(await found(`family=${TAG}Teddy`)).toEqual([]);
    expect(await found(`family=${TAG}maiden`)).toEqual([nicknamed]);
    expect(await found(`name:contains=${TAG.slice(3)}maidenn`)).toEqual([nicknamed]);
  });

  it('after a change in the app, matches the row’s names and no longer the JSON’s', async () => {
    expect(await found(`family=${TAG}Newn`)).toEqual([renamed]);
    expect(await found(`family=${TAG}Oldname`)).toEqual([]);
  });

  it('keeps the modifiers’ meaning: starts-with by default, :contains anywhere, :exact whole and case-sensitive', async () => {
    expect(await found(`name=fami`)).not.toContain(nicknamed);
    expect(await found(`name:contains=${TAG.slice(2).toLowerCase()}jsonfam`)).toEqual([nicknamed]);
    expect(await found(`family:contains=sonfamily&name=${TAG}`)).toEqual([nicknamed]);
    expect(await found(`family:exact=${TAG}Plain`)).toEqual([plain]);
    expect(await found(`family:exact=${TAG.toLowerCase()}plain`)).toEqual([]);
  });

  it('treats comma-separated values as alternatives and repeated parameters as all required', async () => {
    expect(await found(`family=${TAG}Plain,${TAG}Jsonfamily`)).toEqual([nicknamed, plain].sort());
    expect(await found(`family=${TAG}Plain&given=Ordinary`)).toEqual([plain]);
    expect(await found(`family=${TAG}Plain&given=Theodora`)).toEqual([]);
    expect(await total(`name=${TAG}`)).toBe(4);
    expect(await total(`name:contains=${TAG.slice(1)}`)).toBe(4);
  });

  it('answers values that cannot be narrowed (spaces, quotes) exactly as before', async () => {
    expect(await found(`name=${encodeURIComponent(`${TAG}Plain Ordinary`)}`)).toEqual([]);
    expect(await found(`name=${encodeURIComponent(`"${TAG}`)}`)).toEqual([]);
    expect(await found(`name=${encodeURIComponent(`${TAG}%`)}`)).toEqual([]);
  });
});
