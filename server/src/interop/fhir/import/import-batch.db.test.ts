import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpFhir, type FhirTestSetup } from '../fhir-test-setup.js';
import { commandLineImportContext } from '../../index.js';
import { importUnit, type ImportUnit, type UnitResult } from './import-unit.js';

// The batch write path of imports (Observations, Encounters, medications, immunizations, problems in multi-row statements) must store
// exactly what the one-by-one path (createResource → writeMapped → saveObservation) stores.

const bundleDir = fileURLToPath(new URL('../../../../test/fixtures/fhir/synthea/r4-bundles/', import.meta.url));
const file = readdirSync(bundleDir).find((name) => name.startsWith('Marcos'))!;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

const LOINC = 'http://loinc.org';
const vitalSigns = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** The Synthea bundle plus readings that exercise the rules: a critical BP taken just now, an implausible heart rate, an unknown encounter, a value that is absent. */
function bundleText(): string {
  const bundle = JSON.parse(readFileSync(join(bundleDir, file), 'utf8')) as { entry: Array<{ fullUrl?: string; resource: Record<string, unknown> }> };
  const patient = bundle.entry.find((entry) => entry.resource.resourceType === 'Patient')!;
  const encounter = bundle.entry.find((entry) => entry.resource.resourceType === 'Encounter')!;
  const subject = { reference: patient.fullUrl };
  const extra: Array<Record<string, unknown>> = [
    {
      resourceType: 'Observation', id: randomUUID(), status: 'final', category: vitalSigns, subject, encounter: { reference: encounter.fullUrl }, effectiveDateTime: minutesAgo(10),
      code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel' }] },
      component: [
        { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: 250, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: 135, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      ],
    },
    {
      resourceType: 'Observation', id: randomUUID(), status: 'final', category: vitalSigns, subject, effectiveDateTime: minutesAgo(20),
      code: { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }] }, valueQuantity: { value: 900, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    },
    {
      resourceType: 'Observation', id: randomUUID(), status: 'final', category: vitalSigns, subject, encounter: { reference: `Encounter/${randomUUID()}` }, effectiveDateTime: minutesAgo(30),
      code: { coding: [{ system: LOINC, code: '8867-4', display: 'Heart rate' }] }, valueQuantity: { value: 80, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    },
    {
      resourceType: 'Observation', id: randomUUID(), status: 'final', category: vitalSigns, subject, effectiveDateTime: minutesAgo(40),
      code: { coding: [{ system: LOINC, code: '8310-5', display: 'Body temperature' }] }, dataAbsentReason: { text: 'Patient refused' },
    },
    {
      resourceType: 'Observation', id: randomUUID(), status: 'final', category: vitalSigns, subject, effectiveDateTime: minutesAgo(50),
      code: { coding: [{ system: LOINC, code: '8310-5', display: 'Body temperature' }] }, valueQuantity: { value: 101.3, unit: '[degF]', system: 'http://unitsofmeasure.org', code: '[degF]' },
    },
  ];
  bundle.entry.push(...extra.map((resource) => ({ fullUrl: `urn:uuid:${String(resource.id)}`, resource })));
  return JSON.stringify(bundle);
}

/** The same bundle with every UUID replaced by a fresh one (another patient, same content), and the way back. */
function copyOf(text: string): { text: string; back: Map<string, string> } {
  const fresh = new Map<string, string>();
  const copied = text.replace(UUID, (uuid) => {
    if (!fresh.has(uuid)) fresh.set(uuid, randomUUID());
    return fresh.get(uuid)!;
  });
  return { text: copied, back: new Map([...fresh].map(([from, to]) => [to, from])) };
}

let setup: FhirTestSetup;
beforeAll(async () => {
  setup = await setUpFhir();
});
afterAll(() => setup.t.close());

const unitOf = (label: string, text: string): ImportUnit => {
  const bundle = JSON.parse(text) as { entry: Array<{ fullUrl?: string; resource: unknown }> };
  return { label, entries: bundle.entry.map((entry) => ({ fullUrl: entry.fullUrl, resource: entry.resource })) };
};

/** Everything the import stored for the bundle's resources, with server-made ids (row ids, times) replaced by what they stand for. */
async function snapshot(ids: string[], back: Map<string, string>) {
  const db = setup.t.db;
  const organizationId = setup.organizationId;
  const stored = await db.selectFrom('fhirResources').selectAll().where('organizationId', '=', organizationId).where('id', 'in', ids).execute();
  // A row id (or patient row id) reads as the FHIR resource it sits beside.
  const rowName = new Map<string, string>();
  const original = (id: string) => id.replace(UUID, (uuid) => back.get(uuid) ?? uuid);
  for (const resource of stored) {
    if (resource.rowId) rowName.set(resource.rowId, `row of ${resource.resourceType}/${original(resource.id)}`);
    if (resource.patientId) rowName.set(resource.patientId, `row of Patient/${original(resource.id)}`);
  }
  const patientRowId = stored.find((resource) => resource.resourceType === 'Patient')!.patientId!;
  const normalise = (value: unknown) => JSON.parse(JSON.stringify(value ?? null).replace(UUID, (uuid) => rowName.get(uuid) ?? back.get(uuid) ?? uuid)) as unknown;
  const withoutTimes = <T extends Record<string, unknown>>(row: T, ...keys: string[]) => Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));
  const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(normalise(row))).sort();

  const observations = await db.selectFrom('observations').selectAll().where('patientId', '=', patientRowId).execute();
  const encounters = await db.selectFrom('encounters').selectAll().where('patientId', '=', patientRowId).execute();
  const medications = await db.selectFrom('medications').selectAll().where('patientId', '=', patientRowId).execute();
  const medicationList = await db.selectFrom('medicationLists').select('version').where('patientId', '=', patientRowId).executeTakeFirst();
  const immunizations = await db.selectFrom('immunizations').selectAll().where('patientId', '=', patientRowId).execute();
  const problems = await db.selectFrom('problems').selectAll().where('patientId', '=', patientRowId).execute();
  const rowIds = [...problems.map((row) => row.id), ...observations.map((row) => row.id), ...encounters.map((row) => row.id), ...medications.map((row) => row.id), ...immunizations.map((row) => row.id), patientRowId];
  const audit = await db.selectFrom('auditEvents').select(['action', 'outcome', 'recordType', 'recordId', 'patientId', 'details', 'actorKind', 'actorId'])
    .where('recordId', 'in', [...ids, ...rowIds]).execute();
  const history = await db.selectFrom('fhirResourceHistory').select(['resourceType', 'id', 'versionId', 'resource']).where('organizationId', '=', organizationId).where('id', 'in', ids).execute();
  const alerts = await db.selectFrom('vitalAlerts').select('id').where('patientId', '=', patientRowId).execute();
  return {
    resources: sorted(stored.map((resource) => {
      const { meta, ...content } = resource.resource as unknown as { meta: { lastUpdated?: string } } & Record<string, unknown>;
      return { ...withoutTimes(resource, 'lastUpdated', 'resource', 'organizationId'), resource: { ...content, meta: { ...meta, lastUpdated: 'when stored' } } };
    })),
    history: sorted(history.map((row) => ({ ...row, resource: { ...(row.resource as object), meta: { ...((row.resource as { meta: object }).meta), lastUpdated: 'when stored' } } }))),
    observations: sorted(observations.map((row) => withoutTimes(row, 'recordedAt'))),
    encounters: sorted(encounters.map((row) => withoutTimes(row, 'createdAt', 'updatedAt'))),
    medications: sorted(medications.map((row) => withoutTimes(row, 'recordedAt'))),
    medicationListVersion: medicationList?.version ?? null,
    immunizations: sorted(immunizations.map((row) => withoutTimes(row, 'recordedAt'))),
    problems: sorted(problems.map((row) => withoutTimes(row, 'reportedAt'))),
    // The second copy's Patient is (rightly) a possible duplicate of the first: that warning is about the test, not the path.
    audit: sorted(audit.map((entry) => (entry.recordType === 'Patient' ? { ...entry, details: { ...(entry.details as object), warnings: undefined } } : entry))),
    alerts: alerts.length,
  };
}

describe('import: the batch write path', () => {
  it('stores the same rows, JSON, interpretations, history and audit entries as the one-by-one path, refusing the same resources', async () => {
    const context = { ...commandLineImportContext(setup.organizationId), source: 'import' as const };
    const original = bundleText();
    const batched = copyOf(original);
    const oneByOne = copyOf(original);
    const ids = (text: string) => (JSON.parse(text) as { entry: Array<{ resource: { id: string } }> }).entry.map((entry) => entry.resource.id);

    const batchResult: UnitResult = await importUnit(setup.t.db, context, unitOf('batch', batched.text));
    const singleResult: UnitResult = await importUnit(setup.t.db, context, unitOf('one by one', oneByOne.text), { batch: false });

    // The same counts and the same refusals (with the element path), named by the original ids.
    const named = (result: UnitResult, back: Map<string, string>) => ({ ...result, failed: result.failed.map((failure) => normaliseFailure(failure, back)) });
    expect(named(batchResult, batched.back)).toEqual({ ...named(singleResult, oneByOne.back) });
    expect(batchResult.loaded.Observation).toBeGreaterThan(40);
    expect(batchResult.failed.map((failure) => failure.expression)).toEqual(expect.arrayContaining([['Observation.valueQuantity.value'], ['Observation.encounter']]));

    const fromBatch = await snapshot(ids(batched.text), batched.back);
    const fromSingle = await snapshot(ids(oneByOne.text), oneByOne.back);
    expect(fromBatch.observations.length).toBeGreaterThan(40);
    expect(fromBatch.encounters.length).toBeGreaterThan(0);
    expect(fromBatch.medications.length).toBeGreaterThan(0);
    expect(fromBatch.immunizations.length).toBeGreaterThan(0);
    expect(fromBatch.problems.length).toBeGreaterThan(0);
    expect(fromBatch).toEqual(fromSingle);
    // The critical BP is interpreted (critical) but raises no alert: imports are history.
    expect(fromBatch.observations.some((row) => row.includes('"isCritical":true'))).toBe(true);
    expect(fromBatch.alerts).toBe(0);
    // A reading whose value is absent is kept as sent (no row); the rows carry the import as their source.
    expect(fromBatch.resources.find((row) => row.includes('Patient refused'))).toContain('"rowId":null');
    expect(fromBatch.encounters.every((row) => row.includes('"source":"import"'))).toBe(true);
  });
});

function normaliseFailure(failure: UnitResult['failed'][number], back: Map<string, string>) {
  return JSON.parse(JSON.stringify({ ...failure, label: 'unit' }).replace(UUID, (uuid) => back.get(uuid) ?? uuid)) as unknown;
}
