import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { setUpFhir, type Caller, type FhirTestSetup } from '../fhir-test-setup.js';
import { commandLineImportContext, runImport, sourceFromText } from '../../index.js';

const bundleFile = fileURLToPath(new URL('../../../../test/fixtures/fhir/synthea/r4-bundles/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json', import.meta.url));
const async = { prefer: 'respond-async', accept: 'application/fhir+json' };

interface Manifest { transactionTime: string; request: string; requiresAccessToken: boolean; output: Array<{ type: string; url: string }>; error: unknown[] }

let setup: FhirTestSetup;
let client: Caller;

beforeAll(async () => {
  setup = await setUpFhir();
  client = await setup.client();
  const result = await runImport(setup.t.db, commandLineImportContext(setup.organizationId), [sourceFromText('clemente.json', readFileSync(bundleFile, 'utf8'))]);
  expect(result.failed).toEqual([]);
});
afterAll(() => setup.t.close());

/** Polls the status URL until the manifest arrives; returns every status seen. */
async function waitForManifest(caller: Caller, statusUrl: string): Promise<{ statuses: number[]; manifest: Manifest; progress: string[] }> {
  const statuses: number[] = [];
  const progress: string[] = [];
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await caller({ method: 'GET', url: new URL(statusUrl).pathname });
    statuses.push(response.statusCode);
    if (response.statusCode === 200) return { statuses, manifest: response.json() as Manifest, progress };
    expect(response.statusCode, response.body).toBe(202);
    progress.push(String(response.headers['x-progress']));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the export did not finish');
}

const download = async (url: string) => {
  const response = await client({ method: 'GET', url: new URL(url).pathname, headers: { accept: 'application/fhir+ndjson' } });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('application/fhir+ndjson');
  return response.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { resourceType: string; id: string });
};

describe('FHIR Bulk Data $export', () => {
  it('needs Prefer: respond-async and refuses unknown types and bad _since', async () => {
    expect((await client({ method: 'GET', url: '/fhir/R4/$export' })).statusCode).toBe(400);
    expect((await client({ method: 'GET', url: '/fhir/R4/$export?_type=Claim', headers: async })).statusCode).toBe(400);
    expect((await client({ method: 'GET', url: '/fhir/R4/$export?_since=yesterday', headers: async })).statusCode).toBe(400);
  });

  it('system level with _type: kick-off 202, polling, manifest, NDJSON files holding every resource of those types', async () => {
    const kickOff = await client({ method: 'GET', url: '/fhir/R4/$export?_type=Patient,Organization', headers: async });
    expect(kickOff.statusCode, kickOff.body).toBe(202);
    const statusUrl = String(kickOff.headers['content-location']);
    expect(statusUrl).toMatch(/\/fhir\/R4\/\$export-status\/[0-9a-f-]{36}$/);
    const { manifest, statuses } = await waitForManifest(client, statusUrl);
    expect(statuses.at(-1)).toBe(200);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.request).toContain('/fhir/R4/$export?_type=Patient,Organization');
    expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
    expect(new Set(manifest.output.map((file) => file.type))).toEqual(new Set(['Patient', 'Organization']));
    const exported = (await Promise.all(manifest.output.map((file) => download(file.url)))).flat();
    for (const type of ['Patient', 'Organization']) {
      const total = ((await client({ method: 'GET', url: `/fhir/R4/${type}?_summary=count` })).json() as Bundle).total;
      expect(exported.filter((resource) => resource.resourceType === type).length, type).toBe(total);
    }
    expect(exported.some((resource) => resource.id === 'd78af07c-9cb9-4f31-9b11-c45a28f2eec8')).toBe(true);
  });

  it('Patient level with _since: only what changed after it; each exported patient is an export in the accounting of disclosures', async () => {
    const since = new Date(Date.now() - 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const created = (await client({ method: 'POST', url: '/fhir/R4/Patient', headers: { 'content-type': 'application/fhir+json' }, payload: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Exporto', given: ['Ella'] }], birthDate: '1990-01-01' }) })).json() as Patient;
    const kickOff = await client({ method: 'GET', url: `/fhir/R4/Patient/$export?_type=Patient&_since=${encodeURIComponent(since)}`, headers: async });
    expect(kickOff.statusCode, kickOff.body).toBe(202);
    const { manifest } = await waitForManifest(client, String(kickOff.headers['content-location']));
    const exported = (await Promise.all(manifest.output.map((file) => download(file.url)))).flat();
    expect(exported.map((resource) => resource.id)).toEqual([created.id]);
    const disclosures = await setup.t.db.selectFrom('auditEvents').select(['patientId', 'actorKind']).where('action', '=', 'export').where('patientId', '=', created.id!).execute();
    expect(disclosures).toEqual([{ patientId: created.id, actorKind: 'client' }]);
  });

  it('DELETE cancels a job; another client cannot see it', async () => {
    const kickOff = await client({ method: 'GET', url: '/fhir/R4/$export', headers: async });
    const path = new URL(String(kickOff.headers['content-location'])).pathname;
    const other = await setup.client();
    expect((await other({ method: 'GET', url: path })).statusCode).toBe(404);
    expect((await client({ method: 'DELETE', url: path })).statusCode).toBe(202);
    expect((await client({ method: 'GET', url: path })).statusCode).toBe(404);
  });

  it('is listed in the CapabilityStatement (system and Patient level)', async () => {
    const metadata = (await client({ method: 'GET', url: '/fhir/R4/metadata' })).json() as { rest: Array<{ operation?: Array<{ name: string }>; resource: Array<{ type: string; operation?: Array<{ name: string }> }> }> };
    expect(metadata.rest[0]!.operation).toEqual([expect.objectContaining({ name: 'export' })]);
    expect(metadata.rest[0]!.resource.find((resource) => resource.type === 'Patient')!.operation).toEqual([expect.objectContaining({ name: 'export' })]);
  });

  it('is refused to roles without fhir.export', async () => {
    const ma = await setup.staff('medical-assistant');
    expect((await ma({ method: 'GET', url: '/fhir/R4/$export', headers: async })).statusCode).toBe(403);
  });
});
