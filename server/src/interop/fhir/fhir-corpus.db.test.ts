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
