import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapabilityStatement, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { setUpFhir, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

let setup: FhirTestSetup;
let client: Caller;
const json = { 'content-type': 'application/fhir+json' };

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
});
afterAll(() => setup.t.close());

const newPatient = (family: string, overrides: Partial<Patient> = {}): Patient => ({
  resourceType: 'Patient', name: [{ family, given: ['Ada'] }], birthDate: '1970-01-02', gender: 'female', ...overrides,
});

describe('FHIR plumbing', () => {
  it('serves a public CapabilityStatement listing the registered types', async () => {
    const response = await setup.t.app.inject({ method: 'GET', url: '/fhir/R4/metadata' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/fhir+json');
    const statement = response.json() as CapabilityStatement;
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(statement.rest![0]!.resource!.map((resource) => resource.type)).toEqual([
      'Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'Location', 'Schedule', 'Slot', 'Appointment',
      'Encounter', 'Observation', 'Condition', 'AllergyIntolerance', 'MedicationStatement', 'MedicationRequest', 'Immunization',
      'Task', 'Communication', 'DocumentReference', 'AuditEvent',
    ]);
  });

  it('creates with 201, the id in the body, Location, ETag and Last-Modified; reads back with the same version', async () => {
    const created = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: newPatient('Plumb') });
    expect(created.statusCode).toBe(201);
    const body = created.json() as Patient;
    expect(body.id).toBeTruthy();
    expect(body.meta?.versionId).toBe('1');
    expect(created.headers.etag).toBe('W/"1"');
    expect(created.headers.location).toBe(`http://localhost:80/fhir/R4/Patient/${body.id}/_history/1`);
    expect(created.headers['last-modified']).toBeTruthy();
    const read = await client({ method: 'GET', url: `/fhir/R4/Patient/${body.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('W/"1"');
    expect(read.json()).toEqual(body);
  });

  it('updates with If-Match, refuses a stale If-Match with 412, and keeps every version for vread and _history', async () => {
    const created = (await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: newPatient('Versions') })).json() as Patient;
    const updated = await client({ method: 'PUT', url: `/fhir/R4/Patient/${created.id}`, headers: { ...json, 'if-match': 'W/"1"' }, payload: { ...created, gender: 'male' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.headers.etag).toBe('W/"2"');
    const stale = await client({ method: 'PUT', url: `/fhir/R4/Patient/${created.id}`, headers: { ...json, 'if-match': 'W/"1"' }, payload: { ...created, gender: 'other' } });
    expect(stale.statusCode).toBe(412);
    expect((stale.json() as OperationOutcome).resourceType).toBe('OperationOutcome');
    const first = await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}/_history/1` });
    expect((first.json() as Patient).gender).toBe('female');
    expect(first.headers.etag).toBe('W/"1"');
    const history = await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}/_history` });
    expect(history.json()).toMatchObject({ resourceType: 'Bundle', type: 'history', total: 2 });
    expect((history.json() as { entry: Array<{ resource: Patient }> }).entry.map((entry) => entry.resource.meta?.versionId)).toEqual(['2', '1']);
    expect((await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}/_history/9` })).statusCode).toBe(404);
  });

  it('creates at a client-chosen id with PUT (201), then updates it (200)', async () => {
    const first = await client({ method: 'PUT', url: '/fhir/R4/Patient/chosen-id-1', headers: json, payload: newPatient('Chosen', { id: 'chosen-id-1' }) });
    expect(first.statusCode).toBe(201);
    const second = await client({ method: 'PUT', url: '/fhir/R4/Patient/chosen-id-1', headers: json, payload: newPatient('Chosen', { id: 'chosen-id-1', gender: 'male' }) });
    expect(second.statusCode).toBe(200);
    expect(second.headers.etag).toBe('W/"2"');
  });

  it('creates once with If-None-Exist and returns the match the second time', async () => {
    const payload = newPatient('Idempotent', { identifier: [{ system: 'urn:example:load', value: 'load-1' }] });
    const headers = { ...json, 'if-none-exist': 'identifier=urn:example:load|load-1' };
    const first = await client({ method: 'POST', url: '/fhir/R4/Patient', headers, payload });
    const second = await client({ method: 'POST', url: '/fhir/R4/Patient', headers, payload });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect((second.json() as Patient).id).toBe((first.json() as Patient).id);
  });

  it('accepts application/json too, and answers 406 to a client that only takes XML', async () => {
    const created = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: { 'content-type': 'application/json' }, payload: newPatient('PlainJson') });
    expect(created.statusCode).toBe(201);
    const xml = await client({ method: 'GET', url: `/fhir/R4/Patient/${(created.json() as Patient).id}`, headers: { accept: 'application/fhir+xml' } });
    expect(xml.statusCode).toBe(406);
  });

  it('answers errors as OperationOutcome with the right status', async () => {
    const unknownType = await client({ method: 'GET', url: '/fhir/R4/Spaceship/1' });
    expect(unknownType.statusCode).toBe(404);
    expect(unknownType.json()).toMatchObject({ resourceType: 'OperationOutcome' });
    expect((await client({ method: 'GET', url: '/fhir/R4/Patient/no-such-id' })).statusCode).toBe(404);
    const malformed = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: '{"resourceType": "Patient", ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error' }] });
    const wrongType = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: { resourceType: 'Practitioner' } });
    expect(wrongType.statusCode).toBe(400);
    const badDate = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: newPatient('BadDate', { birthDate: '1970-02-30' }) });
    expect(badDate.statusCode).toBe(422);
    expect((badDate.json() as OperationOutcome).issue[0]!.expression).toEqual(['Patient.birthDate']);
    const badGiven = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: { resourceType: 'Patient', name: [{ given: 'Ada' }] } });
    expect(badGiven.statusCode).toBe(422);
    expect((badGiven.json() as OperationOutcome).issue[0]!.expression).toEqual(['Patient.name[0].given']);
  });

  it('takes bodies up to 10 MB (over the app-wide 1 MB) and refuses larger ones with 413', async () => {
    const filler = 'x'.repeat(1024);
    const big = newPatient('Big', { extension: Array.from({ length: 2048 }, (_, index) => ({ url: `urn:example:filler:${index}`, valueString: filler })) });
    const accepted = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: JSON.stringify(big) });
    expect(accepted.statusCode).toBe(201);
    const huge = newPatient('Huge', { extension: Array.from({ length: 10_500 }, (_, index) => ({ url: `urn:example:filler:${index}`, valueString: filler })) });
    const refused = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: JSON.stringify(huge) });
    expect(refused.statusCode).toBe(413);
    expect(refused.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'too-costly' }] });
  });

  it('answers an unauthenticated call with 401 as an OperationOutcome', async () => {
    const response = await setup.t.app.inject({ method: 'GET', url: '/fhir/R4/Patient' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });
});
