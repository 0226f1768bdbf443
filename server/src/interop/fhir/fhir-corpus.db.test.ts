import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '@medplum/fhirtypes';
import { setUpFhir, withoutServerParts, type Caller, type FhirTestSetup } from './fhir-test-setup.js';

// Official examples copied into the repository (see server/test/fixtures/fhir/PROVENANCE.md).
const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/fhir');
const examples = ['r4-core', 'us-core'].flatMap((folder) =>
  fs.readdirSync(path.join(fixtures, folder)).filter((file) => file.endsWith('.json')).map((file) => ({ name: `${folder}/${file}`, resource: JSON.parse(fs.readFileSync(path.join(fixtures, folder, file), 'utf8')) as Resource })),
);

let setup: FhirTestSetup;
let client: Caller;

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
});
afterAll(() => setup.t.close());

const counts = async () => ({
  staff: Number((await setup.t.db.selectFrom('staffMembers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  organizations: Number((await setup.t.db.selectFrom('organizations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  locations: Number((await setup.t.db.selectFrom('locations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
});

describe('official FHIR examples', () => {
  it('has copies of the examples to load', () => {
    expect(examples.filter((example) => example.resource.resourceType === 'Patient').length).toBeGreaterThanOrEqual(18);
    expect(new Set(examples.map((example) => example.resource.resourceType))).toEqual(new Set(['Patient', 'Practitioner', 'Organization', 'Location']));
  });

  it.each(examples.map((example) => [example.name, example.resource] as const))('round-trips %s: create, read back whole (ignoring id and meta)', async (_name, original) => {
    const created = await client({ method: 'POST', url: `/fhir/R4/${original.resourceType}`, headers: { 'content-type': 'application/fhir+json' }, payload: original });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as Resource).id!;
    const read = await client({ method: 'GET', url: `/fhir/R4/${original.resourceType}/${id}` });
    expect(read.statusCode).toBe(200);
    expect(withoutServerParts(read.json() as Record<string, unknown>)).toEqual(withoutServerParts(original as unknown as Record<string, unknown>));
    const found = await client({ method: 'GET', url: `/fhir/R4/${original.resourceType}?_id=${id}` });
    expect((found.json() as { entry: Array<{ resource: unknown }> }).entry[0]!.resource).toEqual(read.json());
  });

  it('imports outside clinicians, organizations and locations without creating staff accounts, tenants or clinic locations', async () => {
    const before = await counts();
    for (const example of examples.filter((item) => item.resource.resourceType !== 'Patient')) {
      const response = await client({ method: 'POST', url: `/fhir/R4/${example.resource.resourceType}`, headers: { 'content-type': 'application/fhir+json' }, payload: example.resource });
      expect(response.statusCode).toBe(201);
    }
    expect(await counts()).toEqual(before);
  });
});

// ---- Clinical and scheduling examples (Observation, Encounter, Condition, AllergyIntolerance,
// MedicationStatement/Request, Immunization, Slot, PractitionerRole, Communication, DocumentReference).
// Each folder's examples are loaded at their own ids after that folder's Patients, so their references
// resolve; the clinic's interpretation, added to a vital sign sent without one, is the only difference allowed.

const read = (folder: string) => fs.readdirSync(path.join(fixtures, folder)).filter((file) => file.endsWith('.json')).sort()
  .map((file) => ({ name: `${folder}/${file}`, resource: JSON.parse(fs.readFileSync(path.join(fixtures, folder, file), 'utf8')) as Resource & Record<string, unknown> }));
/** Encounters first: the other examples name them. */
const loadOrder = (resource: Resource) => (resource.resourceType === 'Encounter' ? 0 : 1);
const clinical = (['r4-core', 'us-core'] as const).flatMap((folder) => [
  ...examples.filter((example) => example.name.startsWith(`${folder}/`) && example.resource.resourceType === 'Patient').map((example) => ({ ...example, resource: example.resource as Resource & Record<string, unknown>, isPatient: true })),
  ...read(`${folder}-clinical`).sort((a, b) => loadOrder(a.resource) - loadOrder(b.resource)).map((example) => ({ ...example, isPatient: false })),
]);

/** Examples refused on purpose, with why: they name a Patient the corpus does not hold (a reference to a missing resource is 422). */
const refused: Record<string, string> = {
  'r4-core-clinical/Encounter-xcda.json': 'Patient/xcda is not in the corpus',
  'r4-core-clinical/DocumentReference-example.json': 'Patient/xcda is not in the corpus',
  'r4-core-clinical/Communication-fm-attachment.json': 'Patient/1 is not in the corpus',
  'r4-core-clinical/Communication-fm-solicited.json': 'Patient/1 is not in the corpus',
  'r4-core-clinical/Observation-656.json': 'Patient/PatientId-patientId is not in the corpus',
  'r4-core-clinical/Observation-bgpanel.json': 'Patient/infant is not in the corpus',
  'r4-core-clinical/Observation-bloodgroup.json': 'Patient/infant is not in the corpus',
  'r4-core-clinical/Observation-rhstatus.json': 'Patient/infant is not in the corpus',
  'r4-core-clinical/Observation-secondsmoke.json': 'Patient/infant is not in the corpus',
  'r4-core-clinical/Observation-vomiting.json': 'Patient/infant is not in the corpus',
};

const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** The resource read back without the interpretation the clinic added to a vital sign sent without one (checked to be one of ours). */
function withoutAddedInterpretation(readBack: Record<string, unknown>, sent: Record<string, unknown>): { resource: Record<string, unknown>; added: number } {
  if (readBack.resourceType !== 'Observation') return { resource: readBack, added: 0 };
  let added = 0;
  const strip = (element: Record<string, unknown>, original: Record<string, unknown> | undefined) => {
    if (original?.interpretation !== undefined || element.interpretation === undefined) return element;
    const codings = (element.interpretation as Array<{ coding: Array<{ system: string; code: string }> }>).flatMap((concept) => concept.coding);
    expect(codings.every((coding) => coding.system === INTERPRETATION_SYSTEM && ['N', 'L', 'H', 'LL', 'HH', 'A', 'AA'].includes(coding.code))).toBe(true);
    added++;
    const { interpretation: _interpretation, ...rest } = element;
    void _interpretation;
    return rest;
  };
  const resource = strip(readBack, sent);
  if (Array.isArray(resource.component)) {
    resource.component = (resource.component as Array<Record<string, unknown>>).map((component, index) => strip(component, (sent.component as Array<Record<string, unknown>> | undefined)?.[index]));
  }
  return { resource, added };
}

describe('official FHIR examples of the clinical types', () => {
  let clinic: FhirTestSetup;
  let caller: Caller;
  let interpreted = 0;
  beforeAll(async () => {
    clinic = await setUpFhir();
    caller = await clinic.client();
  });
  afterAll(async () => {
    // Vital signs sent without an interpretation were read back with the clinic's.
    expect(interpreted).toBeGreaterThan(5);
    await clinic.t.close();
  });

  it('has copies of every clinical example to load', () => {
    expect(clinical.filter((example) => !example.isPatient).length).toBe(288);
  });

  it.each(clinical.map((example) => [example.name, example] as const))('loads %s at its own id and reads it back whole', async (name, example) => {
    const original = example.resource;
    const url = `/fhir/R4/${original.resourceType}/${original.id}`;
    const written = await caller({ method: 'PUT', url, headers: { 'content-type': 'application/fhir+json' }, payload: original });
    if (refused[name]) {
      expect(written.statusCode, written.body).toBe(422);
      return;
    }
    expect([200, 201], `${name}: ${written.body}`).toContain(written.statusCode);
    const readBack = await caller({ method: 'GET', url });
    expect(readBack.statusCode).toBe(200);
    const { resource, added } = withoutAddedInterpretation(withoutServerParts(readBack.json() as Record<string, unknown>), original);
    interpreted += added;
    expect(resource).toEqual(withoutServerParts(original));
    const found = await caller({ method: 'GET', url: `/fhir/R4/${original.resourceType}?_id=${original.id}` });
    expect((found.json() as { entry: Array<{ resource: unknown }> }).entry.map((entry) => entry.resource)).toEqual([readBack.json()]);
  });
});
