import { sql } from 'kysely';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Patient } from '@medplum/fhirtypes';
import { setUpFhir, withoutServerParts, type Caller, type FhirTestSetup } from '../fhir-test-setup.js';
import { resourceDefinitions } from '../core/resource-registry.js';
import { commandLineImportContext, runImport, sourceFromText, sourcesFromPaths, type UnitResult } from '../../index.js';
import { countOf } from './import-unit.js';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/fhir/synthea/', import.meta.url));
const bundleDir = join(fixtures, 'r4-bundles');
const ndjsonDir = join(fixtures, 'bulk-ndjson-10-patients');
const bundleFiles = readdirSync(bundleDir).filter((name) => name.endsWith('.json')).sort().map((name) => join(bundleDir, name));

interface Resource { resourceType: string; id: string }
const bundleResources = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { entry: Array<{ resource: Resource }> }).entry.map((entry) => entry.resource);
const ndjsonResources = (file: string) => readFileSync(file, 'utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as Resource);

const loadable = new Set(resourceDefinitions.filter((definition) => definition.interactions.includes('create')).map((definition) => definition.type));
const served = new Set(resourceDefinitions.map((definition) => definition.type));

/** What the files hold: per type, every resource and the distinct ids. */
function tally(resources: Resource[]) {
  const all: Record<string, number> = {};
  const ids: Record<string, Set<string>> = {};
  for (const resource of resources) {
    all[resource.resourceType] = (all[resource.resourceType] ?? 0) + 1;
    (ids[resource.resourceType] ??= new Set()).add(resource.id);
  }
  return { all, ids };
}

let setup: FhirTestSetup;
let client: Caller;
const context = () => commandLineImportContext(setup.organizationId);
const rowsPerType = async () => {
  const rows = await setup.t.db.selectFrom('fhirResources').select(['resourceType', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organizationId', '=', setup.organizationId).groupBy('resourceType').execute();
  return Object.fromEntries(rows.map((row) => [row.resourceType, Number(row.n)]));
};
const historyRows = async () => Number((await setup.t.db.selectFrom('fhirResourceHistory').select((eb) => eb.fn.countAll<number>().as('n')).where('organizationId', '=', setup.organizationId).executeTakeFirstOrThrow()).n);
const patientRows = async () => Number((await setup.t.db.selectFrom('patients').select((eb) => eb.fn.countAll<number>().as('n')).where('organizationId', '=', setup.organizationId).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
});
afterAll(() => setup.t.close());

describe('npm run import: Synthea transaction Bundles', () => {
  const files = tally(bundleFiles.flatMap(bundleResources));
  let first: UnitResult;

  it('loads a prefix of the bundles (an import killed half-way), then all of them without duplicates', async () => {
    const prefix = await runImport(setup.t.db, context(), await sourcesFromPaths(bundleFiles.slice(0, 3)));
    expect(prefix.failed).toEqual([]);
    expect(countOf(prefix.loaded)).toBeGreaterThan(0);
    first = await runImport(setup.t.db, context(), await sourcesFromPaths([bundleDir]), { concurrency: 3 });
    expect(first.failed).toEqual([]);

    const stored = await rowsPerType();
    for (const [type, count] of Object.entries(files.all)) {
      if (loadable.has(type)) {
        // Every resource of a supported type is in the database once, whatever the two runs saw.
        expect(stored[type], type).toBe(files.ids[type]!.size);
        expect((prefix.loaded[type] ?? 0) + (first.loaded[type] ?? 0), type).toBe(files.ids[type]!.size);
        expect((first.loaded[type] ?? 0) + (first.alreadyPresent[type] ?? 0), type).toBe(count);
      } else {
        // Types the mapping does not serve (yet) are reported, never faked.
        const reason = served.has(type) ? 'type is read-only here' : 'type not supported yet';
        expect(first.skipped[reason]?.[type], type).toBe(count);
        expect(stored[type] ?? 0, type).toBe(0);
      }
    }
    expect(first.patients).toBe(files.all.Patient);
    expect(await patientRows()).toBe(files.ids.Patient!.size);
    // and left the planner statistics of what it loaded (vacuum and analyze count the rows exactly)
    const counted = await sql<{ relname: string; reltuples: number }>`
      select relname, reltuples::float8 as reltuples from pg_class where relname in ('patients', 'fhir_resources', 'observations') order by relname`.execute(setup.t.db);
    const actual = await sql<{ patients: number; fhirResources: number; observations: number }>`
      select (select count(*) from patients)::float8 as patients, (select count(*) from fhir_resources)::float8 as fhir_resources,
             (select count(*) from observations)::float8 as observations`.execute(setup.t.db);
    expect(counted.rows).toEqual([
      { relname: 'fhir_resources', reltuples: actual.rows[0]!.fhirResources },
      { relname: 'observations', reltuples: actual.rows[0]!.observations },
      { relname: 'patients', reltuples: actual.rows[0]!.patients },
    ]);
  });

  it('changes nothing when the same import runs again', async () => {
    const before = { rows: await rowsPerType(), history: await historyRows(), patients: await patientRows() };
    const again = await runImport(setup.t.db, context(), await sourcesFromPaths([bundleDir]), { concurrency: 2 });
    expect(again.loaded).toEqual({});
    expect(again.failed).toEqual([]);
    for (const type of Object.keys(files.all).filter((type) => loadable.has(type))) expect(again.alreadyPresent[type], type).toBe(files.all[type]);
    expect(again.skipped).toEqual(first.skipped);
    expect({ rows: await rowsPerType(), history: await historyRows(), patients: await patientRows() }).toEqual(before);
  });

  it('reads an imported patient back whole through the FHIR API, on the register', async () => {
    const sent = bundleResources(bundleFiles.find((file) => file.includes('Clemente'))!).find((resource) => resource.resourceType === 'Patient') as unknown as Patient;
    const response = await client({ method: 'GET', url: `/fhir/R4/Patient/${sent.id}` });
    expect(response.statusCode).toBe(200);
    expect(withoutServerParts(response.json())).toEqual(withoutServerParts(sent as unknown as Record<string, unknown>));
    const row = await setup.t.db.selectFrom('patients').select(['familyName', 'dateOfBirth']).where('id', '=', sent.id!).executeTakeFirstOrThrow();
    expect(row).toEqual({ familyName: sent.name![0]!.family, dateOfBirth: sent.birthDate });
    const found = (await client({ method: 'GET', url: `/fhir/R4/Patient?identifier=${encodeURIComponent(`${sent.identifier![0]!.system}|${sent.identifier![0]!.value}`)}` })).json() as { entry?: unknown[] };
    expect(found.entry).toHaveLength(1);
  });

  it('recognises a patient already imported under another id by its identifier', async () => {
    const [patient] = bundleResources(bundleFiles.find((file) => file.includes('Veta'))!).filter((resource) => resource.resourceType === 'Patient');
    const copy = { ...patient, id: 'another-id-for-veta' };
    const result = await runImport(setup.t.db, context(), [sourceFromText('copy.ndjson', JSON.stringify(copy))]);
    expect(result.loaded).toEqual({});
    expect(result.alreadyPresent).toEqual({ Patient: 1 });
  });

  it('reports invalid resources as failed with the element, and loads the rest of the unit', async () => {
    const text = [
      JSON.stringify({ resourceType: 'Organization', id: 'import-test-org', name: 'Harbor Labs' }),
      JSON.stringify({ resourceType: 'Patient', id: 'import-bad-patient', name: [{ family: 'Bad', given: ['Date'] }], birthDate: '1990-02-31' }),
      'not json',
    ].join('\n');
    const result = await runImport(setup.t.db, context(), [sourceFromText('mixed.ndjson', text)]);
    expect(result.loaded).toEqual({ Organization: 1 });
    expect(result.failed).toMatchObject([{ resourceType: 'Patient', id: 'import-bad-patient', status: 422, expression: ['Patient.birthDate'] }]);
    expect(result.skipped['not a resource']).toEqual({ unknown: 1 });
  });
});

describe('npm run import: NDJSON (Bulk Data output)', () => {
  it('loads every file, Patients first, with per-type counts matching the files', async () => {
    const ndjsonFiles = readdirSync(ndjsonDir).filter((name) => name.endsWith('.ndjson')).map((name) => join(ndjsonDir, name));
    const files = tally(ndjsonFiles.flatMap(ndjsonResources));
    const before = await rowsPerType();
    const result = await runImport(setup.t.db, context(), await sourcesFromPaths([ndjsonDir]), { concurrency: 2 });
    // Every resource is accounted for; a resource the mapping refuses is reported with its reason (a 4xx), never dropped silently.
    expect(result.failed.filter((failure) => failure.status >= 500)).toEqual([]);
    const failed = (type: string) => result.failed.filter((failure) => failure.resourceType === type).length;
    const after = await rowsPerType();
    for (const [type, count] of Object.entries(files.all)) {
      if (loadable.has(type)) {
        expect((result.loaded[type] ?? 0) + (result.alreadyPresent[type] ?? 0) + failed(type), type).toBe(count);
        expect((after[type] ?? 0) - (before[type] ?? 0), type).toBe(result.loaded[type] ?? 0);
      } else {
        expect(Object.values(result.skipped).reduce((sum, byType) => sum + (byType[type] ?? 0), 0), type).toBe(count);
      }
    }
    expect(result.loaded.Patient).toBe(files.ids.Patient!.size);
    expect(result.loaded.Encounter).toBe(files.ids.Encounter!.size);
    const again = await runImport(setup.t.db, context(), await sourcesFromPaths([ndjsonDir]));
    expect(again.loaded).toEqual({});
    expect(await rowsPerType()).toEqual(after);
  });
});
