import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newStaffContext, openClinic, signIn, snap, staffApi, type Clinic } from './fixtures.js';

let clinic: Clinic;
beforeAll(async () => {
  clinic = await openClinic({ patients: 10 });
});
afterAll(() => clinic?.close());

interface OrganizationView { locations: { id: string; timeZone: string }[] }
interface StaffEntry { id: string; username: string }
interface AppointmentType { id: string; name: string }
interface Appointment { id: string; version: number; startsAt: string }

interface WalkInPatient { givenName: string; familyName: string; dateOfBirth: string; sexAtBirth: 'male' | 'female' }

/**
 * A patient walks in to see a provider (Dr Patel unless named) and is checked in at the desk: set up through the API as the
 * front desk would, so each journey starts where the MA's work starts.
 */
async function checkedInWalkIn(person: WalkInPatient, reasonForVisit: string, providerUsername = 'dr.patel'): Promise<{ date: string; appointmentId: string; locationId: string }> {
  const manager = await staffApi(clinic, 'manager.wilson');
  const organization = await manager.get<OrganizationView>('/api/organization');
  const location = organization.locations[0]!;
  const { staff } = await manager.get<{ staff: StaffEntry[] }>('/api/staff');
  const provider = staff.find((member) => member.username === providerUsername)!;
  const frontDesk = await staffApi(clinic, 'fd.jones');
  const types = await frontDesk.get<AppointmentType[]>('/api/appointment-types');
  const sick = types.find((type) => type.name === 'Same-day sick')!;
  const patient = await frontDesk.post<{ patient?: { id: string }; id?: string }>('/api/patients', {
    ...person,
    addressLine1: '9 Lantern Row', city: 'Springfield', state: 'IL', postalCode: '62704', mobilePhone: '217-555-0191',
    emergencyContact: { name: 'Ruth Contact', relationship: 'spouse', phone: '217-555-0192' }, privacyNoticeAcknowledged: true,
    duplicatesReviewed: true,
  });
  const patientId = patient.patient?.id ?? patient.id!;
  const walkIn = await frontDesk.post<Appointment>('/api/appointments/walk-in', {
    patientId, providerId: provider.id, locationId: location.id, appointmentTypeId: sick.id, reasonForVisit,
  });
  await frontDesk.post(`/api/appointments/${walkIn.id}/check-in`, { version: walkIn.version, demographicsVerified: true, insuranceCardVerified: true });
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: location.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(walkIn.startsAt));
  return { date, appointmentId: walkIn.id, locationId: location.id };
}

/** The MA rooms the visit through the API (the first journey does it on the flow board). */
async function roomedWalkIn(person: WalkInPatient, reasonForVisit: string, providerUsername: string): Promise<{ appointmentId: string }> {
  const { appointmentId, locationId } = await checkedInWalkIn(person, reasonForVisit, providerUsername);
  const ma = await staffApi(clinic, 'ma.kim');
  const { rooms } = await ma.get<{ rooms: { id: string; state: string }[] }>(`/api/exam-rooms?locationId=${locationId}`);
  const room = rooms.find((candidate) => candidate.state === 'ready')!;
  const appointment = await ma.get<Appointment>(`/api/appointments/${appointmentId}`);
  await ma.post(`/api/appointments/${appointmentId}/status`, { to: 'roomed', version: appointment.version, roomId: room.id });
  return { appointmentId };
}

const flowRow = (page: Page) => page.getByRole('row').filter({ hasText: 'Osgood' });

/** The text of a PDF, through poppler's pdftotext. */
function pdfText(bytes: Uint8Array): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'avs-')), 'summary.pdf');
  fs.writeFileSync(file, bytes);
  return execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('rooming: vitals with a critical blood pressure, the provider alerted, the after-visit summary printed', () => {
  it('rooms Mr Osgood, alerts Dr Patel within a second, re-measures, hands off and prints the summary', async () => {
    const { date } = await checkedInWalkIn({ givenName: 'Walter', familyName: 'Osgood', dateOfBirth: '1958-03-14', sexAtBirth: 'male' }, 'Headache');
    const viewport = { width: 1440, height: 1000 };
    const ma = await (await newStaffContext(clinic, viewport)).newPage();
    const provider = await (await newStaffContext(clinic, viewport)).newPage();

    // Given Dr Patel has her inbox open in her own browser
    await signIn(provider, 'dr.patel');
    await provider.goto('/inbox');
    await provider.getByTestId('live-indicator').and(provider.locator('[data-state="open"]')).waitFor();
    await snap(provider, 'rooming-01-provider-inbox-before');

    // When Maria, the MA, rooms Mr Osgood from the flow board and opens rooming
    await signIn(ma, 'ma.lopez');
    await ma.goto(`/flow-board?date=${date}`);
    await flowRow(ma).getByRole('button', { name: 'Room', exact: true }).click();
    await ma.getByRole('menuitem').first().click();
    await flowRow(ma).getByRole('link', { name: 'Rooming' }).click();
    await ma.waitForURL(/\/visits\/[^/]+\/rooming$/);
    await ma.getByRole('region', { name: 'Patient banner' }).getByText('Osgood').waitFor();
    await ma.getByLabel('Chief complaint (patient’s words)').fill('My head has been pounding since yesterday.');
    await ma.getByRole('button', { name: 'Save reason for visit' }).click();
    await expect.poll(() => ma.getByRole('button', { name: 'Save reason for visit' }).isDisabled()).toBe(true);
    const firstItem = ma.getByRole('group', { name: 'Rooming checklist' }).getByRole('checkbox').first();
    await firstItem.check();
    await expect.poll(() => firstItem.isChecked()).toBe(true);
    await snap(ma, 'rooming-02-workspace');

    // And enters the vitals in lb, in and °F with a blood pressure of 186/124
    const vitals = ma.getByRole('form', { name: 'Vitals entry' });
    await vitals.getByLabel('Systolic', { exact: true }).fill('186');
    await vitals.getByLabel('Diastolic', { exact: true }).fill('124');
    await vitals.getByLabel('Pulse', { exact: true }).fill('88');
    await vitals.getByLabel('Respirations', { exact: true }).fill('16');
    await vitals.getByLabel('Temperature', { exact: true }).fill('98.6');
    await vitals.getByLabel('SpO2', { exact: true }).fill('97');
    await vitals.getByLabel('Height', { exact: true }).fill('70');
    // (a typo first: 1500 lb is refused and the server's message sits under the Weight field)
    const weight = vitals.getByLabel('Weight', { exact: true });
    await weight.fill('1500');
    await vitals.getByRole('button', { name: 'Save vitals' }).click();
    await expect.poll(() => weight.getAttribute('aria-invalid')).toBe('true');
    const weightError = vitals.getByRole('group', { name: 'Height and weight readings' }).locator('.mantine-TextInput-error');
    expect(await weightError.innerText()).toMatch(/weight|lb|kg/i);
    expect(await ma.getByRole('table', { name: 'Vitals this visit' }).count()).toBe(0);
    await snap(ma, 'rooming-03a-weight-typo-field-error');
    await weight.fill('180');
    expect(await weight.getAttribute('aria-invalid')).not.toBe('true');
    await vitals.getByLabel('Pain (0–10)').selectOption('3');
    // Then BMI is computed as she types (703 × 180 / 70² = 25.8), never typed
    await expect.poll(() => vitals.getByTestId('bmi-preview').innerText()).toContain('25.8');
    await snap(ma, 'rooming-03-vitals-typed');

    const saved = ma.waitForResponse((response) => /\/api\/encounters\/[^/]+\/vitals$/.test(response.url()) && response.request().method() === 'POST');
    await vitals.getByRole('button', { name: 'Save vitals' }).click();
    const answer = await saved;
    expect(answer.status()).toBe(201);

    // Then Dr Patel's inbox shows the urgent task within a second of the answer, without reloading
    const urgentTask = provider.getByRole('table', { name: 'Tasks' }).getByRole('row').filter({ hasText: 'Critical vital sign' });
    await urgentTask.waitFor({ timeout: 1000 });
    expect(await urgentTask.innerText()).toMatch(/urgent/i);
    await snap(provider, 'rooming-04-provider-inbox-urgent-task');

    // And Maria sees each reading's flag, the BP components flagged, BMI, and the re-measure prompt
    const readings = ma.getByRole('table', { name: 'Vitals this visit' });
    const bloodPressure = readings.getByRole('row').filter({ hasText: 'Blood pressure' });
    await bloodPressure.waitFor();
    expect(await bloodPressure.innerText()).toContain('186/124 mmHg');
    expect(await bloodPressure.locator('[data-flag="HH"]').count()).toBeGreaterThanOrEqual(1);
    expect(await bloodPressure.innerText()).toMatch(/Systolic: Critically high/);
    expect(await bloodPressure.innerText()).toMatch(/Diastolic: Critically high/);
    expect(await readings.getByRole('row').filter({ hasText: 'Pulse' }).innerText()).toContain('Normal');
    expect(await readings.getByRole('row').filter({ hasText: 'Temperature' }).innerText()).toContain('98.6°F (37°C)');
    expect(await ma.getByTestId('bmi-saved').innerText()).toContain('25.8');
    const prompt = ma.getByTestId('remeasure-prompt');
    await prompt.waitFor();
    await snap(ma, 'rooming-05-flags-and-remeasure-prompt');

    // And the flow board flags Mr Osgood's row red
    const board = await ma.context().newPage();
    await board.goto(`/flow-board?date=${date}`);
    await flowRow(board).getByTestId('critical-flag').waitFor();
    await snap(board, 'rooming-06-flow-board-critical-flag');
    await board.close();

    // When Maria re-measures after the prompt
    await prompt.getByRole('button', { name: 'Re-measure now' }).click();
    const remeasure = ma.getByRole('dialog').getByRole('form', { name: 'Re-measure' });
    await remeasure.getByLabel('Systolic', { exact: true }).fill('178');
    await remeasure.getByLabel('Diastolic', { exact: true }).fill('112');
    await snap(ma, 'rooming-07-remeasure-dialog');
    await remeasure.getByRole('button', { name: 'Save re-measure' }).click();
    await ma.getByRole('dialog').waitFor({ state: 'detached' });
    const repeat = readings.getByRole('row').filter({ hasText: 'Re-measure of' });
    await repeat.waitFor();
    expect(await repeat.innerText()).toContain('178/112 mmHg');
    expect(await ma.getByTestId('remeasure-prompt').count()).toBe(0);
    // both readings are kept
    expect(await readings.getByRole('row').filter({ hasText: 'Blood pressure' }).count()).toBe(2);

    // When she screens for depression: a positive PHQ-2 cascades to the PHQ-9, and item 9 raises the urgent banner
    const screenings = ma.getByRole('region', { name: 'Screenings' });
    await screenings.getByLabel('1. Little interest or pleasure in doing things').selectOption('2');
    await screenings.getByLabel('2. Feeling down, depressed, or hopeless').selectOption('2');
    await screenings.getByRole('button', { name: 'Score PHQ-2' }).click();
    await screenings.getByRole('button', { name: 'Score PHQ-9' }).waitFor();
    expect(await screenings.getByTestId('screening-result').first().innerText()).toMatch(/PHQ-2\s+Total 4\s+Positive/);
    const phq9Answers = ['1', '1', '1', '0', '0', '1'];
    for (const [index, answer] of phq9Answers.entries()) {
      await screenings.getByRole('combobox').nth(index + 2).selectOption(answer);
    }
    await screenings.getByLabel(/^9\. Thoughts that you would be better off dead/).selectOption('1');
    await screenings.getByRole('button', { name: 'Score PHQ-9' }).click();
    const urgentBanner = screenings.getByTestId('urgent-screening-banner');
    await urgentBanner.waitFor();
    expect(await screenings.getByTestId('screening-result').last().innerText()).toMatch(/PHQ-9\s+Total 9\s+Positive\s+Mild/);
    await snap(ma, 'rooming-08a-phq9-urgent-banner');

    // And hands Mr Osgood to the provider
    await ma.getByRole('button', { name: 'Ready for provider' }).click();
    await ma.getByText(/^Ready for provider · /).waitFor();
    await snap(ma, 'rooming-08-remeasured-ready');

    // When Dr Patel opens the task, she lands on the rooming summary
    await urgentTask.getByRole('link', { name: /Critical vital sign/ }).click();
    await provider.waitForURL(/\/encounters\/[^/]+\/summary$/);
    await provider.getByRole('heading', { name: 'Rooming summary' }).waitFor();
    const summary = provider.getByRole('main');
    await summary.getByRole('region', { name: 'Chief complaint' }).getByText('My head has been pounding since yesterday.').waitFor();
    const summaryVitals = provider.getByRole('table', { name: 'Vitals with flags' });
    expect(await summaryVitals.innerText()).toContain('186/124 mmHg');
    expect(await summaryVitals.innerText()).toContain('178/112 mmHg');
    const criticalAlert = provider.getByTestId('critical-alert');
    await criticalAlert.waitFor();
    expect(await criticalAlert.innerText()).toContain('Re-measured');
    await snap(provider, 'rooming-09-provider-rooming-summary');
    // and acknowledges the alert, then signs the summary off
    await criticalAlert.getByRole('button', { name: 'Acknowledge' }).click();
    await provider.getByText(/acknowledged at/).waitFor();
    // and Maria's rooming screen shows the acknowledgement without reloading
    await ma.getByText(/^Provider acknowledged at/).waitFor({ timeout: 5_000 });
    await provider.getByRole('button', { name: 'Sign off' }).click();
    await provider.getByText(/^Signed off by Anita Patel/).waitFor();
    await snap(provider, 'rooming-10-provider-acknowledged-signed-off');

    // When Maria prints the after-visit summary in English with a template and her own instructions
    const afterVisit = ma.getByRole('region', { name: 'After-visit summary' });
    await afterVisit.scrollIntoViewIfNeeded();
    await afterVisit.getByRole('radio', { name: 'English' }).check({ force: true });
    const templates = afterVisit.getByRole('group', { name: 'Instruction templates' }).getByRole('checkbox');
    if ((await templates.count()) > 0) await templates.first().check();
    await afterVisit.getByLabel('Additional instructions').fill('Rest in a dark room and drink water. Come back today if the headache gets worse.');
    const popup = ma.context().waitForEvent('page');
    await afterVisit.getByRole('button', { name: 'Print' }).click();
    const pdfTab = await popup;
    const link = afterVisit.getByRole('link', { name: 'Open the PDF' });
    await link.waitFor();
    await snap(ma, 'rooming-11-after-visit-printed');
    await pdfTab.waitForURL(/\/pdf/).catch(() => undefined);
    expect(pdfTab.url()).toContain('/pdf');
    await pdfTab.close();

    // Then the PDF is a PDF, naming Mr Osgood and carrying his vitals
    const href = (await link.getAttribute('href'))!;
    const pdf = await ma.evaluate(async (url) => {
      const response = await fetch(url, { credentials: 'same-origin' });
      return { status: response.status, type: response.headers.get('content-type'), bytes: Array.from(new Uint8Array(await response.arrayBuffer())) };
    }, href);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toContain('application/pdf');
    const bytes = Uint8Array.from(pdf.bytes);
    expect(String.fromCharCode(...bytes.slice(0, 5))).toBe('%PDF-');
    const text = pdfText(bytes);
    expect(text).toContain('Osgood');
    expect(text).toContain('Walter');
    expect(text).toMatch(/178\s*\/\s*112|186\s*\/\s*124/);
    expect(text).toMatch(/Rest in a dark room/);
  });
  it('prompts a repeat for an elevated BP, takes orthostatic vitals as one entry, and sends a Spanish summary to the outbox', async () => {
    const { appointmentId } = await roomedWalkIn({ givenName: 'Rosa', familyName: 'Villanueva', dateOfBirth: '1966-09-02', sexAtBirth: 'female' }, 'Dizzy when standing', 'dr.nguyen');
    const ma = await (await newStaffContext(clinic, { width: 1440, height: 1000 })).newPage();
    await signIn(ma, 'ma.kim');
    await ma.goto(`/visits/${appointmentId}/rooming`);
    const vitals = ma.getByRole('form', { name: 'Vitals entry' });
    await vitals.waitFor();

    // When Daniel records a BP of 150/95 (stage 2, not critical) with lying/sitting/standing readings
    await vitals.getByLabel('Systolic', { exact: true }).fill('150');
    await vitals.getByLabel('Diastolic', { exact: true }).fill('95');
    await vitals.getByLabel('Orthostatic vitals (lying, sitting, standing)').check();
    const rows: [string, string, string, string][] = [['Lying', '138', '84', '72'], ['Sitting', '130', '80', '80'], ['Standing', '112', '70', '98']];
    for (const [position, systolic, diastolic, pulse] of rows) {
      await vitals.getByLabel(`${position} systolic`).fill(systolic);
      await vitals.getByLabel(`${position} diastolic`).fill(diastolic);
      await vitals.getByLabel(`${position} pulse`).fill(pulse);
    }
    await snap(ma, 'rooming-20-orthostatic-entry');
    await vitals.getByRole('button', { name: 'Save vitals' }).click();

    // Then he is asked to repeat after 5 minutes rest, and no critical prompt appears
    const repeatPrompt = ma.getByTestId('repeat-prompt');
    await repeatPrompt.waitFor();
    expect(await repeatPrompt.innerText()).toMatch(/5 minutes/);
    expect(await ma.getByTestId('remeasure-prompt').count()).toBe(0);
    const readings = ma.getByRole('table', { name: 'Vitals this visit' });
    expect(await readings.innerText()).toContain('150/95 mmHg');
    expect(await readings.innerText()).toContain('112/70 mmHg');
    await snap(ma, 'rooming-21-repeat-prompt-orthostatic');

    // When he repeats it after rest, both readings are kept and the prompt goes
    await repeatPrompt.getByRole('button', { name: 'Record repeat' }).click();
    const repeat = ma.getByRole('dialog').getByRole('form', { name: 'Re-measure' });
    await repeat.getByLabel('Systolic', { exact: true }).fill('144');
    await repeat.getByLabel('Diastolic', { exact: true }).fill('92');
    await repeat.getByRole('button', { name: 'Save re-measure' }).click();
    await readings.getByRole('row').filter({ hasText: 'Re-measure of' }).filter({ hasText: '144/92 mmHg' }).waitFor();
    expect(await ma.getByTestId('repeat-prompt').count()).toBe(0);

    // When he sends the after-visit summary in Spanish through the outbox
    const afterVisit = ma.getByRole('region', { name: 'After-visit summary' });
    await afterVisit.getByText('Español', { exact: true }).click();
    const spanish = afterVisit.getByRole('group', { name: 'Instruction templates' }).getByRole('checkbox');
    await spanish.first().waitFor();
    await spanish.first().check();
    await afterVisit.getByRole('button', { name: 'Send to patient' }).click();
    const sent = afterVisit.getByRole('status').filter({ hasText: 'Summary sent to the patient' });
    await sent.waitFor();
    expect(await sent.innerText()).toContain('Queued in the outbox');
    await snap(ma, 'rooming-22-spanish-summary-sent');
  });

  it('offers head circumference for a two-year-old and takes metric units', async () => {
    const born = new Date();
    born.setFullYear(born.getFullYear() - 2);
    born.setMonth(born.getMonth() - 1);
    const { appointmentId } = await roomedWalkIn({ givenName: 'Milo', familyName: 'Tanaka', dateOfBirth: born.toISOString().slice(0, 10), sexAtBirth: 'male' }, 'Fever', 'np.garcia');
    const ma = await (await newStaffContext(clinic, { width: 1440, height: 1000 })).newPage();
    await signIn(ma, 'ma.brown');
    await ma.goto(`/visits/${appointmentId}/rooming`);
    const vitals = ma.getByRole('form', { name: 'Vitals entry' });
    await vitals.waitFor();
    await vitals.getByRole('group', { name: 'Head circumference readings' }).waitFor();
    await vitals.getByRole('group', { name: 'Height and weight readings' }).getByText('kg', { exact: true }).click();
    await vitals.getByRole('group', { name: 'Height and weight readings' }).getByText('cm', { exact: true }).click();
    await vitals.getByRole('group', { name: 'Temperature readings' }).getByText('°C', { exact: true }).click();
    await vitals.getByRole('group', { name: 'Head circumference readings' }).getByText('cm', { exact: true }).click();
    await vitals.getByLabel('Weight', { exact: true }).fill('12.5');
    await vitals.getByLabel('Height', { exact: true }).fill('88');
    await vitals.getByLabel('Head circumference', { exact: true }).fill('48');
    await vitals.getByLabel('Temperature', { exact: true }).fill('38.6');
    await vitals.getByLabel('Route').selectOption('rectal');
    await expect.poll(() => vitals.getByTestId('bmi-preview').innerText()).toContain('16.1');
    await vitals.getByRole('button', { name: 'Save vitals' }).click();
    const readings = ma.getByRole('table', { name: 'Vitals this visit' });
    const temperature = readings.getByRole('row').filter({ hasText: 'Temperature' });
    await temperature.waitFor();
    expect(await temperature.innerText()).toContain('38.6°C');
    expect(await temperature.locator('[data-flag="N"]').count()).toBe(0);
    expect(await readings.getByRole('row').filter({ hasText: 'Head circumference' }).innerText()).toContain('48 cm');
    // and the form keeps her metric choice for the next set, with a child's cuff
    expect(await vitals.getByLabel('Weight', { exact: true }).inputValue()).toBe('');
    expect(await vitals.getByRole('group', { name: 'Height and weight readings' }).getByRole('radio', { name: 'kg' }).isChecked()).toBe(true);
    expect(await vitals.getByLabel('Cuff size').inputValue()).toBe('child');
    await snap(ma, 'rooming-30-child-metric-vitals');
  });
});
