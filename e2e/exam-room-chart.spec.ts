import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newStaffContext, openClinic, signIn, snap, staffApi, type Clinic, type StaffApi } from './fixtures.js';

let clinic: Clinic;
beforeAll(async () => {
  clinic = await openClinic({ patients: 10 });
});
afterAll(() => clinic?.close());

interface OrganizationView { locations: { id: string; timeZone: string }[] }
interface StaffEntry { id: string; username: string }
interface AppointmentType { id: string; name: string }
interface Appointment { id: string; version: number }
interface GrowthChartsAnswer {
  charts: { kind: string; points: { ageMonths: number; value: number; percentile: number | null; z: number | null }[] }[];
}
interface TrendAnswer {
  series: { code: string; points: { interpretation: string | null; components: { code: string; value: number | null; interpretation: string | null }[] }[] }[];
}

const DAY_MS = 86_400_000;
/** The server's (and CDC's) month: 365.25 / 12 days. */
const MONTH_MS = 30.4375 * DAY_MS;

/** One row of a CDC 2000 LMS table in the repository (the published answer key), boys (Sex 1), at an age in months. */
function cdcRow(table: string, ageMonths: number): Record<string, number> {
  const lines = fs.readFileSync(path.resolve('server/src/exam-room/growth/data', `${table}.csv`), 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map(Number);
    if (cells[0] === 1 && cells[1] === ageMonths) return Object.fromEntries(header.map((name, index) => [name, cells[index]!]));
  }
  throw new Error(`No row for ${ageMonths} months in ${table}`);
}

/** A checked-in walk-in with its encounter open: where readings are recorded. */
async function openVisit(frontDesk: StaffApi, ma: StaffApi, patient: Record<string, unknown>, providerUsername: string): Promise<{ patientId: string; encounterId: string }> {
  const manager = await staffApi(clinic, 'manager.wilson');
  const organization = await manager.get<OrganizationView>('/api/organization');
  const { staff } = await manager.get<{ staff: StaffEntry[] }>('/api/staff');
  const provider = staff.find((member) => member.username === providerUsername)!;
  const types = await frontDesk.get<AppointmentType[]>('/api/appointment-types');
  const sick = types.find((type) => type.name === 'Same-day sick')!;
  const registered = await frontDesk.post<{ patient?: { id: string }; id?: string }>('/api/patients', { ...patient, duplicatesReviewed: true });
  const patientId = registered.patient?.id ?? registered.id!;
  const walkIn = await frontDesk.post<Appointment>('/api/appointments/walk-in', {
    patientId, providerId: provider.id, locationId: organization.locations[0]!.id, appointmentTypeId: sick.id, reasonForVisit: 'Check-up',
    isOverbook: true, overbookReason: 'Walk-in fitted between booked visits',
  });
  await frontDesk.post(`/api/appointments/${walkIn.id}/check-in`, { version: walkIn.version, demographicsVerified: true, insuranceCardVerified: true });
  const encounter = await ma.post<{ id: string }>('/api/encounters', { appointmentId: walkIn.id });
  return { patientId, encounterId: encounter.id };
}

async function openChartTab(page: Page, patientId: string, tab: string): Promise<void> {
  await page.goto(`/patients/${patientId}`);
  await page.getByRole('region', { name: 'Patient banner' }).waitFor();
  await page.getByRole('tab', { name: tab }).click();
}

const bannerAllergies = (page: Page) => page.getByRole('region', { name: 'Patient banner' }).getByTestId('allergy-status');

describe('the clinical chart: growth charts, vital trends, allergies in the banner, problems', () => {
  it('plots a two-year-old’s growth on the CDC percentiles with the percentiles and z-scores the tables give', async () => {
    const frontDesk = await staffApi(clinic, 'fd.jones');
    const maApi = await staffApi(clinic, 'ma.lopez');
    // Given Leo, 25 months old, whose weight, length and head circumference were measured at 6.5, 12.5, 18.5 and 24.5 months
    const dateOfBirth = new Date(Date.now() - 25 * MONTH_MS).toISOString().slice(0, 10);
    const { patientId, encounterId } = await openVisit(frontDesk, maApi, { givenName: 'Leo', familyName: 'Tamsworth', dateOfBirth, sexAtBirth: 'male' }, 'dr.nguyen');
    const born = Date.parse(`${dateOfBirth}T00:00:00Z`);
    // at each visit the child is on a known CDC percentile: weight P50→P75→P90→P75, length P50, head P25→P50
    const visits = [
      { age: 6.5, weight: 'P50', length: 'P50', head: 'P25' },
      { age: 12.5, weight: 'P75', length: 'P50', head: 'P50' },
      { age: 18.5, weight: 'P90', length: 'P50', head: 'P50' },
      { age: 24.5, weight: 'P75', length: 'P50', head: 'P50' },
    ];
    const round = (value: number) => Math.round(value * 1000) / 1000;
    for (const visit of visits) {
      await maApi.post(`/api/encounters/${encounterId}/vitals`, {
        effectiveAt: new Date(born + visit.age * MONTH_MS).toISOString(),
        weight: { value: round(cdcRow('wtageinf', visit.age)[visit.weight]!), unit: 'kg' },
        height: { value: round(cdcRow('lenageinf', visit.age)[visit.length]!), unit: 'cm', isLength: true },
        headCircumference: { value: round(cdcRow('hcageinf', visit.age)[visit.head]!), unit: 'cm' },
      });
    }

    // When Maria opens his chart
    const page = await (await newStaffContext(clinic, { width: 1440, height: 1000 })).newPage();
    await signIn(page, 'ma.lopez');
    await page.goto(`/patients/${patientId}`);
    const weightChart = page.getByRole('region', { name: 'Weight-for-age growth chart' });
    await weightChart.waitFor();

    // Then the weight table shows, for each visit, the percentile of the CDC column it was taken from
    const weightRows = weightChart.getByRole('table', { name: 'Weight-for-age percentiles' }).getByRole('row');
    expect(await weightRows.count()).toBe(visits.length + 1);
    const expectedZ: Record<string, string> = { P25: '−0.67', P50: '+0.00', P75: '+0.67', P90: '+1.28' };
    for (const [index, visit] of visits.entries()) {
      const cells = await weightRows.nth(index + 1).getByRole('cell').allInnerTexts();
      expect(cells[2]).toBe(`${cdcRow('wtageinf', visit.age)[visit.weight]!.toFixed(1)} kg`);
      expect(cells[3]).toBe(`${visit.weight.slice(1)}.0`);
      expect(cells[4]).toBe(expectedZ[visit.weight]);
    }
    const headRows = page.getByRole('table', { name: 'Head circumference-for-age percentiles' }).getByRole('row');
    expect((await headRows.nth(1).getByRole('cell').allInnerTexts())[3]).toBe('25.0');
    const lengthRows = page.getByRole('table', { name: 'Length/stature-for-age percentiles' }).getByRole('row');
    expect((await lengthRows.nth(4).getByRole('cell').allInnerTexts()).slice(3)).toEqual(['50.0', '+0.00']);

    // and the chart draws the nine percentile curves and the child's four points on them
    const curves = weightChart.locator('.recharts-line');
    expect(await curves.count()).toBe(10);
    expect(await weightChart.locator('.recharts-line-dots circle').count()).toBe(visits.length);
    for (const label of ['P3', 'P50', 'P97']) expect(await weightChart.locator('text', { hasText: new RegExp(`^${label}$`) }).count()).toBe(1);
    // and the BMI-for-age table agrees with the server's answer (BMI is derived at the 24.5-month visit)
    const growth = await maApi.get<GrowthChartsAnswer>(`/api/patients/${patientId}/growth-charts`);
    const bmi = growth.charts.find((chart) => chart.kind === 'bmi-for-age')!;
    expect(bmi.points.length).toBeGreaterThan(0);
    const measured = bmi.points.filter((point) => point.percentile !== null);
    expect(measured.length).toBeGreaterThan(0);
    const bmiRows = page.getByRole('table', { name: 'BMI-for-age percentiles' }).getByRole('row');
    expect(await bmiRows.count()).toBe(bmi.points.length + 1);
    const lastBmi = await bmiRows.nth(bmi.points.length).getByRole('cell').allInnerTexts();
    expect(lastBmi[3]).toBe(measured.at(-1)!.percentile!.toFixed(1));
    await snap(page, 'chart-01-child-growth-charts');
    await page.getByRole('region', { name: 'Weight-for-age growth chart' }).screenshot({ path: path.resolve('test-results/screenshots/chart-02-child-weight-for-age.png') });
  });

  it('shows an adult’s blood pressure trend with abnormal and critical readings marked, and keeps allergies in the banner', async () => {
    const frontDesk = await staffApi(clinic, 'fd.jones');
    const maApi = await staffApi(clinic, 'ma.lopez');
    // Given Mrs Whitcombe's blood pressure over the past year, one reading critical months ago
    const { patientId, encounterId } = await openVisit(frontDesk, maApi, { givenName: 'Agnes', familyName: 'Whitcombe', dateOfBirth: '1961-06-02', sexAtBirth: 'female' }, 'dr.patel');
    const readings = [
      { daysAgo: 330, systolic: 118, diastolic: 76, weight: 71.2 },
      { daysAgo: 240, systolic: 142, diastolic: 91, weight: 72.0 },
      { daysAgo: 150, systolic: 184, diastolic: 122, weight: 72.6 },
      { daysAgo: 60, systolic: 131, diastolic: 84, weight: 73.1 },
      { daysAgo: 2, systolic: 124, diastolic: 79, weight: 72.4 },
    ];
    for (const reading of readings) {
      await maApi.post(`/api/encounters/${encounterId}/vitals`, {
        effectiveAt: new Date(Date.now() - reading.daysAgo * DAY_MS).toISOString(),
        bloodPressure: { systolic: reading.systolic, diastolic: reading.diastolic, position: 'sitting', arm: 'left' },
        pulse: 72, weight: { value: reading.weight, unit: 'kg' }, height: { value: 162, unit: 'cm' },
      });
    }
    const trends = await maApi.get<TrendAnswer>(`/api/patients/${patientId}/vitals`);
    const bloodPressure = trends.series.find((series) => series.code === '85354-9')!;
    const flagged = (critical: boolean) => bloodPressure.points.flatMap((point) => point.components)
      .filter((component) => component.interpretation && component.interpretation !== 'N' && ['LL', 'HH', 'AA'].includes(component.interpretation) === critical).length;
    expect(flagged(true)).toBeGreaterThan(0);

    // When Maria opens her chart
    const page = await (await newStaffContext(clinic, { width: 1440, height: 1000 })).newPage();
    await signIn(page, 'ma.lopez');
    await page.goto(`/patients/${patientId}`);
    const bpChart = page.getByRole('region', { name: 'Blood pressure trend' });
    await bpChart.waitFor();
    // Then she sees no growth charts for an adult, and a blood-pressure chart with both lines and units
    expect(await page.getByRole('region', { name: 'Growth charts' }).count()).toBe(0);
    expect(await bpChart.innerText()).toContain('mmHg');
    expect(await bpChart.locator('.recharts-line').count()).toBe(2);
    // with the server's abnormal and critical readings marked on the lines
    expect(await bpChart.locator('[data-reading="critical"]').count()).toBe(flagged(true));
    expect(await bpChart.locator('[data-reading="abnormal"]').count()).toBe(flagged(false));
    const table = bpChart.getByRole('table', { name: 'Blood pressure readings' });
    expect(await table.getByRole('row').nth(1).innerText()).toContain('124/79 mmHg');
    expect(await table.getByRole('row').filter({ hasText: '184/122 mmHg' }).innerText()).toMatch(/Critically high/i);
    expect(await page.getByRole('region', { name: 'Weight trend' }).innerText()).toContain('72.4 kg (159.6 lb)');
    await snap(page, 'chart-03-adult-vital-trends');
    await bpChart.screenshot({ path: path.resolve('test-results/screenshots/chart-04-adult-blood-pressure-trend.png') });

    // When she records "no known drug allergies"
    expect(await bannerAllergies(page).innerText()).toBe('Allergies not recorded');
    await page.getByRole('tab', { name: 'Allergies' }).click();
    await page.getByRole('button', { name: 'No known drug allergies' }).click();
    // Then the banner says NKDA with who stated it, and the allergy tab says who and when
    await expect.poll(() => bannerAllergies(page).innerText()).toMatch(/^Allergies: NKDA \(stated by Maria Lopez/);
    expect(await page.getByTestId('allergy-statement').innerText()).toContain('No known drug allergies');
    expect(await page.getByRole('region', { name: 'Allergies' }).innerText()).toMatch(/Stated by Maria Lopez, \d{2}\/\d{2}\/\d{4}/);
    await snap(page, 'chart-05-nkda');

    // When the patient then remembers a penicillin allergy
    await page.getByRole('button', { name: 'Add allergy' }).click();
    await page.getByLabel(/^Substance( \*)?$/).fill('Penicillin G');
    await page.getByLabel('Code system').selectOption({ label: 'RxNorm (medication)' });
    await page.getByLabel('Substance code').fill('7980');
    await page.getByLabel('Reaction').fill('Hives');
    await page.getByLabel('Severity').selectOption('moderate');
    await page.getByRole('button', { name: 'Record allergy' }).click();
    // Then the banner shows the substance instead of NKDA, everywhere the patient appears
    await expect.poll(() => bannerAllergies(page).innerText()).toBe('Allergies: Penicillin G');
    const allergyRow = page.getByRole('table', { name: 'Allergy list' }).getByRole('row').filter({ hasText: 'Penicillin G' });
    expect(await allergyRow.innerText()).toMatch(/RxNorm 7980[\s\S]*Hives[\s\S]*moderate/i);
    await snap(page, 'chart-06-allergy-in-banner');
  });

  it('lets the MA record a patient-reported problem, refuses her confirming it, and lets the provider confirm it', async () => {
    const frontDesk = await staffApi(clinic, 'fd.jones');
    const maApi = await staffApi(clinic, 'ma.lopez');
    const { patientId } = await openVisit(frontDesk, maApi, { givenName: 'Ivor', familyName: 'Pendleby', dateOfBirth: '1970-02-11', sexAtBirth: 'male' }, 'np.garcia');
    await maApi.post(`/api/patients/${patientId}/medications`, { listVersion: 0, medication: { name: 'Lisinopril 10 mg tablet', rxnormCode: '314076', dose: '10 mg', route: 'by mouth', frequency: 'once daily' } });

    // Given Maria, an MA, on Mr Pendleby's problem list
    const ma = await (await newStaffContext(clinic, { width: 1280, height: 900 })).newPage();
    await signIn(ma, 'ma.lopez');
    await openChartTab(ma, patientId, 'Problems');
    // When she records what he reports
    await ma.getByRole('button', { name: 'Add patient-reported problem' }).click();
    await ma.getByLabel('Problem in the patient’s words').fill('High blood pressure');
    await ma.getByLabel(/^Since/).fill('2019');
    await ma.getByRole('button', { name: 'Record problem' }).click();
    const problemRow = ma.getByRole('table', { name: 'Problem list' }).getByRole('row').filter({ hasText: 'High blood pressure' });
    await problemRow.waitFor();
    // Then it is patient-reported and she is offered no "Confirm diagnosis"
    expect(await problemRow.innerText()).toMatch(/Patient-reported[\s\S]*Reported by Maria Lopez/i);
    expect(await ma.getByRole('button', { name: 'Confirm diagnosis' }).count()).toBe(0);
    await snap(ma, 'chart-07-ma-problem-no-confirm');
    // and the API refuses her confirming it (scope of practice)
    const { problems } = await maApi.get<{ problems: { id: string; version: number }[] }>(`/api/patients/${patientId}/problems`);
    const problem = problems[0]!;
    await expect(maApi.post(`/api/problems/${problem.id}/confirm`, { version: problem.version, code: { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' } }))
      .rejects.toThrow(/answered 403/);

    // When someone else reconciles the medication list while Maria has it open
    await ma.getByRole('tab', { name: 'Medications' }).click();
    await ma.getByLabel('Reconcile Lisinopril 10 mg tablet').selectOption('taking');
    const other = await staffApi(clinic, 'ma.kim');
    const list = await other.get<{ listVersion: number; medications: { id: string }[] }>(`/api/patients/${patientId}/medications`);
    await other.post(`/api/patients/${patientId}/medications/reconciliation`, { listVersion: list.listVersion, items: [{ medicationId: list.medications[0]!.id, reconciliation: 'not-taking', note: 'Stopped last month' }] });
    await ma.getByRole('button', { name: 'Save reconciliation' }).click();
    // Then she is told the list changed under her and to reload
    const conflict = ma.getByTestId('version-conflict');
    await conflict.waitFor();
    expect(await conflict.innerText()).toMatch(/Someone else changed this medication list[\s\S]*reload/i);
    await snap(ma, 'chart-08-medication-list-conflict');
    await conflict.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => ma.getByRole('table', { name: 'Medication list' }).innerText()).toMatch(/Not taking[\s\S]*Daniel Kim/i);

    // When Lucia Garcia, the nurse practitioner, opens the problem list
    const provider = await (await newStaffContext(clinic, { width: 1280, height: 900 })).newPage();
    await signIn(provider, 'np.garcia');
    await openChartTab(provider, patientId, 'Problems');
    await provider.getByRole('button', { name: 'Confirm diagnosis' }).click();
    const dialog = provider.getByRole('dialog', { name: 'Confirm diagnosis' });
    await dialog.getByLabel('Diagnosis code').fill('I10');
    await dialog.getByRole('button', { name: 'Confirm diagnosis' }).click();
    // Then it is a confirmed diagnosis with who confirmed it
    const confirmedRow = provider.getByRole('table', { name: 'Problem list' }).getByRole('row').filter({ hasText: 'High blood pressure' });
    await expect.poll(() => confirmedRow.innerText()).toMatch(/ICD-10-CM I10[\s\S]*Confirmed diagnosis[\s\S]*Confirmed by Lucia Garcia/i);
    expect(await provider.getByRole('button', { name: 'Confirm diagnosis' }).count()).toBe(0);
    await snap(provider, 'chart-09-provider-confirmed-diagnosis');
  });
  it('records histories, tobacco pack-years and a historical immunization on a tablet', async () => {
    const frontDesk = await staffApi(clinic, 'fd.jones');
    const maApi = await staffApi(clinic, 'ma.lopez');
    const { patientId } = await openVisit(frontDesk, maApi, { givenName: 'Rosalind', familyName: 'Achterberg', dateOfBirth: '1958-09-30', sexAtBirth: 'female' }, 'dr.patel');
    const page = await (await newStaffContext(clinic, { width: 768, height: 1024 })).newPage();
    await signIn(page, 'ma.kim');
    await openChartTab(page, patientId, 'Histories');

    // When Daniel records her mother's type 2 diabetes
    await page.getByRole('button', { name: 'Add history' }).click();
    await page.getByLabel('History', { exact: true }).selectOption('family');
    await page.getByLabel(/^Description/).fill('Type 2 diabetes');
    await page.getByLabel('Relative').selectOption('mother');
    await page.getByRole('button', { name: 'Add to history' }).click();
    const family = page.getByRole('group', { name: 'Family history' });
    await expect.poll(() => family.innerText()).toMatch(/Mother: Type 2 diabetes/);

    // and that she smoked a pack and a half a day for 20 years and quit in 2010
    await page.getByRole('button', { name: 'Edit tobacco and alcohol' }).click();
    await page.getByLabel('Tobacco', { exact: true }).selectOption('former');
    await page.getByLabel('Packs per day').fill('1.5');
    await page.getByLabel('Years smoked').fill('20');
    await page.getByLabel('Quit year').fill('2010');
    await page.getByLabel('Alcohol drinks per week').fill('3');
    await page.getByRole('button', { name: 'Save social history' }).click();
    // Then the server's pack-years (1.5 × 20) are shown
    await expect.poll(() => page.getByTestId('tobacco-summary').innerText().catch(() => '')).toBe('Former smoker · 30 pack-years · quit 2010');
    expect(await page.getByRole('group', { name: 'Tobacco and alcohol' }).innerText()).toContain('3 drinks per week');
    await snap(page, 'chart-10-tablet-histories');

    // When he records a tetanus booster from her old card, with a typo in the date first
    await page.getByRole('tab', { name: 'Immunizations' }).click();
    await page.getByRole('button', { name: 'Add historical immunization' }).click();
    await page.getByLabel('Vaccine').selectOption('115');
    await page.getByLabel(/^Given on/).fill('2019-13');
    await page.getByRole('button', { name: 'Record immunization' }).click();
    // Then the field says what is wrong
    await expect.poll(() => page.getByRole('form', { name: 'Record historical immunization' }).innerText()).toMatch(/not a real date/i);
    await page.getByLabel(/^Given on/).fill('2019-03');
    await page.getByRole('button', { name: 'Record immunization' }).click();
    const history = page.getByRole('table', { name: 'Immunization history' });
    await history.waitFor();
    expect(await history.innerText()).toMatch(/CVX 115[\s\S]*03\/2019[\s\S]*Another provider/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snap(page, 'chart-11-tablet-immunizations');
  });
});
