import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Bundle, Location, Organization, Patient, Practitioner } from '@medplum/fhirtypes';
import { makeStaffMember } from '../../../test/factories.js';
import { setUpFhir, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

let setup: FhirTestSetup;
let client: Caller;
const json = { 'content-type': 'application/fhir+json' };
const patient: Patient = { resourceType: 'Patient', name: [{ family: 'Accesso', given: ['Ida'] }], birthDate: '1966-06-06', gender: 'female' };

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
});
afterAll(() => setup.t.close());

const auditRows = (recordId: string) => setup.t.db.selectFrom('auditEvents').select(['action', 'outcome', 'actorKind', 'patientId']).where('recordId', '=', recordId).orderBy('id').execute();

describe('FHIR access: scopes, policy and audit', () => {
  it('lets a token with system/Patient.read read and search but not create', async () => {
    const reader = await setup.client('system/Patient.read');
    const created = (await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: patient })).json() as Patient;
    expect((await reader({ method: 'GET', url: `/fhir/R4/Patient/${created.id}` })).statusCode).toBe(200);
    expect((await reader({ method: 'GET', url: '/fhir/R4/Patient?family=Accesso' })).statusCode).toBe(200);
    const refused = await reader({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: patient });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
    const refusal = await setup.t.db.selectFrom('auditEvents').select(['details']).where('action', '=', 'policy-refused').where('actorKind', '=', 'client').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(refusal.details).toMatchObject({ resourceType: 'Patient' });
  });

  it('refuses a token without scopes for the resource type', async () => {
    const observationsOnly = await setup.client('system/Observation.read');
    expect((await observationsOnly({ method: 'GET', url: '/fhir/R4/Patient?family=Accesso' })).statusCode).toBe(403);
    expect((await observationsOnly({ method: 'GET', url: '/fhir/R4/Practitioner' })).statusCode).toBe(403);
  });

  it('lets a medical assistant read patients with a session, and refuses a biller writes', async () => {
    const created = (await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: patient })).json() as Patient;
    const assistant = await setup.staff('medical-assistant');
    expect((await assistant({ method: 'GET', url: `/fhir/R4/Patient/${created.id}` })).statusCode).toBe(200);
    const biller = await setup.staff('biller');
    expect((await biller({ method: 'GET', url: `/fhir/R4/Patient/${created.id}` })).statusCode).toBe(200);
    const write = await biller({ method: 'PUT', url: `/fhir/R4/Patient/${created.id}`, headers: json, payload: created });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ details: { coding: [{ code: 'FORBIDDEN_BY_POLICY' }] } }] });
    const admin = await setup.staff('admin');
    const adminRead = await admin({ method: 'GET', url: `/fhir/R4/Patient/${created.id}` });
    expect(adminRead.statusCode).toBe(403);
  });

  it('audits every read, vread, history, search, create and update, naming the patient', async () => {
    const created = (await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: patient })).json() as Patient;
    await client({ method: 'PUT', url: `/fhir/R4/Patient/${created.id}`, headers: json, payload: { ...created, gender: 'other' } });
    await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}` });
    await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}/_history/1` });
    await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}/_history` });
    expect((await auditRows(created.id!)).map((row) => row.action)).toEqual(['create', 'update', 'read', 'read', 'read']);
    expect((await auditRows(created.id!)).every((row) => row.patientId === created.id && row.actorKind === 'client')).toBe(true);
    await client({ method: 'GET', url: `/fhir/R4/Patient?_id=${created.id}` });
    const search = await setup.t.db.selectFrom('auditEvents').select(['details']).where('action', '=', 'search').where('recordType', '=', 'Patient').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(search.details).toMatchObject({ via: 'fhir', parameters: ['_id'], count: 1, patientIds: [created.id] });
    expect(JSON.stringify(search.details)).not.toContain('Accesso');
  });

  it('audits an Observation create twice in one transaction: the FHIR write and the reading on the chart, both naming the patient', async () => {
    const created = (await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: patient })).json() as Patient;
    const observation = {
      resourceType: 'Observation', status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: `Patient/${created.id}` },
      effectiveDateTime: new Date().toISOString(), valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    };
    const response = await client({ method: 'POST', url: '/fhir/R4/Observation', headers: json, payload: observation });
    expect(response.statusCode).toBe(201);
    const stored = await setup.t.db.selectFrom('fhirResources').select('rowId').where('id', '=', (response.json() as { id: string }).id).executeTakeFirstOrThrow();
    const entries = await setup.t.db.selectFrom('auditEvents').select(['action', 'recordType', 'recordId', 'patientId', 'requestId', 'details'])
      .where('recordType', '=', 'Observation').where('recordId', 'in', [(response.json() as { id: string }).id, stored.rowId!]).orderBy('id').execute();
    expect(entries.map((entry) => [entry.action, entry.recordId, entry.patientId])).toEqual([
      ['create', stored.rowId, created.id],
      ['create', (response.json() as { id: string }).id, created.id],
    ]);
    expect(entries[0]!.details).toMatchObject({ code: '8867-4', source: 'fhir' });
    expect(entries[0]!.requestId).toBe(entries[1]!.requestId);
  });

  it('serves staff as Practitioners (read-only) and the clinic and its locations as Organization and Location', async () => {
    const provider = await makeStaffMember(setup.t.db, setup.organizationId, ['provider'], { displayName: 'Grace Hopper' });
    const practitioner = (await client({ method: 'GET', url: `/fhir/R4/Practitioner/${provider.id}` })).json() as Practitioner;
    expect(practitioner).toMatchObject({ resourceType: 'Practitioner', id: provider.id, name: [{ text: 'Grace Hopper', family: 'Hopper', given: ['Grace'] }] });
    expect(JSON.stringify(practitioner)).not.toMatch(/password|totp|username/i);
    const found = (await client({ method: 'GET', url: '/fhir/R4/Practitioner?name=hopp' })).json() as Bundle<Practitioner>;
    expect(found.entry?.map((entry) => entry.resource!.id)).toEqual([provider.id]);
    const refused = await client({ method: 'PUT', url: `/fhir/R4/Practitioner/${provider.id}`, headers: json, payload: { ...practitioner, active: false } });
    expect(refused.statusCode).toBe(405);
    const organization = (await client({ method: 'GET', url: `/fhir/R4/Organization/${setup.organizationId}` })).json() as Organization;
    expect(organization).toMatchObject({ resourceType: 'Organization', name: 'Riverside Family Clinic' });
    const location = (await client({ method: 'GET', url: `/fhir/R4/Location/${setup.locationId}` })).json() as Location;
    expect(location).toMatchObject({ resourceType: 'Location', name: 'Riverside Family Clinic Main', managingOrganization: { reference: `Organization/${setup.organizationId}` } });
    expect(((await client({ method: 'GET', url: '/fhir/R4/Location?name=Riverside' })).json() as Bundle).entry).toHaveLength(1);
  });

  it('serves the audit trail as AuditEvents, searchable by patient and date, to a manager but not a front-desk clerk', async () => {
    const created = (await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: patient })).json() as Patient;
    await client({ method: 'GET', url: `/fhir/R4/Patient/${created.id}` });
    const manager = await setup.staff('manager');
    const today = new Date().toISOString().slice(0, 10);
    const events = await manager({ method: 'GET', url: `/fhir/R4/AuditEvent?patient=Patient/${created.id}&date=ge${today}&_sort=date` });
    expect(events.statusCode, events.body).toBe(200);
    const entries = (events.json() as Bundle<AuditEvent>).entry ?? [];
    expect(entries.map((entry) => entry.resource!.subtype?.[0]?.code)).toEqual(['create', 'read']);
    expect(entries[1]!.resource).toMatchObject({ action: 'R', outcome: '0', entity: [{ what: { reference: `Patient/${created.id}` } }] });
    const one = await manager({ method: 'GET', url: `/fhir/R4/AuditEvent/${entries[0]!.resource!.id}` });
    expect(one.statusCode).toBe(200);
    expect((await manager({ method: 'GET', url: `/fhir/R4/AuditEvent?date=lt2000-01-01` })).json()).toMatchObject({ entry: [] });
    const frontDesk = await setup.staff('front-desk');
    expect((await frontDesk({ method: 'GET', url: '/fhir/R4/AuditEvent' })).statusCode).toBe(403);
    expect((await client({ method: 'POST', url: '/fhir/R4/AuditEvent', headers: json, payload: { resourceType: 'AuditEvent' } })).statusCode).toBe(405);
  });
});
