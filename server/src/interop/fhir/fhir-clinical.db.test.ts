import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Observation, OperationOutcome, Resource, Task } from '@medplum/fhirtypes';
import { makeStaffMember } from '../../../test/factories.js';
import { saveObservation } from '../../exam-room/vitals/index.js';
import { setUpFhir, withoutServerParts, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

let setup: FhirTestSetup;
let client: Caller;
const json = { 'content-type': 'application/fhir+json' };
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const vitalSigns = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] }];
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
});
afterAll(() => setup.t.close());

let patientCounter = 0;
async function newPatient(birthDate = '1970-03-04'): Promise<string> {
  const response = await client({ method: 'POST', url: '/fhir/R4/Patient', headers: json, payload: { resourceType: 'Patient', name: [{ family: `Clinical${'abcdefghij'[patientCounter++ % 10]}${patientCounter}`, given: ['Cora'] }], gender: 'female', birthDate } });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as Resource).id!;
}

const post = (resource: Resource) => client({ method: 'POST', url: `/fhir/R4/${resource.resourceType}`, headers: json, payload: resource });
const ids = async (query: string) => (((await client({ method: 'GET', url: `/fhir/R4/${query}` })).json() as Bundle).entry ?? []).map((entry) => entry.resource!.id).sort();

const heartRate = (patientId: string, value: number, effective = minutesAgo(5)): Observation => ({
  resourceType: 'Observation', status: 'final', category: vitalSigns, code: { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
  subject: { reference: `Patient/${patientId}` }, effectiveDateTime: effective, valueQuantity: { value, unit: 'beats/minute', system: UCUM, code: '/min' },
});
const bloodPressure = (patientId: string, systolic: number, diastolic: number, effective = minutesAgo(5)): Observation => ({
  resourceType: 'Observation', status: 'final', category: vitalSigns, code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel with all children optional' }] },
  subject: { reference: `Patient/${patientId}` }, effectiveDateTime: effective,
  component: [
    { code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] }, valueQuantity: { value: systolic, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
    { code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] }, valueQuantity: { value: diastolic, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' } },
  ],
});

describe('FHIR Observation (vital signs)', () => {
  it('stores a vital sign on the chart, reads it back whole with interpretation on the reading and each BP component', async () => {
    const patientId = await newPatient();
    const sent = bloodPressure(patientId, 150, 95);
    const created = await post(sent);
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as Observation).id!;
    const read = (await client({ method: 'GET', url: `/fhir/R4/Observation/${id}` })).json() as Observation;
    const { interpretation, component, ...rest } = withoutServerParts(read as unknown as Record<string, unknown>) as unknown as Observation;
    const { component: sentComponents, ...sentRest } = sent;
    expect(rest).toEqual(sentRest);
    expect(interpretation![0]!.coding![0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' });
    expect(component!.map((item) => item.interpretation?.[0]?.coding?.[0]?.code)).toEqual(['H', 'H']);
    expect(component!.map(({ interpretation: _dropped, ...item }) => item)).toEqual(sentComponents);
    // On the chart: the observations row the trend chart reads.
    const rows = await setup.t.db.selectFrom('observations').selectAll().where('patientId', '=', patientId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ code: '85354-9', source: 'fhir', interpretation: 'H' });
  });

  it('refuses an implausible vital sign with 422 naming the element, and a wrong unit', async () => {
    const patientId = await newPatient();
    const implausible = await post(heartRate(patientId, 900));
    expect(implausible.statusCode, implausible.body).toBe(422);
    expect((implausible.json() as OperationOutcome).issue[0]!.expression).toEqual(['Observation.valueQuantity.value']);
    const badBp = await post(bloodPressure(patientId, 400, 80));
    expect(badBp.statusCode).toBe(422);
    expect((badBp.json() as OperationOutcome).issue[0]!.expression).toEqual(['Observation.component[0].valueQuantity']);
    const wrongUnit = await post({ ...heartRate(patientId, 70), valueQuantity: { value: 70, unit: 'kg', system: UCUM, code: 'kg' } });
    expect(wrongUnit.statusCode).toBe(422);
    expect((wrongUnit.json() as OperationOutcome).issue[0]!.expression).toEqual(['Observation.valueQuantity.code']);
    expect(await setup.t.db.selectFrom('observations').select('id').where('patientId', '=', patientId).execute()).toEqual([]);
  });

  it('raises exactly one urgent Task for a critical vital taken within 24 hours, found at once by Task?patient=, focused on the Observation', async () => {
    const patientId = await newPatient();
    const created = await post(heartRate(patientId, 185));
    expect(created.statusCode, created.body).toBe(201);
    const observationId = (created.json() as Observation).id!;
    const tasks = (await client({ method: 'GET', url: `/fhir/R4/Task?patient=${patientId}` })).json() as Bundle<Task>;
    expect(tasks.entry ?? []).toHaveLength(1);
    expect(tasks.entry![0]!.resource).toMatchObject({ priority: 'urgent', for: { reference: `Patient/${patientId}` }, focus: { reference: `Observation/${observationId}` } });
    const read = (await client({ method: 'GET', url: `/fhir/R4/Observation/${observationId}` })).json() as Observation;
    expect(read.interpretation![0]!.coding![0]!.code).toBe('HH');
    // An old critical reading (history) raises none.
    const other = await newPatient();
    expect((await post(heartRate(other, 185, minutesAgo(60 * 30)))).statusCode).toBe(201);
    expect(await ids(`Task?patient=${other}`)).toEqual([]);
  });

  it('interprets a blood pressure under the older LOINC panel code 55284-4 (as Synthea sends it) like 85354-9', async () => {
    const patientId = await newPatient();
    const older = (systolic: number, diastolic: number, effective: string): Observation => ({
      ...bloodPressure(patientId, systolic, diastolic, effective), code: { coding: [{ system: LOINC, code: '55284-4', display: 'Blood pressure systolic and diastolic' }] },
    });
    const historical = await post(older(182, 108, minutesAgo(60 * 24 * 400)));
    expect(historical.statusCode, historical.body).toBe(201);
    const read = (await client({ method: 'GET', url: `/fhir/R4/Observation/${(historical.json() as Observation).id}` })).json() as Observation;
    expect(read.interpretation![0]!.coding![0]!.code).toBe('HH');
    expect(read.component!.map((component) => component.interpretation?.[0]?.coding?.[0]?.code)).toEqual(['HH', 'H']);
    expect(await ids(`Task?patient=${patientId}`)).toEqual([]);
    // a recent one is critical like any blood pressure: one urgent task
    expect((await post(older(186, 124, minutesAgo(3)))).statusCode).toBe(201);
    expect(await ids(`Task?patient=${patientId}`)).toHaveLength(1);
  });

  it('serves a reading an MA entered in the app, with interpretation', async () => {
    const patientId = await newPatient();
    const staff = await makeStaffMember(setup.t.db, setup.organizationId, ['medical-assistant']);
    const saved = await setup.t.db.transaction().execute((trx) => saveObservation(trx, { actor: null, organizationId: setup.organizationId, clientAddress: '127.0.0.1', requestId: 'ma', staffMemberId: staff.id }, {
      patientId, code: '8310-5', value: 101.3, unit: '[degF]', effectiveAt: minutesAgo(2), details: { route: 'oral' },
    }, { source: 'app' }));
    const found = (await client({ method: 'GET', url: `/fhir/R4/Observation?patient=${patientId}&code=${LOINC}|8310-5` })).json() as Bundle<Observation>;
    expect(found.entry).toHaveLength(1);
    const observation = found.entry![0]!.resource!;
    expect(observation).toMatchObject({
      id: saved.observation.id, status: 'final', subject: { reference: `Patient/${patientId}` },
      code: { coding: [{ system: LOINC, code: '8310-5' }] }, category: [{ coding: [{ code: 'vital-signs' }] }],
      valueQuantity: { system: UCUM, code: 'Cel' }, performer: [{ reference: `Practitioner/${staff.id}` }],
    });
    expect(observation.valueQuantity!.value).toBeCloseTo(38.5, 5);
    expect(observation.interpretation![0]!.coding![0]!.code).toBe(saved.observation.interpretation);
    expect(saved.observation.interpretation).toBe('H');
  });

  it('keeps other LOINC codes, dataAbsentReason and a BMI supplied directly as sent (a vital sign gains only its interpretation)', async () => {
    const patientId = await newPatient();
    const lab: Observation = {
      resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: LOINC, code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }] }, subject: { reference: `Patient/${patientId}` },
      effectiveDateTime: '2024-05-01T09:00:00Z', valueQuantity: { value: 95, unit: 'mg/dL', system: UCUM, code: 'mg/dL' },
    };
    const absent: Observation = { ...bloodPressure(patientId, 120, 80, '2024-05-01T09:05:00Z'), component: undefined, dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-performed' }] } } as Observation;
    delete (absent as Partial<Observation>).component;
    const bmi: Observation = { ...heartRate(patientId, 0, '2024-05-01T09:10:00Z'), code: { coding: [{ system: LOINC, code: '39156-5', display: 'Body mass index (BMI) [Ratio]' }] }, valueQuantity: { value: 31.7, unit: 'kg/m2', system: UCUM, code: 'kg/m2' } };
    for (const sent of [lab, absent, bmi]) {
      const created = await post(sent);
      expect(created.statusCode, created.body).toBe(201);
      const read = (await client({ method: 'GET', url: `/fhir/R4/Observation/${(created.json() as Resource).id}` })).json() as Record<string, unknown>;
      const { interpretation, ...rest } = withoutServerParts(read) as unknown as Observation;
      expect(rest).toEqual(sent);
      // BMI is a vital sign: read back with the clinic's interpretation (adult 31.7 kg/m² is high); the lab value has none
      expect(interpretation?.[0]?.coding?.[0]?.code).toBe(sent === bmi ? 'H' : undefined);
    }
    const rows = await setup.t.db.selectFrom('observations').select(['code', 'value', 'interpretation']).where('patientId', '=', patientId).orderBy('code').execute();
    expect(rows.map((row) => [row.code, Number(row.value), row.interpretation])).toEqual([['2339-0', 95, null], ['39156-5', 31.7, 'H']]);
  });

  it('searches by patient, category, code, date (prefixes combined) and status', async () => {
    const patientId = await newPatient();
    const made: string[] = [];
    for (const [value, effective] of [[60, '2024-01-10T10:00:00Z'], [70, '2024-02-10T10:00:00Z'], [80, '2024-03-10T10:00:00Z']] as const) {
      made.push(((await post(heartRate(patientId, value, effective))).json() as Resource).id!);
    }
    const bp = ((await post(bloodPressure(patientId, 118, 76, '2024-02-11T10:00:00Z'))).json() as Resource).id!;
    expect(await ids(`Observation?patient=${patientId}`)).toEqual([...made, bp].sort());
    expect(await ids(`Observation?patient=${patientId}&code=${LOINC}|8867-4`)).toEqual([...made].sort());
    expect(await ids(`Observation?patient=${patientId}&code=85354-9`)).toEqual([bp]);
    expect(await ids(`Observation?patient=${patientId}&category=vital-signs&date=ge2024-02-01&date=lt2024-03-01`)).toEqual([made[1]!, bp].sort());
    expect(await ids(`Observation?patient=${patientId}&date=gt2024-02-10&date=le2024-03-10&code=8867-4`)).toEqual([made[2]!]);
    expect(await ids(`Observation?patient=${patientId}&status=final&date=lt2024-01-11`)).toEqual([made[0]!]);
    expect(await ids(`Observation?patient=${patientId}&status=amended`)).toEqual([]);
    const count = (await client({ method: 'GET', url: `/fhir/R4/Observation?patient=${patientId}&_summary=count` })).json() as Bundle;
    expect(count).toMatchObject({ type: 'searchset', total: 4 });
    expect(count.entry).toBeUndefined();
  });

  it('refuses references to a missing patient or encounter (422)', async () => {
    const missing = await post(heartRate('no-such-patient', 70));
    expect(missing.statusCode).toBe(422);
    expect((missing.json() as OperationOutcome).issue[0]!.expression).toEqual(['Observation.subject']);
    const patientId = await newPatient();
    const noEncounter = await post({ ...heartRate(patientId, 70), encounter: { reference: 'Encounter/no-such-encounter' } });
    expect(noEncounter.statusCode).toBe(422);
    expect((noEncounter.json() as OperationOutcome).issue[0]!.expression).toEqual(['Observation.encounter']);
  });
});

/** One valid resource per mapped clinical type, for the shared create/read/vread/search/update checks. */
const examples = (patientId: string): Record<string, { resource: Resource; search: string; change: (resource: Record<string, unknown>) => Record<string, unknown>; row: { table: string; check: Record<string, unknown> } }> => ({
  Encounter: {
    resource: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: `Patient/${patientId}` }, period: { start: '2024-04-02T14:00:00Z', end: '2024-04-02T14:30:00Z' }, reasonCode: [{ text: 'Cough' }] } as Resource,
    search: `patient=${patientId}&date=ge2024-04-01&date=lt2024-04-03&status=finished`,
    change: (resource) => ({ ...resource, status: 'cancelled' }),
    row: { table: 'encounters', check: { status: 'cancelled', reasonForVisit: 'Cough', source: 'fhir' } },
  },
  Condition: {
    resource: {
      resourceType: 'Condition', subject: { reference: `Patient/${patientId}` }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' }], text: 'Essential hypertension' }, onsetDateTime: '2019-06',
    } as Resource,
    search: `patient=${patientId}&clinical-status=http://terminology.hl7.org/CodeSystem/condition-clinical|active&category=problem-list-item&code=http://hl7.org/fhir/sid/icd-10-cm|I10`,
    change: (resource) => ({ ...resource, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] } }),
    row: { table: 'problems', check: { clinicalStatus: 'resolved', code: 'I10', onset: '2019-06', verification: 'confirmed', source: 'fhir' } },
  },
  AllergyIntolerance: {
    resource: {
      resourceType: 'AllergyIntolerance', patient: { reference: `Patient/${patientId}` }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      category: ['food'], criticality: 'high', code: { coding: [{ system: 'http://snomed.info/sct', code: '91935009', display: 'Allergy to peanut' }], text: 'Peanut' },
      reaction: [{ manifestation: [{ text: 'Hives' }], severity: 'moderate' }],
    } as Resource,
    search: `patient=Patient/${patientId}&clinical-status=active`,
    change: (resource) => ({ ...resource, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'inactive' }] } }),
    row: { table: 'allergies', check: { clinicalStatus: 'inactive', substanceText: 'Peanut', category: 'food', criticality: 'high', severity: 'moderate', reaction: 'Hives' } },
  },
  MedicationStatement: {
    resource: {
      resourceType: 'MedicationStatement', status: 'active', subject: { reference: `Patient/${patientId}` }, effectiveDateTime: '2023-01-05',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '860975' }], text: 'Metformin 500 mg tablet' },
      dosage: [{ text: 'twice daily', doseAndRate: [{ doseQuantity: { value: 500, unit: 'mg' } }] }],
    } as Resource,
    search: `patient=${patientId}&status=active`,
    change: (resource) => ({ ...resource, status: 'stopped' }),
    row: { table: 'medications', check: { kind: 'statement', status: 'stopped', name: 'Metformin 500 mg tablet', rxnormCode: '860975', dose: '500 mg', frequency: 'twice daily' } },
  },
  MedicationRequest: {
    resource: {
      resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${patientId}` }, authoredOn: '2024-02-02',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197361' }], text: 'Amlodipine 5 mg tablet' },
    } as Resource,
    search: `patient=${patientId}&status=active&intent=order`,
    change: (resource) => ({ ...resource, status: 'completed' }),
    row: { table: 'medications', check: { kind: 'request', status: 'completed', name: 'Amlodipine 5 mg tablet' } },
  },
  Immunization: {
    resource: {
      resourceType: 'Immunization', status: 'completed', patient: { reference: `Patient/${patientId}` }, occurrenceDateTime: '2015-10', primarySource: false,
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '140' }], text: 'Influenza, seasonal, injectable' },
    } as Resource,
    search: `patient=${patientId}&date=ge2015-10-01&date=lt2015-11-01&status=completed`,
    change: (resource) => ({ ...resource, lotNumber: 'AB123' }),
    row: { table: 'immunizations', check: { cvxCode: '140', occurred: '2015-10', lotNumber: 'AB123', isPrimarySource: false } },
  },
  Observation: {
    resource: { ...heartRate(patientId, 64, '2024-04-02T14:05:00Z'), interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'N' }] }] } as Resource,
    search: `patient=${patientId}&code=8867-4&date=2024-04-02`,
    change: (resource) => ({ ...resource, valueQuantity: { value: 66, unit: 'beats/minute', system: UCUM, code: '/min' } }),
    row: { table: 'observations', check: { code: '8867-4', value: 66, status: 'corrected' } },
  },
});

describe('FHIR clinical types: create, read, vread, search, update with If-Match', () => {
  it.each(['Encounter', 'Condition', 'AllergyIntolerance', 'MedicationStatement', 'MedicationRequest', 'Immunization', 'Observation'])('%s', async (type) => {
    const patientId = await newPatient('1950-01-01');
    const example = examples(patientId)[type]!;
    const created = await post(example.resource);
    expect(created.statusCode, created.body).toBe(201);
    const first = created.json() as Resource & Record<string, unknown>;
    expect(first.meta!.versionId).toBe('1');
    const read = (await client({ method: 'GET', url: `/fhir/R4/${type}/${first.id}` })).json() as Record<string, unknown>;
    expect(withoutServerParts(read)).toEqual(example.resource);
    expect(await ids(`${type}?${example.search}`)).toEqual([first.id]);
    const other = await newPatient();
    expect(await ids(`${type}?patient=${other}`)).toEqual([]);

    const changed = example.change(read);
    const stale = await client({ method: 'PUT', url: `/fhir/R4/${type}/${first.id}`, headers: { ...json, 'if-match': 'W/"7"' }, payload: changed });
    expect(stale.statusCode).toBe(412);
    const updated = await client({ method: 'PUT', url: `/fhir/R4/${type}/${first.id}`, headers: { ...json, 'if-match': 'W/"1"' }, payload: changed });
    expect(updated.statusCode, updated.body).toBe(200);
    expect((updated.json() as Resource).meta!.versionId).toBe('2');
    const again = (await client({ method: 'GET', url: `/fhir/R4/${type}/${first.id}` })).json() as Record<string, unknown>;
    expect(withoutServerParts(again)).toEqual(withoutServerParts(changed));
    const version1 = (await client({ method: 'GET', url: `/fhir/R4/${type}/${first.id}/_history/1` })).json() as Record<string, unknown>;
    expect(withoutServerParts(version1)).toEqual(example.resource);
    const history = (await client({ method: 'GET', url: `/fhir/R4/${type}/${first.id}/_history` })).json() as Bundle;
    expect(history.entry).toHaveLength(2);

    // The chart row follows the resource (one current row per resource).
    const rows = await setup.t.db.selectFrom(example.row.table as 'problems').selectAll().where('patientId', '=', patientId).execute() as unknown as Array<Record<string, unknown>>;
    const current = rows.filter((row) => row.replacedById === undefined || row.replacedById === null);
    expect(current).toHaveLength(1);
    const normalised = Object.fromEntries(Object.entries(current[0]!).map(([key, value]) => [key, typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) && typeof example.row.check[key] === 'number' ? Number(value) : value]));
    expect(normalised).toMatchObject(example.row.check);
    expect(current[0]!.version).toBe(2);
  });
});

describe('FHIR Slot and PractitionerRole', () => {
  it('generates free and busy Slots from the schedule templates, found by schedule, start and status', async () => {
    const provider = await makeStaffMember(setup.t.db, setup.organizationId, ['provider'], { displayName: 'Pat Slotter' });
    const type = await setup.t.db.insertInto('appointmentTypes').values({ organizationId: setup.organizationId, name: 'Slot visit', durationMinutes: 30 }).returning('id').executeTakeFirstOrThrow();
    const location = await setup.t.db.selectFrom('locations').select('timeZone').where('id', '=', setup.locationId).executeTakeFirstOrThrow();
    const localTomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('en-CA', { timeZone: location.timeZone });
    const weekday = new Date(`${localTomorrow}T12:00:00Z`).getUTCDay();
    await setup.t.db.insertInto('scheduleTemplates').values({
      organizationId: setup.organizationId, locationId: setup.locationId, providerId: provider.id, weekday, startsAtLocal: '09:00', endsAtLocal: '10:00', slotMinutes: 30, appointmentTypeIds: [type.id], effectiveFrom: localTomorrow, effectiveUntil: localTomorrow,
    }).execute();
    const schedule = (await ids(`Schedule?actor=Practitioner/${provider.id}`))[0]!;
    const slots = (await client({ method: 'GET', url: `/fhir/R4/Slot?schedule=Schedule/${schedule}&_sort=start` })).json() as Bundle;
    expect(slots.entry).toHaveLength(2);
    const [first, second] = slots.entry!.map((entry) => entry.resource as Resource & { start: string; end: string; status: string });
    expect(second!.start).toBe(first!.end);
    expect(new Date(second!.start).getTime() - new Date(first!.start).getTime()).toBe(30 * 60_000);
    expect([first!.status, second!.status]).toEqual(['free', 'free']);
    // Book the first through FHIR: it becomes busy.
    const patientId = await newPatient();
    const booked = await post({
      resourceType: 'Appointment', status: 'booked', start: first!.start, end: first!.end,
      participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }, { actor: { reference: `Practitioner/${provider.id}` }, status: 'accepted' }],
    } as Resource);
    expect(booked.statusCode, booked.body).toBe(201);
    expect(await ids(`Slot?schedule=${schedule}&status=busy`)).toEqual([first!.id]);
    expect(await ids(`Slot?schedule=${schedule}&status=free&start=ge${second!.start}`)).toEqual([second!.id]);
    expect((await client({ method: 'GET', url: `/fhir/R4/Slot/${first!.id}` })).json()).toMatchObject({ status: 'busy', schedule: { reference: `Schedule/${schedule}` } });
    expect((await client({ method: 'PUT', url: `/fhir/R4/Slot/${first!.id}`, headers: json, payload: { ...first, status: 'free' } })).statusCode).toBe(405);
  });

  it('serves each staff member\'s roles as a PractitionerRole and keeps outside ones as sent', async () => {
    const nurse = await makeStaffMember(setup.t.db, setup.organizationId, ['nurse']);
    const role = (await client({ method: 'GET', url: `/fhir/R4/PractitionerRole?practitioner=Practitioner/${nurse.id}` })).json() as Bundle;
    expect(role.entry).toHaveLength(1);
    expect(role.entry![0]!.resource).toMatchObject({ practitioner: { reference: `Practitioner/${nurse.id}` }, code: [{ coding: [{ code: 'nurse' }] }], active: true });
    expect(await ids(`PractitionerRole?role=nurse&practitioner=${nurse.id}`)).toEqual([nurse.id]);
    const outside = { resourceType: 'PractitionerRole', practitioner: { reference: 'Practitioner/outside-cardiologist' }, specialty: [{ coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '207RC0000X' }] }] } as Resource;
    const created = await post(outside);
    expect(created.statusCode).toBe(201);
    expect(await ids('PractitionerRole?specialty=http://nucc.org/provider-taxonomy|207RC0000X')).toEqual([(created.json() as Resource).id]);
  });
});

describe('FHIR _include, _revinclude and _summary=count', () => {
  it('adds the referenced patients (_include) and the resources naming the matches (_revinclude), each once', async () => {
    const patientId = await newPatient('1950-01-01');
    const made: Record<string, string> = {};
    for (const [type, example] of Object.entries(examples(patientId))) {
      const created = await post(example.resource);
      expect(created.statusCode, created.body).toBe(201);
      made[type] = (created.json() as Resource).id!;
    }
    const second = ((await post(heartRate(patientId, 66, '2024-04-03T10:00:00Z'))).json() as Resource).id!;
    for (const type of ['Observation', 'Encounter', 'Condition', 'MedicationRequest', 'Immunization', 'AllergyIntolerance', 'MedicationStatement']) {
      const bundle = (await client({ method: 'GET', url: `/fhir/R4/${type}?patient=${patientId}&_include=${type}:patient` })).json() as Bundle;
      const included = (bundle.entry ?? []).filter((entry) => entry.search?.mode === 'include');
      expect(included.map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`), type).toEqual([`Patient/${patientId}`]);
      expect((bundle.entry ?? []).filter((entry) => entry.search?.mode === 'match').length, type).toBe(type === 'Observation' ? 2 : 1);
    }
    const withObservations = (await client({ method: 'GET', url: `/fhir/R4/Patient?_id=${patientId}&_revinclude=Observation:patient&_revinclude=Condition:patient` })).json() as Bundle;
    expect(withObservations.entry!.map((entry) => [entry.search!.mode, `${entry.resource!.resourceType}/${entry.resource!.id}`]).sort()).toEqual([
      ['include', `Condition/${made.Condition}`], ['include', `Observation/${made.Observation}`], ['include', `Observation/${second}`], ['match', `Patient/${patientId}`],
    ].sort());
    const other = await newPatient();
    const none = (await client({ method: 'GET', url: `/fhir/R4/Patient?_id=${other}&_revinclude=Observation:patient` })).json() as Bundle;
    expect(none.entry!.map((entry) => entry.resource!.id)).toEqual([other]);
    expect((await client({ method: 'GET', url: `/fhir/R4/Observation?patient=${patientId}&_include=Encounter:patient` })).statusCode).toBe(400);
    expect((await client({ method: 'GET', url: `/fhir/R4/Observation?patient=${patientId}&_include=Observation:code` })).statusCode).toBe(400);
    const count = (await client({ method: 'GET', url: `/fhir/R4/Condition?patient=${patientId}&_summary=count` })).json() as Bundle;
    expect(count.total).toBe(1);
  });

  it('refuses an _include of a type the caller may not read', async () => {
    const frontDesk = await setup.staff('front-desk');
    const patientId = await newPatient();
    const allowed = await frontDesk({ method: 'GET', url: `/fhir/R4/Patient?_id=${patientId}` });
    expect(allowed.statusCode).toBe(200);
    const refused = await frontDesk({ method: 'GET', url: `/fhir/R4/Patient?_id=${patientId}&_revinclude=Observation:patient` });
    expect(refused.statusCode).toBe(403);
  });
});
