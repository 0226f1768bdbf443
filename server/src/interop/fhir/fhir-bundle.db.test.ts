import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, BundleEntry, OperationOutcome, Patient, Practitioner } from '@medplum/fhirtypes';
import { setUpFhir, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

let setup: FhirTestSetup;
let client: Caller;
const json = { 'content-type': 'application/fhir+json' };

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
});
afterAll(() => setup.t.close());

const post = (bundle: unknown) => client({ method: 'POST', url: '/fhir/R4', headers: json, payload: JSON.stringify(bundle) });
const patientCount = async () => Number((await setup.t.db.selectFrom('fhirResources').select((eb) => eb.fn.countAll().as('n')).where('resourceType', '=', 'Patient').executeTakeFirstOrThrow()).n);
const urn = () => `urn:uuid:${randomUUID()}`;

describe('FHIR transaction and batch Bundles', () => {
  it('resolves urn:uuid references across entries, creates at client-chosen ids with PUT, keeps references to types not stored', async () => {
    const practitionerUrn = urn();
    const organizationUrn = urn();
    const patientUrn = urn();
    const practitionerId = `outside-gp-${randomUUID().slice(0, 8)}`;
    const response = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        {
          fullUrl: patientUrn,
          resource: {
            resourceType: 'Patient', name: [{ family: 'Transacto', given: ['Tia'] }], birthDate: '1991-02-03',
            generalPractitioner: [{ reference: practitionerUrn }, { reference: 'Medication/not-stored-here' }], managingOrganization: { reference: organizationUrn },
          },
          request: { method: 'POST', url: 'Patient' },
        },
        { fullUrl: practitionerUrn, resource: { resourceType: 'Practitioner', id: practitionerId, name: [{ family: 'Welby', given: ['Marcus'] }] }, request: { method: 'PUT', url: `Practitioner/${practitionerId}` } },
        { fullUrl: organizationUrn, resource: { resourceType: 'Organization', name: 'Lakeside Hospital' }, request: { method: 'POST', url: 'Organization' } },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as Bundle;
    expect(result.type).toBe('transaction-response');
    expect(result.entry!.map((entry) => entry.response!.status)).toEqual(['201 Created', '201 Created', '201 Created']);
    const patient = result.entry![0]!.resource as Patient;
    expect(patient.generalPractitioner).toEqual([{ reference: `Practitioner/${practitionerId}` }, { reference: 'Medication/not-stored-here' }]);
    expect(patient.managingOrganization!.reference).toBe(`Organization/${(result.entry![2]!.resource as { id: string }).id}`);
    const read = (await client({ method: 'GET', url: `/fhir/R4/Patient/${patient.id}` })).json() as Patient;
    expect(read.generalPractitioner![0]!.reference).toBe(`Practitioner/${practitionerId}`);
    const practitioner = (await client({ method: 'GET', url: `/fhir/R4/Practitioner/${practitionerId}` })).json() as Practitioner;
    expect(practitioner.name![0]!.family).toBe('Welby');
    expect(result.entry![1]!.response!.location).toBe(`Practitioner/${practitionerId}/_history/1`);
  });

  it('saves nothing when one entry of a transaction fails, and names the entry', async () => {
    const before = await patientCount();
    const response = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: urn(), resource: { resourceType: 'Patient', name: [{ family: 'Rollback', given: ['Rae'] }], birthDate: '1980-01-01' }, request: { method: 'POST', url: 'Patient' } },
        { fullUrl: urn(), resource: { resourceType: 'Patient', name: [{ family: 'Rollback', given: ['Ray'] }], birthDate: '1980-02-31' }, request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(response.statusCode).toBe(422);
    const outcome = response.json() as OperationOutcome;
    expect(outcome.issue[0]!.diagnostics).toContain('Bundle.entry[1]');
    expect(outcome.issue[0]!.expression).toEqual(['Patient.birthDate']);
    expect(await patientCount()).toBe(before);
    expect(await setup.t.db.selectFrom('patients').select('id').where('familyName', '=', 'Rollback').execute()).toEqual([]);
  });

  it('refuses urn:uuid references that name no entry with 422, naming them', async () => {
    const missing = urn();
    const response = await post({
      resourceType: 'Bundle', type: 'transaction',
      entry: [{ fullUrl: urn(), resource: { resourceType: 'Patient', name: [{ family: 'Dangling' }], managingOrganization: { reference: missing } }, request: { method: 'POST', url: 'Patient' } }],
    });
    expect(response.statusCode).toBe(422);
    expect((response.json() as OperationOutcome).issue[0]!.diagnostics).toContain(missing);
  });

  it('refuses more than 10,000 entries with 422 and more than 10 MB with 413', async () => {
    const entry = { request: { method: 'GET', url: 'Patient?_count=1' } };
    const tooMany = await post({ resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 10_001 }, () => entry) });
    expect(tooMany.statusCode).toBe(422);
    const filler = 'y'.repeat(1100);
    const huge = await post({ resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 9_600 }, () => ({ ...entry, fullUrl: filler })) });
    expect(huge.statusCode).toBe(413);
  });

  it('answers each batch entry on its own: one saved, one refused, one read', async () => {
    const good: BundleEntry = { resource: { resourceType: 'Patient', name: [{ family: 'Batcher', given: ['Bea'] }], birthDate: '1999-09-09' }, request: { method: 'POST', url: 'Patient' } };
    const bad: BundleEntry = { resource: { resourceType: 'Patient', gender: 'sometimes' } as unknown as Patient, request: { method: 'POST', url: 'Patient' } };
    const search: BundleEntry = { request: { method: 'GET', url: 'Patient?family=Batcher' } };
    const response = await post({ resourceType: 'Bundle', type: 'batch', entry: [good, bad, search] });
    expect(response.statusCode).toBe(200);
    const result = response.json() as Bundle;
    expect(result.type).toBe('batch-response');
    expect(result.entry!.map((entry) => entry.response!.status)).toEqual(['201 Created', '422', '200 OK']);
    expect((result.entry![1]!.response!.outcome as OperationOutcome).issue[0]!.expression).toEqual(['Patient.gender']);
    expect(((result.entry![2]!.resource as Bundle).entry ?? []).length).toBe(1);
  });

  it('loads the same transaction twice with ifNoneExist and changes nothing the second time', async () => {
    const patientUrn = urn();
    const bundle = {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: patientUrn, resource: { resourceType: 'Patient', identifier: [{ system: 'urn:example:import', value: 'imp-7' }], name: [{ family: 'Importo', given: ['Ivy'] }], birthDate: '1977-07-07' }, request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:example:import|imp-7' } },
        { fullUrl: urn(), resource: { resourceType: 'Organization', identifier: [{ system: 'urn:example:import', value: 'org-7' }], name: 'Import Org', contact: [{ name: { text: 'See patient' } }] }, request: { method: 'POST', url: 'Organization', ifNoneExist: 'identifier=urn:example:import|org-7' } },
      ],
    };
    const first = (await post(bundle)).json() as Bundle;
    const second = (await post(bundle)).json() as Bundle;
    expect(first.entry!.map((entry) => entry.response!.status)).toEqual(['201 Created', '201 Created']);
    expect(second.entry!.map((entry) => entry.response!.status)).toEqual(['200 OK', '200 OK']);
    expect(second.entry![0]!.resource!.id).toBe(first.entry![0]!.resource!.id);
  });
});
