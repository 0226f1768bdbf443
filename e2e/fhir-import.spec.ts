import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Observation, Patient, Task } from '@medplum/fhirtypes';
import { newStaffContext, openClinic, signIn, snap, staffApi, type Clinic } from './fixtures.js';

let clinic: Clinic;
beforeAll(async () => {
  clinic = await openClinic({ patients: 10 });
});
afterAll(() => clinic?.close());

/** One Synthea patient (R4 transaction Bundle); his blood pressure was high in 2012–2018. */
const bundleFile = path.resolve('server/test/fixtures/fhir/synthea/r4-bundles/Edward_Gulgowski_43481611-2459-44f5-ab20-4b142dac160f.json');
const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8')) as Bundle;
const resources = bundle.entry!.map((entry) => entry.resource!);
const patient = resources.find((resource): resource is Patient => resource.resourceType === 'Patient')!;
const officialName = patient.name!.find((name) => name.use === 'official') ?? patient.name![0]!;
const given = officialName.given![0]!;
const family = officialName.family!;
const countOf = (type: string) => resources.filter((resource) => resource.resourceType === type).length;

const LOINC = 'http://loinc.org';
const observationsCoded = (code: string) => resources
  .filter((resource): resource is Observation => resource.resourceType === 'Observation' && resource.code.coding!.some((coding) => coding.system === LOINC && coding.code === code))
  .sort((a, b) => b.effectiveDateTime!.localeCompare(a.effectiveDateTime!));
const componentValue = (observation: Observation, code: string) => observation.component!.find((component) => component.code.coding!.some((coding) => coding.code === code))!.valueQuantity!.value!;

/** The chart's date format (MM/DD/YYYY) in the browser's zone. */
const chartDate = (iso: string, timeZone: string) => new Date(iso).toLocaleDateString('en-US', { month: '2-digit', day: '2-digit', year: 'numeric', timeZone });

describe('importing a Synthea patient from the admin screen', () => {
  it('loads the bundle with a progress display, and the MA finds the patient with his vitals on the trend charts and no urgent tasks', async () => {
    // Given Robert, the practice manager, on "Import records"
    const managerContext = await newStaffContext(clinic, { width: 1280, height: 900 });
    const manager = await managerContext.newPage();
    await signIn(manager, 'manager.wilson');
    await manager.getByRole('link', { name: 'Import records' }).click();
    await manager.getByRole('heading', { name: 'Import records' }).waitFor();

    // When he chooses one Synthea patient bundle and imports it
    await manager.locator('input[type="file"]').setInputFiles(bundleFile);
    expect(await manager.getByRole('button', { name: 'Import' }).isEnabled()).toBe(true);
    await manager.getByRole('button', { name: 'Import' }).click();

    // Then the progress display reaches its summary with what was loaded
    const status = manager.locator('[aria-live="polite"]').filter({ hasText: /resources\/s/ });
    await expect.poll(() => status.innerText().catch(() => ''), { timeout: 60_000 }).toMatch(new RegExp(`^Done: 1 patient, ${resources.length} resources \\(`));
    const summary = manager.getByRole('table', { name: 'Import summary' });
    await summary.waitFor();
    const loaded = await summary.getByRole('row').filter({ hasText: /^Loaded/ }).innerText();
    for (const type of ['Patient', 'Encounter', 'Observation', 'Immunization', 'Condition']) {
      expect(loaded).toContain(`${type} ${countOf(type).toLocaleString('en-US')}`);
    }
    const failedRow = await summary.getByRole('row').filter({ hasText: /^Failed/ }).innerText();
    expect(failedRow).toMatch(/^Failed\s+0\b/);
    expect(await manager.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow')).toBe('100');
    await snap(manager, 'import-01-synthea-summary');

    // When Maria, a medical assistant, searches for him by name and opens his chart
    const maContext = await newStaffContext(clinic, { width: 1440, height: 1000 });
    const ma = await maContext.newPage();
    await signIn(ma, 'ma.lopez');
    await ma.getByRole('link', { name: 'Patients' }).click();
    await ma.getByLabel('Search patients').fill(`${given} ${family}`);
    const results = ma.getByRole('table', { name: 'Patient search results' });
    await expect.poll(async () => (await results.isVisible()) && (await results.innerText()).includes(`${family}, ${given}`), { timeout: 30_000 }).toBe(true);
    await results.getByRole('row').filter({ hasText: `${family}, ${given}` }).first().click();
    await ma.waitForURL(/\/patients\/[0-9a-f-]{36}$/);
    const patientId = ma.url().split('/').at(-1)!;
    expect(await ma.getByRole('region', { name: 'Patient banner' }).innerText()).toContain(given);
    await ma.getByRole('tab', { name: 'Vitals & growth' }).click();
    const timeZone = await ma.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);

    // Then the weight trend shows every imported weight, newest first, and draws a point for each
    const weights = observationsCoded('29463-7');
    expect(weights.length).toBeGreaterThan(1);
    const weightChart = ma.getByRole('region', { name: 'Weight trend' });
    await weightChart.waitFor();
    const weightRows = weightChart.getByRole('table', { name: 'Weight readings' }).getByRole('row');
    expect(await weightRows.count()).toBe(Math.min(weights.length, 6) + 1);
    for (const [index, weight] of weights.slice(0, 6).entries()) {
      const cells = await weightRows.nth(index + 1).getByRole('cell').allInnerTexts();
      expect(cells[0]).toBe(chartDate(weight.effectiveDateTime!, timeZone));
      expect(cells[1]).toBe(`${weight.valueQuantity!.value!.toFixed(1)} kg (${(weight.valueQuantity!.value! / 0.45359237).toFixed(1)} lb)`);
    }
    expect(await weightChart.locator('.recharts-line-dots circle').count()).toBe(weights.length);

    // and the BMI as sent (not recomputed)
    const bmis = observationsCoded('39156-5');
    const bmiChart = ma.getByRole('region', { name: 'BMI trend' });
    const bmiRows = bmiChart.getByRole('table', { name: 'BMI readings' }).getByRole('row');
    expect(await bmiRows.count()).toBe(Math.min(bmis.length, 6) + 1);
    for (const [index, bmi] of bmis.slice(0, 6).entries()) {
      expect((await bmiRows.nth(index + 1).getByRole('cell').allInnerTexts())[1]).toBe(`${bmi.valueQuantity!.value!.toFixed(1)} kg/m²`);
    }
    expect(await bmiChart.locator('.recharts-line-dots circle').count()).toBe(bmis.length);

    // and the blood pressure (Synthea's panel 55284-4) as systolic/diastolic lines, in whole mmHg
    const pressures = observationsCoded('55284-4');
    expect(pressures.length).toBeGreaterThan(1);
    const bpChart = ma.getByRole('region', { name: 'Blood pressure trend' });
    expect(await bpChart.locator('.recharts-line').count()).toBe(2);
    expect(await bpChart.locator('.recharts-line-dots circle').count()).toBe(2 * pressures.length);
    const bpRows = bpChart.getByRole('table', { name: 'Blood pressure readings' }).getByRole('row');
    expect(await bpRows.count()).toBe(Math.min(pressures.length, 6) + 1);
    for (const [index, pressure] of pressures.slice(0, 6).entries()) {
      const cells = await bpRows.nth(index + 1).getByRole('cell').allInnerTexts();
      expect(cells[0]).toBe(chartDate(pressure.effectiveDateTime!, timeZone));
      expect(cells[1]).toBe(`${Math.round(componentValue(pressure, '8480-6'))}/${Math.round(componentValue(pressure, '8462-4'))} mmHg`);
    }
    // and a steady reading (his height moved by a millimetre) gets y-axis ticks that read differently
    const heightTicks = await ma.getByRole('region', { name: 'Height trend' }).locator('.recharts-yAxis-tick-labels text').allTextContents();
    expect(heightTicks.length).toBeGreaterThan(1);
    expect(new Set(heightTicks).size).toBe(heightTicks.length);
    await snap(ma, 'import-02-synthea-vital-trends');
    await bpChart.screenshot({ path: path.resolve('test-results/screenshots/import-03-synthea-blood-pressure-trend.png') });

    // and his historical readings (one 182/108, years ago) raised no task for anyone
    const api = await staffApi(clinic, 'manager.wilson');
    const tasks = await api.get<Bundle<Task>>(`/fhir/R4/Task?patient=${patientId}`);
    expect(tasks.resourceType).toBe('Bundle');
    expect(tasks.entry ?? []).toEqual([]);
    for (const username of ['dr.patel', 'dr.nguyen', 'np.garcia']) {
      const provider = await staffApi(clinic, username);
      const inbox = await provider.get<{ tasks: { patient: { id: string } | null; priority: string }[] }>('/api/tasks/mine');
      expect(inbox.tasks.filter((task) => task.patient?.id === patientId)).toEqual([]);
    }
    await managerContext.close();
    await maContext.close();
  });
});
