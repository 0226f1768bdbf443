import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpFhir, type FhirTestSetup } from '../fhir-test-setup.js';

const bundle = fileURLToPath(new URL('../../../../test/fixtures/fhir/synthea/r4-bundles/Edward_Gulgowski_43481611-2459-44f5-ab20-4b142dac160f.json', import.meta.url));

let setup: FhirTestSetup;
beforeAll(async () => {
  setup = await setUpFhir();
});
afterAll(() => setup.t.close());

describe('admin import API', () => {
  it('takes the files, answers a job id, and reports progress then the summary', async () => {
    const manager = await setup.staff('manager');
    const started = await manager({ method: 'POST', url: '/api/interop/imports', payload: { files: [{ name: 'edward.json', content: readFileSync(bundle, 'utf8') }] } });
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json() as { id: string };
    let job: { status: string; progress: { resources: number; patients: number }; summary: { loaded: Record<string, number>; skipped: Record<string, Record<string, number>> } | null } | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      job = (await manager({ method: 'GET', url: `/api/interop/imports/${id}` })).json();
      if (job!.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(job!.status).toBe('completed');
    const entries = (JSON.parse(readFileSync(bundle, 'utf8')) as { entry: unknown[] }).entry.length;
    expect(job!.progress.resources).toBe(entries);
    expect(job!.progress.patients).toBe(1);
    expect(job!.summary!.loaded.Patient).toBe(1);
    expect(await setup.t.db.selectFrom('patients').select('id').where('id', '=', '4ef9f896-10bc-4479-acd6-1153e7318f14').execute()).toHaveLength(1);
  });

  it('refuses roles without fhir.import, and files that are not .json or .ndjson with the field named', async () => {
    const ma = await setup.staff('medical-assistant');
    expect((await ma({ method: 'POST', url: '/api/interop/imports', payload: { files: [{ name: 'a.json', content: '{}' }] } })).statusCode).toBe(403);
    const admin = await setup.staff('admin');
    const wrong = await admin({ method: 'POST', url: '/api/interop/imports', payload: { files: [{ name: 'notes.txt', content: 'x' }] } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('files.0.name');
  });
});
