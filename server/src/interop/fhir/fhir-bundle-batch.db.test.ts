import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, BundleEntry, Observation, OperationOutcome, Resource, Task } from '@medplum/fhirtypes';
import { processBundle } from './bundle.js';
import type { FhirContext } from './core/resource-definition.js';
import { toOutcome } from './core/operation-outcome.js';
import { setUpFhir, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

// Transaction Bundles write runs of plain creates of one type (Observations, Encounters, types stored
// as sent) in a few statements. These tests hold that path to what one-by-one writing gives.
let setup: FhirTestSetup;
let client: Caller;
let clientRowId: string;
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const vitalSigns = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const urn = () => `urn:uuid:${randomUUID()}`;

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
  clientRowId = (await setup.t.db.insertInto('oauthClients')
    .values({ organizationId: setup.organizationId, clientId: `bundle-batch-${randomUUID()}`, secretHash: 'unused', name: 'Batch test', roles: ['integration'], allowedScopes: ['system/*.cruds'] })
    .returning('id').executeTakeFirstOrThrow()).id;
});
afterAll(() => setup.t.close());

/** The context the FHIR routes build for a system client, to call processBundle with and without the batch path. */
function contextFor(requestId: string): FhirContext {
  const actor = { kind: 'client' as const, id: clientRowId, organizationId: setup.organizationId, name: 'Batch test', roles: ['integration' as const], scopes: ['system/*.cruds'] };
  return { audit: { actor, organizationId: setup.organizationId, clientAddress: '127.0.0.1', requestId }, organizationId: setup.organizationId, actor, baseUrl: 'http://localhost/fhir/R4' };
}

const heartRate = (subject: string, value: number, effective: string, encounter?: string): Observation => ({
  resourceType: 'Observation', status: 'final', category: vitalSigns, code: { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: subject }, ...(encounter ? { encounter: { reference: encounter } } : {}), effectiveDateTime: effective,
  valueQuantity: { value, unit: 'beats/minute', system: UCUM, code: '/min' },
});
const bloodPressure = (subject: string, systolic: number, diastolic: number, effective: string): Observation => ({
  resourceType: 'Observation', status: 'final', category: vitalSigns, code: { coding: [{ system: LOINC, code: '85354-9' }] }, subject: { reference: subject }, effectiveDateTime: effective,
  component: [
    { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: systolic, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
    { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: diastolic, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
  ],
});
const glucose = (subject: string): Observation => ({
  resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
  code: { coding: [{ system: LOINC, code: '2339-0', display: 'Glucose' }] }, subject: { reference: subject }, effectiveDateTime: minutesAgo(60 * 24 * 90),
  valueQuantity: { value: 5.4, unit: 'mmol/L', system: UCUM, code: 'mmol/L' },
});

/** Patient, two Encounters, then Observations of every kind: normal, high, critical now (twice, same sign), critical long ago, a lab, one naming an Encounter. */
function clinicalBundle(family: string): Bundle {
  const patient = urn();
  const visit = urn();
  const entries: BundleEntry[] = [
    { fullUrl: patient, resource: { resourceType: 'Patient', name: [{ family, given: ['Bea'] }], birthDate: '1966-06-06', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
    { fullUrl: visit, resource: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: patient }, period: { start: minutesAgo(600), end: minutesAgo(580) } }, request: { method: 'POST', url: 'Encounter' } },
    { fullUrl: urn(), resource: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: patient }, period: { start: minutesAgo(9000), end: minutesAgo(8980) } }, request: { method: 'POST', url: 'Encounter' } },
    ...[
      heartRate(patient, 72, minutesAgo(30), visit),
      bloodPressure(patient, 150, 95, minutesAgo(30)),
      heartRate(patient, 185, minutesAgo(20)),
      heartRate(patient, 190, minutesAgo(10)),
      heartRate(patient, 188, minutesAgo(60 * 30)),
      bloodPressure(patient, 190, 125, minutesAgo(5)),
      glucose(patient),
    ].map((resource): BundleEntry => ({ fullUrl: urn(), resource, request: { method: 'POST', url: 'Observation' } })),
  ];
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

/** Everything a transaction wrote for one patient, without ids and times, in a stable order. */
async function writtenFor(patientFhirId: string, requestId: string) {
  const db = setup.t.db;
  const { patientId } = await db.selectFrom('fhirResources').select('patientId').where('resourceType', '=', 'Patient').where('id', '=', patientFhirId).executeTakeFirstOrThrow();
  const observations = await db.selectFrom('observations')
    .select(['code', 'value', 'unit', 'components', 'interpretation', 'interpretationMessage', 'isCritical', 'source', 'status', 'encounterId', 'recordedByClient', 'category'])
    .where('patientId', '=', patientId!).execute();
  const encounters = await db.selectFrom('encounters').select(['status', 'source']).where('patientId', '=', patientId!).execute();
  const alerts = await db.selectFrom('vitalAlerts as va').innerJoin('observations as o', 'o.id', 'va.observationId').select(['o.code', 'o.value', 'va.remeasureObservationId']).where('va.patientId', '=', patientId!).execute();
  const tasks = await db.selectFrom('tasks').select(['kind', 'priority', 'ownerPool', 'focusType']).where('patientId', '=', patientId!).execute();
  const audit = await db.selectFrom('auditEvents').select(['action', 'recordType', 'outcome', 'patientId', 'details']).where('requestId', '=', requestId).execute();
  const stored = await db.selectFrom('fhirResources').select(['resourceType', 'versionId', 'rowId', 'resource']).where('resource', '@>', JSON.stringify({ subject: { reference: `Patient/${patientFhirId}` } }) as never).execute();
  const history = await db.selectFrom('fhirResourceHistory').select(['resourceType', 'versionId']).where('id', 'in', stored.map((row) => (row.resource as { id: string }).id)).execute();
  // Ids and times differ between the two transactions; what is written must not.
  const sort = <T>(rows: T[]) => rows.map((row) => JSON.stringify(row).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')).sort();
  return {
    observations: sort(observations),
    encounters: sort(encounters),
    alerts: sort(alerts.map((alert) => ({ ...alert, remeasureObservationId: alert.remeasureObservationId !== null }))),
    tasks: sort(tasks),
    audit: sort(audit),
    stored: sort(stored.map((row) => ({ type: row.resourceType, version: row.versionId, mapped: row.rowId !== null }))),
    history: sort(history),
  };
}

describe('transaction Bundles: runs of creates written together', () => {
  it('writes the same rows, alerts, tasks, stored JSON, history and audit entries as one by one', async () => {
    const batchedRequest = randomUUID();
    const oneByOneRequest = randomUUID();
    const batched = await processBundle(setup.t.db, contextFor(batchedRequest), clinicalBundle('Batchwise'));
    const oneByOne = await processBundle(setup.t.db, contextFor(oneByOneRequest), clinicalBundle('Onebyone'), { batch: false });
    expect(batched.entry!.map((entry) => entry.response!.status)).toEqual(oneByOne.entry!.map((entry) => entry.response!.status));
    expect(batched.entry!.every((entry) => entry.response!.status === '201 Created')).toBe(true);

    // The batch path was taken: the run of Observations shares one write time.
    const times = (bundle: Bundle) => new Set(bundle.entry!.slice(3).map((entry) => entry.resource!.meta!.lastUpdated));
    expect(times(batched).size).toBe(1);

    const mine = await writtenFor(batched.entry![0]!.resource!.id!, batchedRequest);
    const theirs = await writtenFor(oneByOne.entry![0]!.resource!.id!, oneByOneRequest);
    expect(mine).toEqual(theirs);
    // and what that is: 7 readings, 2 alerts (the second critical pulse joins the first's), 2 urgent tasks, 9 resources with history.
    expect(mine.observations).toHaveLength(7);
    expect(mine.alerts).toHaveLength(2);
    expect(mine.tasks).toHaveLength(2);
    expect(mine.tasks.every((task) => task.includes('"priority":"urgent"'))).toBe(true);
    expect(mine.history).toHaveLength(9);
  });

  it('serves each batched vital with its interpretation, and the critical one as the focus of its urgent Task', async () => {
    const response = await client({ method: 'POST', url: '/fhir/R4', headers: { 'content-type': 'application/fhir+json' }, payload: clinicalBundle('Readback') });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as Bundle;
    const patientId = result.entry![0]!.resource!.id!;
    const observationIds = result.entry!.slice(3).map((entry) => entry.resource!.id!);
    const read = await Promise.all(observationIds.map(async (id) => (await client({ method: 'GET', url: `/fhir/R4/Observation/${id}` })).json() as Observation));
    expect(read.map((observation) => observation.interpretation?.[0]?.coding?.[0]?.code)).toEqual(['N', 'H', 'HH', 'HH', 'HH', 'HH', undefined]);
    const tasks = ((await client({ method: 'GET', url: `/fhir/R4/Task?patient=${patientId}` })).json() as Bundle<Task>).entry!.map((entry) => entry.resource!);
    expect(tasks.map((task) => task.focus!.reference).sort()).toEqual([`Observation/${observationIds[2]}`, `Observation/${observationIds[5]}`].sort());
    expect(tasks.every((task) => task.priority === 'urgent' && task.for!.reference === `Patient/${patientId}`)).toBe(true);
    // The visit's reading sits beside its encounter row.
    const visitReading = await setup.t.db.selectFrom('fhirResources as f').innerJoin('observations as o', 'o.id', 'f.rowId').select('o.encounterId').where('f.id', '=', observationIds[0]!).executeTakeFirstOrThrow();
    expect(visitReading.encounterId).not.toBeNull();
  });

  it('rolls back the whole transaction when an entry of a run fails, naming the first failing entry as one by one does', async () => {
    const family = `Rollrun${randomUUID().slice(0, 6)}`;
    const bundle = (): Bundle => {
      const patient = urn();
      const readings: Observation[] = [heartRate(patient, 70, minutesAgo(9)), heartRate(patient, 185, minutesAgo(8)), heartRate(patient, 900, minutesAgo(7)), { ...heartRate(patient, 71, minutesAgo(6)), status: 'nonsense' as never }];
      return {
        resourceType: 'Bundle', type: 'transaction',
        entry: [
          { fullUrl: patient, resource: { resourceType: 'Patient', name: [{ family, given: ['Rue'] }], birthDate: '1970-01-01' }, request: { method: 'POST', url: 'Patient' } },
          ...readings.map((resource): BundleEntry => ({ fullUrl: urn(), resource, request: { method: 'POST', url: 'Observation' } })),
        ],
      };
    };
    const failure = async (batch: boolean) => {
      try {
        await processBundle(setup.t.db, contextFor(randomUUID()), bundle(), { batch });
      } catch (error) {
        return toOutcome(error);
      }
      throw new Error('the transaction was accepted');
    };
    const batched = await failure(true);
    expect(batched.status).toBe(422);
    expect(batched.body.issue[0]!.diagnostics).toContain('Bundle.entry[3]');
    expect(batched.body.issue[0]!.expression).toEqual(['Observation.valueQuantity.value']);
    expect(await failure(false)).toEqual(batched);

    // Over HTTP too; nothing of any of the three attempts was kept: no patient, reading, alert, task or stored JSON.
    const response = await client({ method: 'POST', url: '/fhir/R4', headers: { 'content-type': 'application/fhir+json' }, payload: bundle() });
    expect(response.statusCode).toBe(422);
    expect((response.json() as OperationOutcome).issue[0]!.diagnostics).toContain('Bundle.entry[3]');
    expect(await setup.t.db.selectFrom('patients').select('id').where('familyName', '=', family).execute()).toEqual([]);
    expect(await setup.t.db.selectFrom('fhirResources').select('id').where('resource', '@>', JSON.stringify({ name: [{ family }] }) as never).execute()).toEqual([]);

    // A run whose first failure is a content check (not the mapping) is named too.
    const checks = bundle();
    (checks.entry![3]!.resource as Observation).valueQuantity!.value = 88;
    const content = await client({ method: 'POST', url: '/fhir/R4', headers: { 'content-type': 'application/fhir+json' }, payload: checks });
    expect(content.statusCode).toBe(422);
    expect((content.json() as OperationOutcome).issue[0]!.diagnostics).toContain('Bundle.entry[4]');
    expect((content.json() as OperationOutcome).issue[0]!.expression).toEqual(['Observation.status']);
  });

  it('resolves references to stored Patients in a run, and refuses one to an unknown Patient with 422, keeping nothing of it', async () => {
    const patient = (await client({ method: 'POST', url: '/fhir/R4/Patient', headers: { 'content-type': 'application/fhir+json' }, payload: { resourceType: 'Patient', name: [{ family: 'Storedref', given: ['Sam'] }], birthDate: '1980-01-01' } })).json() as Resource;
    const ok = await client({ method: 'POST', url: '/fhir/R4', headers: { 'content-type': 'application/fhir+json' }, payload: {
      resourceType: 'Bundle', type: 'transaction',
      entry: [heartRate(`Patient/${patient.id}`, 66, minutesAgo(60)), heartRate(`Patient/${patient.id}`, 67, minutesAgo(50))].map((resource) => ({ fullUrl: urn(), resource, request: { method: 'POST', url: 'Observation' } })),
    } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await setup.t.db.selectFrom('observations').select('value').where('patientId', '=', patient.id!).orderBy('value').execute()).map((row) => Number(row.value))).toEqual([66, 67]);
    const unknown = await client({ method: 'POST', url: '/fhir/R4', headers: { 'content-type': 'application/fhir+json' }, payload: {
      resourceType: 'Bundle', type: 'transaction',
      entry: [heartRate(`Patient/${patient.id}`, 68, minutesAgo(40)), heartRate(`Patient/${randomUUID()}`, 69, minutesAgo(30))].map((resource) => ({ fullUrl: urn(), resource, request: { method: 'POST', url: 'Observation' } })),
    } });
    expect(unknown.statusCode).toBe(422);
    expect((unknown.json() as OperationOutcome).issue[0]!.diagnostics).toContain('Bundle.entry[1]');
    expect(await setup.t.db.selectFrom('observations').select('value').where('patientId', '=', patient.id!).execute()).toHaveLength(2);
  });
  it('writes a run after a conditional create that matched: the run names the matched Patient, and a PUT between creates still creates at its id', async () => {
    const identifier = { system: 'http://example.org/mrn-elsewhere', value: randomUUID() };
    const first = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: { 'content-type': 'application/fhir+json' }, payload: { resourceType: 'Patient', identifier: [identifier], name: [{ family: 'Condmatch', given: ['Cy'] }], birthDate: '1975-05-05' } });
    expect(first.statusCode, first.body).toBe(201);
    const patientId = (first.json() as Resource).id!;
    const patient = urn();
    const putId = `client-chosen-${randomUUID().slice(0, 8)}`;
    const response = await client({ method: 'POST', url: '/fhir/R4', headers: { 'content-type': 'application/fhir+json' }, payload: {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: patient, resource: { resourceType: 'Patient', identifier: [identifier], name: [{ family: 'Condmatch', given: ['Cy'] }], birthDate: '1975-05-05' }, request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${identifier.system}|${identifier.value}` } },
        { fullUrl: urn(), resource: heartRate(patient, 61, minutesAgo(90)), request: { method: 'POST', url: 'Observation' } },
        { fullUrl: urn(), resource: heartRate(patient, 62, minutesAgo(80)), request: { method: 'POST', url: 'Observation' } },
        { fullUrl: urn(), resource: { ...heartRate(patient, 63, minutesAgo(70)), id: putId }, request: { method: 'PUT', url: `Observation/${putId}` } },
        { fullUrl: urn(), resource: heartRate(patient, 64, minutesAgo(60)), request: { method: 'POST', url: 'Observation' } },
      ],
    } });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as Bundle;
    expect(result.entry!.map((entry) => entry.response!.status)).toEqual(['200 OK', '201 Created', '201 Created', '201 Created', '201 Created']);
    expect(result.entry![0]!.resource!.id).toBe(patientId);
    expect(result.entry![3]!.response!.location).toBe(`Observation/${putId}/_history/1`);
    expect(result.entry!.slice(1).map((entry) => (entry.resource as Observation).subject!.reference)).toEqual(Array(4).fill(`Patient/${patientId}`));
    const { patientId: registerId } = await setup.t.db.selectFrom('fhirResources').select('patientId').where('resourceType', '=', 'Patient').where('id', '=', patientId).executeTakeFirstOrThrow();
    expect((await setup.t.db.selectFrom('observations').select('value').where('patientId', '=', registerId!).orderBy('value').execute()).map((row) => Number(row.value))).toEqual([61, 62, 63, 64]);
    expect(await setup.t.db.selectFrom('patients').select('id').where('familyName', '=', 'Condmatch').execute()).toHaveLength(1);
  });
});
