import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newStaffContext, openClinic, signIn, snap, type Clinic } from '../../fixtures.js';

let clinic: Clinic;
beforeAll(async () => {
  clinic = await openClinic({ patients: 40 });
});
afterAll(() => clinic?.close());

async function fillRegistration(page: Page, person: { first: string; last: string; dateOfBirth: string; sex: string; phone: string }) {
  await page.getByLabel('First name').fill(person.first);
  await page.getByLabel('Last name').fill(person.last);
  await page.getByLabel('Date of birth').fill(person.dateOfBirth);
  await page.getByLabel('Sex at birth').selectOption(person.sex);
  await page.getByLabel('Mobile phone').fill(person.phone);
}

describe('front desk: register, be warned of a near-duplicate, find by a misspelled name', () => {
  it('walks the front-desk journey in a real browser', async () => {
    const context = await newStaffContext(clinic);
    const page = await context.newPage();

    // Given Emily at the front desk signs in
    await page.goto('/');
    await page.getByLabel('Username').waitFor();
    await snap(page, '01-sign-in');
    await signIn(page, 'fd.jones');
    await expect.poll(() => page.getByRole('link', { name: 'Register patient' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);

    // When she registers Ms Evangeline Thornbury
    await page.getByRole('link', { name: 'Register patient' }).click();
    await fillRegistration(page, { first: 'Evangeline', last: 'Thornbury', dateOfBirth: '03/14/1962', sex: 'female', phone: '217-555-0199' });
    await snap(page, '02-registration-form');
    await page.getByRole('button', { name: 'Register patient' }).click();
    await page.waitForURL(/\/patients\/[0-9a-f-]{36}$/);
    const banner = page.getByRole('region', { name: 'Patient banner' });
    await banner.waitFor();
    const bannerText = await banner.innerText();
    expect(bannerText).toContain('Thornbury');
    expect(bannerText).toContain('03/14/1962');
    expect(bannerText).toMatch(/MRN\s*\d{7}/);
    expect(bannerText).toMatch(/Allergies/i);
    await snap(page, '03-patient-registered');

    // And then starts registering "Evangaline Thornbery" with the same birth date
    await page.getByRole('link', { name: 'Register patient' }).click();
    await fillRegistration(page, { first: 'Evangaline', last: 'Thornbery', dateOfBirth: '03/14/1962', sex: 'female', phone: '217-555-0142' });
    // Then she is warned of the likely duplicate before saving
    const warning = page.getByRole('region', { name: /possible duplicate/i });
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.innerText()).toContain('Thornbury');
    await snap(page, '04-duplicate-warning');
    // and submitting does not save the record until she confirms
    await page.getByRole('button', { name: 'Register patient' }).click();
    await page.getByRole('button', { name: /register anyway/i }).waitFor();
    expect(page.url()).toMatch(/\/patients\/new$/);
    await snap(page, '05-duplicate-on-submit');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // When she searches for the patient with a misspelled name
    await page.getByRole('link', { name: 'Patients' }).click();
    await page.getByLabel('Search patients').fill('Evangelin Thornbery');
    const results = page.getByRole('table', { name: 'Patient search results' });
    await expect.poll(async () => (await results.isVisible()) && (await results.innerText()).includes('Thornbury'), { timeout: 30_000 }).toBe(true);
    await snap(page, '06-search-misspelled');
    // Then the first result opens her chart
    await results.getByRole('row').nth(1).click();
    await page.waitForURL(/\/patients\/[0-9a-f-]{36}$/);
    expect(await page.getByRole('region', { name: 'Patient banner' }).innerText()).toContain('Evangeline');
    await context.close();
  });

  it('keeps the audit view from a medical assistant', async () => {
    const context = await newStaffContext(clinic);
    const page = await context.newPage();
    await signIn(page, 'ma.lopez');
    expect(await page.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    await page.goto('/audit');
    const refusal = page.getByTestId('not-allowed');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/manager or administrator/i);
    await snap(page, '07-ma-refused-audit');
    await context.close();
  });

  it('shows the manager the audit trail of what the front desk did', async () => {
    const context = await newStaffContext(clinic);
    const page = await context.newPage();
    await signIn(page, 'manager.wilson');
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await expect.poll(async () => (await page.locator('table').first().innerText()).includes('Emily Jones'), { timeout: 30_000 }).toBe(true);
    await snap(page, '08-manager-audit-trail');
    await context.close();
  });

  it('fits a tablet screen', async () => {
    const context = await newStaffContext(clinic, { width: 768, height: 1024 });
    const page = await context.newPage();
    await signIn(page, 'fd.rivera');
    await page.goto('/patients/new');
    await page.getByLabel('First name').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snap(page, '09-tablet-registration');
    await context.close();
  });
});

describe('restricted chart: break-the-glass', () => {
  it('asks the front desk for a reason, opens the chart, and alerts the manager', async () => {
    const frontDesk = await (await newStaffContext(clinic)).newPage();
    await signIn(frontDesk, 'fd.rivera');
    await frontDesk.getByRole('link', { name: 'Patients' }).click();
    await frontDesk.getByLabel('Search patients').fill('Keisha Brown');
    const results = frontDesk.getByRole('table', { name: 'Patient search results' });
    await expect.poll(async () => (await results.isVisible()) && (await results.innerText()).includes('Brown, Keisha'), { timeout: 30_000 }).toBe(true);
    await results.getByRole('row').filter({ hasText: 'Brown, Keisha' }).first().click();
    const reason = frontDesk.getByLabel('Reason for access');
    await reason.waitFor();
    await snap(frontDesk, '10-break-the-glass-dialog');
    await reason.fill('Patient at the front desk updating her insurance card');
    await frontDesk.getByRole('button', { name: 'Open restricted chart' }).click();
    const banner = frontDesk.getByRole('region', { name: 'Patient banner' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain('07/19/1988');

    const manager = await (await newStaffContext(clinic)).newPage();
    await signIn(manager, 'manager.wilson');
    await manager.getByRole('link', { name: 'Manager alerts' }).click();
    await expect.poll(async () => (await manager.locator('body').innerText()).includes('Carlos Rivera opened restricted chart'), { timeout: 30_000 }).toBe(true);
    await snap(manager, '11-manager-alert');
  });
});

describe('manager merges a duplicate record', () => {
  it('keeps both records, links the duplicate, and the duplicate leaves search', async () => {
    const page = await (await newStaffContext(clinic)).newPage();
    await signIn(page, 'manager.wilson');
    // two records for one person, registered through the API as a clerk would have
    const clerk = await (await newStaffContext(clinic)).newPage();
    await signIn(clerk, 'fd.jones');
    const ids = await clerk.evaluate(async () => {
      const session = await (await fetch('/api/session')).json();
      const register = async (givenName: string) => {
        const response = await fetch('/api/patients', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ givenName, familyName: 'Okonkwo-Lindqvist', dateOfBirth: '1971-09-09', sexAtBirth: 'male', duplicatesReviewed: true }),
        });
        return (await response.json()).patient.id as string;
      };
      return [await register('Chidubem'), await register('Chidubm')];
    });
    await page.goto(`/patients/${ids[0]}`);
    const panel = page.getByRole('region', { name: 'Merge a duplicate record' });
    await panel.getByLabel('Find the duplicate').fill('Okonkwo-Lindqvist');
    await panel.getByRole('radio', { name: /Chidubm/ }).check();
    await panel.getByLabel('Why are these the same person?').fill('Same person: typo in first name at registration');
    await snap(page, '12-merge-panel');
    await panel.getByRole('button', { name: 'Merge into this record' }).click();
    await panel.getByText('Records merged.').waitFor();
    await page.goto(`/patients/${ids[1]}`);
    await page.getByText('This record was merged into another record.').waitFor();
    await page.goto('/patients');
    await page.getByLabel('Search patients').fill('Okonkwo-Lindqvist');
    const results = page.getByRole('table', { name: 'Patient search results' });
    await expect.poll(async () => (await results.isVisible()) ? (await results.getByRole('row').count()) - 1 : -1, { timeout: 30_000 }).toBe(1);
    expect(await results.innerText()).toContain('Chidubem');
  });
});
