import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'fhir-kit-client';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { setUpFhir, type FhirTestSetup } from './fhir-test-setup.js';

let setup: FhirTestSetup;
let fhir: Client;

beforeAll(async () => {
  setup = await setUpFhir();
  const address = await setup.t.app.listen({ port: 0, host: '127.0.0.1' });
  fhir = new Client({ baseUrl: `${address}/fhir/R4`, bearerToken: await setup.token() });
});
afterAll(() => setup.t.close());

describe('a maintained FHIR client library (fhir-kit-client) against Medassist', () => {
  it('creates, searches, pages through next links, and meets 412 on a stale update', async () => {
    const family = `Kitclient${Date.now().toString(36).replace(/\d/g, '')}`;
    const created: Patient[] = [];
    for (const given of ['Amy', 'Ben', 'Cal', 'Dot', 'Eve']) {
      created.push((await fhir.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family, given: [given] }], birthDate: '1988-08-08' } })) as unknown as Patient);
    }
    expect(created.every((patient) => patient.id && patient.meta?.versionId === '1')).toBe(true);

    const seen: string[] = [];
    let page = (await fhir.search({ resourceType: 'Patient', searchParams: { family, _count: 2, _sort: 'given' } })) as unknown as Bundle<Patient> | undefined;
    while (page) {
      seen.push(...(page.entry ?? []).map((entry) => entry.resource!.name![0]!.given![0]!));
      const next = fhir.nextPage({ bundle: page as never });
      page = next ? ((await next) as unknown as Bundle<Patient>) : undefined;
    }
    expect(seen).toEqual(['Amy', 'Ben', 'Cal', 'Dot', 'Eve']);

    const first = created[0]!;
    const updated = (await fhir.update({ resourceType: 'Patient', id: first.id!, body: { ...first, gender: 'female' }, options: { headers: { 'If-Match': 'W/"1"' } } })) as unknown as Patient;
    expect(updated.meta?.versionId).toBe('2');
    const stale = await fhir.update({ resourceType: 'Patient', id: first.id!, body: { ...first, gender: 'male' }, options: { headers: { 'If-Match': 'W/"1"' } } }).then(
      () => undefined,
      (error: { response?: { status?: number }; status?: number }) => error,
    );
    expect(stale?.response?.status ?? stale?.status).toBe(412);
    const read = (await fhir.read({ resourceType: 'Patient', id: first.id! })) as unknown as Patient;
    expect(read.gender).toBe('female');
  });
});
