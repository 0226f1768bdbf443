import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import { makeStaffMember } from '../../../test/factories.js';
import { createTask } from '../../platform/tasks/create-task.js';
import { setUpFhir, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

let setup: FhirTestSetup;
let client: Caller;
let statement: CapabilityStatement;
const json = { 'content-type': 'application/fhir+json' };
const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
let providerId = '';

/** A resource of each writable type the walk creates; its values feed the search parameters. */
const samples: Record<string, Resource> = {
  Patient: { resourceType: 'Patient', identifier: [{ system: 'urn:example:walk', value: 'walk-1' }], name: [{ family: 'Walker', given: ['Wanda'] }], gender: 'female', birthDate: '1961-01-01' },
  Practitioner: { resourceType: 'Practitioner', identifier: [{ system: 'urn:example:walk', value: 'walk-2' }], name: [{ family: 'Strider', given: ['Will'] }] },
  Organization: { resourceType: 'Organization', identifier: [{ system: 'urn:example:walk', value: 'walk-3' }], name: 'Walkabout Clinic' },
  Location: { resourceType: 'Location', identifier: [{ system: 'urn:example:walk', value: 'walk-4' }], name: 'Walkway Annex' },
};
/** Samples that reference what the walk made first (the walk's patient, a provider). */
const sampleFor = (type: string, patientId: string): Resource =>
  type === 'Appointment'
    ? {
      resourceType: 'Appointment', status: 'booked', start: `${tomorrow}T15:00:00Z`, end: `${tomorrow}T15:20:00Z`,
      participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }, { actor: { reference: `Practitioner/${providerId}` }, status: 'accepted' }],
    }
    : samples[type] ?? referencingSamples(patientId)[type]!;

const now = new Date().toISOString();
const later = new Date(Date.now() + 3_600_000).toISOString();
const loinc = (code: string, display: string) => ({ coding: [{ system: 'http://loinc.org', code, display }] });
/** Samples of the types that name the walk's patient. */
const referencingSamples = (patientId: string): Record<string, Resource> => ({
  PractitionerRole: {
    resourceType: 'PractitionerRole', identifier: [{ system: 'urn:example:walk', value: 'walk-5' }], practitioner: { reference: 'Practitioner/outside-1' },
    code: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/practitioner-role', code: 'doctor' }] }], specialty: [{ coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '207Q00000X' }] }],
  },
  Slot: { resourceType: 'Slot', schedule: { reference: 'Schedule/outside-schedule' }, status: 'free', start: now, end: later },
  Communication: {
    resourceType: 'Communication', status: 'completed', subject: { reference: `Patient/${patientId}` }, sent: now,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'notification' }] }], payload: [{ contentString: 'Walk message' }],
  },
  DocumentReference: {
    resourceType: 'DocumentReference', status: 'current', subject: { reference: `Patient/${patientId}` }, date: now, type: loinc('34133-9', 'Summary of episode note'),
    category: [{ coding: [{ system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category', code: 'clinical-note' }] }],
    content: [{ attachment: { contentType: 'text/plain', data: 'V2Fsaw==' } }], context: { period: { start: now } },
  },
  Encounter: {
    resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: `Patient/${patientId}` },
    period: { start: now, end: later }, reasonCode: [{ text: 'Walk visit' }],
  },
  Observation: {
    resourceType: 'Observation', status: 'final', category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: loinc('8867-4', 'Heart rate'), subject: { reference: `Patient/${patientId}` }, effectiveDateTime: now,
    valueQuantity: { value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  },
  Condition: {
    resourceType: 'Condition', subject: { reference: `Patient/${patientId}` }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9' }], text: 'Type 2 diabetes' },
  },
  AllergyIntolerance: {
    resourceType: 'AllergyIntolerance', patient: { reference: `Patient/${patientId}` }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '7980' }], text: 'Penicillin G' }, category: ['medication'],
  },
  MedicationStatement: {
    resourceType: 'MedicationStatement', status: 'active', subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '860975' }], text: 'Metformin 500 mg' },
  },
  MedicationRequest: {
    resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${patientId}` }, authoredOn: today,
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197361' }], text: 'Amlodipine 5 mg' },
  },
  Immunization: {
    resourceType: 'Immunization', status: 'completed', patient: { reference: `Patient/${patientId}` }, occurrenceDateTime: today, primarySource: false,
    vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '140' }], text: 'Influenza, seasonal' },
  },
});

/** `system|code` of the first coding of a CodeableConcept (or of the first of a list of them). */
const token = (concept: unknown): string => {
  const first = (Array.isArray(concept) ? concept[0] : concept) as { coding: Array<{ system: string; code: string }> };
  return `${first.coding[0]!.system}|${first.coding[0]!.code}`;
};

/** Rows a read-only type needs before the walk can read and search it. */
const seeds: Record<string, (patientId: string) => Promise<void>> = {
  Schedule: async () => {
    const type = await setup.t.db.insertInto('appointmentTypes').values({ organizationId: setup.organizationId, name: 'Walk visit', durationMinutes: 20 }).returning('id').executeTakeFirstOrThrow();
    await setup.t.db.insertInto('scheduleTemplates').values({
      organizationId: setup.organizationId, locationId: setup.locationId, providerId, weekday: 1, startsAtLocal: '09:00', endsAtLocal: '12:00', slotMinutes: 20, appointmentTypeIds: [type.id], effectiveFrom: today, effectiveUntil: null,
    }).execute();
  },
  Task: (patientId) => setup.t.db.transaction().execute(async (trx) => {
    await createTask(trx, { actor: null, organizationId: setup.organizationId, clientAddress: '127.0.0.1', requestId: 'walk' }, { title: 'Walk task', kind: 'general', patientId, ownerStaffId: providerId, priority: 'urgent' });
  }),
};

/** The value each listed search parameter is exercised with, so that `subject` matches it. Unknown parameters fail the walk. */
function valueFor(type: string, parameter: string, subject: Resource & Record<string, unknown>, patientId: string): string {
  const identifier = (subject.identifier as Array<{ system: string; value: string }> | undefined)?.[0];
  const name = (subject.name as Array<{ family: string; given: string[] }> | string | undefined);
  switch (parameter) {
    case '_id': return subject.id!;
    case 'identifier': return `${identifier!.system}|${identifier!.value}`;
    case 'name': return typeof name === 'string' ? name.slice(0, 5) : name![0]!.family.slice(0, 4);
    case 'family': return (name as Array<{ family: string }>)[0]!.family;
    case 'given': return (name as Array<{ given: string[] }>)[0]!.given[0]!;
    case 'birthdate': return `ge${String(subject.birthDate).slice(0, 4)}`;
    case 'gender': return String(subject.gender);
    case 'patient': return `Patient/${patientId}`;
    case 'date': return `ge${today}`;
    case 'practitioner':
      if (type === 'PractitionerRole') return (subject.practitioner as { reference: string }).reference;
      return (subject.participant as Array<{ actor: { reference: string } }>).find((item) => item.actor.reference.startsWith('Practitioner/'))!.actor.reference;
    case 'status': return String(subject.status);
    case 'actor': return (subject.actor as Array<{ reference: string }>)[0]!.reference;
    case 'priority': return String(subject.priority);
    case 'owner': return (subject.owner as { reference: string }).reference;
    case 'subject': return `Patient/${patientId}`;
    case 'role': return token(subject.code);
    case 'specialty': return token(subject.specialty);
    case 'category': return token(subject.category);
    case 'type': return token(subject.type);
    case 'code': return token(subject.code);
    case 'sent': case 'period': case 'start': return `ge${today}`;
    case 'clinical-status': return token(subject.clinicalStatus);
    case 'vaccine-code': return token(subject.vaccineCode);
    case 'intent': return String(subject.intent);
    case 'schedule': return (subject.schedule as { reference: string }).reference;
    default: throw new Error(`The CapabilityStatement lists ${type}?${parameter}, which this walk does not know how to exercise.`);
  }
}

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
  providerId = (await makeStaffMember(setup.t.db, setup.organizationId, ['provider'])).id;
  statement = (await setup.t.app.inject({ method: 'GET', url: '/fhir/R4/metadata' })).json() as CapabilityStatement;
});
afterAll(() => setup.t.close());

describe('CapabilityStatement walk', () => {
  it('exercises every interaction and search parameter it lists', async () => {
    const resources = statement.rest![0]!.resource!;
    expect(resources.length).toBeGreaterThan(0);
    let patientId = '';
    let exercised = 0;
    for (const resource of resources) {
      const type = resource.type;
      const interactions = resource.interaction!.map((interaction) => interaction.code);
      let subject: Resource & Record<string, unknown>;
      await seeds[type]?.(patientId);
      if (interactions.includes('create')) {
        const created = await client({ method: 'POST', url: `/fhir/R4/${type}`, headers: json, payload: sampleFor(type, patientId) });
        expect(created.statusCode, `${type} create: ${created.body}`).toBe(201);
        subject = created.json() as Resource & Record<string, unknown>;
        if (type === 'Patient') patientId = subject.id!;
        exercised++;
      } else {
        const any = await client({ method: 'GET', url: `/fhir/R4/${type}?_count=1` });
        subject = ((any.json() as Bundle).entry![0]!.resource) as Resource & Record<string, unknown>;
      }
      if (interactions.includes('search-type')) {
        expect((await client({ method: 'GET', url: `/fhir/R4/${type}?_count=1` })).statusCode, `${type} search`).toBe(200);
        exercised++;
      }
      if (interactions.includes('read')) {
        expect((await client({ method: 'GET', url: `/fhir/R4/${type}/${subject.id}` })).statusCode, `${type} read`).toBe(200);
        exercised++;
      }
      if (interactions.includes('update')) {
        const updated = await client({ method: 'PUT', url: `/fhir/R4/${type}/${subject.id}`, headers: { ...json, 'if-match': `W/"${subject.meta!.versionId}"` }, payload: subject });
        expect(updated.statusCode, `${type} update`).toBe(200);
        exercised++;
      }
      if (interactions.includes('vread')) {
        expect((await client({ method: 'GET', url: `/fhir/R4/${type}/${subject.id}/_history/1` })).statusCode, `${type} vread`).toBe(200);
        exercised++;
      }
      if (interactions.includes('history-instance')) {
        const history = await client({ method: 'GET', url: `/fhir/R4/${type}/${subject.id}/_history` });
        expect(history.statusCode, `${type} history`).toBe(200);
        exercised++;
      }
      for (const parameter of resource.searchParam ?? []) {
        const value = valueFor(type, parameter.name!, subject, patientId);
        const found = await client({ method: 'GET', url: `/fhir/R4/${type}?${new URLSearchParams({ [parameter.name!]: value, _count: '1000' }).toString()}` });
        expect(found.statusCode, `${type}?${parameter.name}`).toBe(200);
        const ids = ((found.json() as Bundle).entry ?? []).map((entry) => entry.resource!.id);
        if (type === 'AuditEvent') expect(ids.length, `${type}?${parameter.name}`).toBeGreaterThan(0);
        else expect(ids, `${type}?${parameter.name}=${value}`).toContain(subject.id);
        exercised++;
      }
      for (const [parameter, values] of [['_include', resource.searchInclude ?? []], ['_revinclude', resource.searchRevInclude ?? []]] as const) {
        for (const value of values) {
          const response = await client({ method: 'GET', url: `/fhir/R4/${type}?_count=5&${parameter}=${value}` });
          expect(response.statusCode, `${type}?${parameter}=${value}: ${response.body}`).toBe(200);
          exercised++;
        }
      }
      const sortKeys = resource.extension?.find((extension) => extension.url.endsWith('/sort-keys'))?.valueString?.split(',') ?? [];
      for (const key of sortKeys) {
        expect((await client({ method: 'GET', url: `/fhir/R4/${type}?_sort=-${key}&_count=2` })).statusCode, `${type}?_sort=${key}`).toBe(200);
      }
    }
    for (const interaction of statement.rest![0]!.interaction!) {
      const response = await client({ method: 'POST', url: '/fhir/R4', headers: json, payload: { resourceType: 'Bundle', type: interaction.code, entry: [] } });
      expect(response.statusCode, interaction.code).toBe(200);
      exercised++;
    }
    expect(exercised).toBeGreaterThan(30);
  });
});
