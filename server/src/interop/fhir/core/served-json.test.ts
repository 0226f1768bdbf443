import { describe, expect, it } from 'vitest';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { bundleText, StoredJson } from './fhir-http.js';
import type { Candidate } from './resource-definition.js';
import { resourceDefinitions } from './resource-registry.js';
import { presentForSending } from '../interactions.js';

const baseUrl = 'https://clinic.example/fhir/R4';

function freshCandidate(type: string): Candidate {
  const stored = { resourceType: type, id: 'x1', meta: { versionId: '3', lastUpdated: '2026-01-02T03:04:05.000Z' }, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">kept</div>' } } as Resource;
  return { id: 'x1', versionId: 3, lastUpdated: new Date('2026-01-02T03:04:05.000Z'), stored, storedText: JSON.stringify(stored), isFresh: true, row: null, patientId: null, deleted: false };
}

describe('resources served as stored', () => {
  const serving = resourceDefinitions.filter((definition) => definition.servesStoredWhenFresh);

  it('are the types whose fresh stored JSON is what they serve anyway', () => {
    expect(serving.map((definition) => definition.type).sort()).toEqual([
      'AllergyIntolerance', 'Communication', 'Condition', 'DocumentReference', 'Encounter', 'Immunization', 'Location', 'MedicationRequest',
      'MedicationStatement', 'Organization', 'Patient', 'Practitioner', 'PractitionerRole', 'Slot',
    ]);
    for (const definition of serving) {
      const candidate = freshCandidate(definition.type);
      expect(definition.toResource(candidate, baseUrl), definition.type).toBe(candidate.stored);
    }
  });

  it('send the stored text when fresh, and the presented resource otherwise', () => {
    const patient = resourceDefinitions.find((definition) => definition.type === 'Patient')!;
    const fresh = freshCandidate('Patient');
    expect(presentForSending(patient, fresh, baseUrl)).toEqual(new StoredJson(fresh.storedText!));
    const observation = resourceDefinitions.find((definition) => definition.type === 'Observation')!;
    expect(presentForSending(observation, { ...freshCandidate('Observation'), row: null }, baseUrl)).not.toBeInstanceOf(StoredJson);
    const communication = resourceDefinitions.find((definition) => definition.type === 'Communication')!;
    const stale = { ...freshCandidate('Communication'), isFresh: false };
    expect(presentForSending(communication, stale, baseUrl)).toEqual({ ...stale.stored, id: 'x1', meta: { versionId: '3', lastUpdated: '2026-01-02T03:04:05.000Z' } });
  });

  it('splice into a Bundle as the same JSON a plain serialization gives', () => {
    const stored = JSON.stringify({ resourceType: 'Patient', id: 'p1', name: [{ family: 'Ng "Quoted" \u00e9' }] }, null, 1);
    const bundle = {
      resourceType: 'Bundle', type: 'searchset', total: 2, link: [{ relation: 'self', url: `${baseUrl}/Patient` }],
      entry: [
        { fullUrl: `${baseUrl}/Patient/p1`, resource: new StoredJson(stored) as unknown as Resource, search: { mode: 'match' } },
        { fullUrl: `${baseUrl}/Patient/p2`, resource: { resourceType: 'Patient', id: 'p2' }, search: { mode: 'match' } },
        { resource: new StoredJson('{"resourceType":"Patient","id":"p3"}') as unknown as Resource },
      ],
    } as Bundle;
    const text = bundleText(bundle);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(bundle)));
    expect(JSON.parse(text).entry[0].resource.name[0].family).toBe('Ng "Quoted" \u00e9');
    expect(text).toContain(stored);
    expect(JSON.parse(bundleText({ resourceType: 'Bundle', type: 'searchset', entry: [] }))).toEqual({ resourceType: 'Bundle', type: 'searchset', entry: [] });
  });
});
