import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newStaffContext, openClinic, signIn, snap, staffApi, type Clinic } from '../../fixtures.js';

let clinic: Clinic;
beforeAll(async () => {
  clinic = await openClinic({ patients: 40 });
});
afterAll(() => clinic?.close());

interface OrganizationView { locations: { id: string; timeZone: string; examRooms: { id: string; name: string }[] }[] }
interface StaffEntry { id: string; username: string }

/**
 * The manager gives Dr Patel an all-day block of 20-minute "Follow-up visit" slots today (the
 * clinic's weekday) through the API, so the journey finds a slot today whatever the hour it runs
 * at (until 23:40 local); the demo clinic's own Mon–Fri templates serve the follow-up booking.
 */
async function setUpDrPatelsWeek(): Promise<{ locationId: string }> {
  const manager = await staffApi(clinic, 'manager.wilson');
  const organization = await manager.get<OrganizationView>('/api/organization');
  const location = organization.locations[0]!;
  const { staff } = await manager.get<{ staff: StaffEntry[] }>('/api/staff');
  const drPatel = staff.find((member) => member.username === 'dr.patel')!;
  const type = await manager.post<{ id: string }>('/api/appointment-types', {
    name: 'Follow-up visit', durationMinutes: 20, visitKind: 'FOLLOWUP', color: '#2f9e44',
  });
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const weekdayName = new Intl.DateTimeFormat('en-US', { timeZone: location.timeZone, weekday: 'short' }).format(new Date());
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(weekdayName);
  await manager.post('/api/schedule-templates', {
    locationId: location.id, providerId: drPatel.id, weekday, startsAtLocal: '00:00', endsAtLocal: '23:40',
    slotMinutes: 20, appointmentTypeIds: [type.id], label: 'Follow-ups', effectiveFrom: yesterday,
  });
  const frontDesk = await staffApi(clinic, 'fd.jones');
  await frontDesk.post('/api/patients', {
    givenName: 'Harriet', familyName: 'Quimby', dateOfBirth: '1975-08-11', sexAtBirth: 'female',
    addressLine1: '42 Aviation Way', city: 'Springfield', state: 'IL', postalCode: '62704', mobilePhone: '217-555-0177',
    emergencyContact: { name: 'Matilde Moisant', relationship: 'friend', phone: '217-555-0178' }, privacyNoticeAcknowledged: true,
    duplicatesReviewed: true,
  });
  return { locationId: location.id };
}

const flowRow = (page: Page) => page.getByRole('row').filter({ hasText: 'Quimby' });
const statusOf = async (page: Page) => (await flowRow(page).getByTestId('visit-status').textContent({ timeout: 200 }).catch(() => null))?.trim() ?? null;
const roomCard = (page: Page, name: string) => page.getByRole('listitem', { name: new RegExp(`^${name}:`) });

describe('a visit day: book, check in, room, check out, clean the room', () => {
  it('shows the front desk’s check-in on the MA’s flow board live and follows the room through the visit', async () => {
    await setUpDrPatelsWeek();
    const frontDesk = await (await newStaffContext(clinic, { width: 1366, height: 900 })).newPage();
    const maContext = await newStaffContext(clinic, { width: 1366, height: 900 });
    const ma = await maContext.newPage();

    // Given Emily at the front desk finds the next open follow-up with Dr Patel for Ms Quimby
    await signIn(frontDesk, 'fd.jones');
    await frontDesk.getByRole('link', { name: 'Find a slot' }).click();
    await frontDesk.getByLabel('Patient').fill('Quimby');
    await frontDesk.getByRole('button', { name: /Quimby, Harriet/ }).click();
    await frontDesk.getByLabel('Appointment type').selectOption({ label: 'Follow-up visit (20 min)' });
    await frontDesk.getByLabel('Provider').selectOption({ label: 'Anita Patel, MD' });
    const slots = frontDesk.getByRole('table', { name: 'Open slots' });
    await slots.waitFor({ timeout: 30_000 });
    await snap(frontDesk, 'visit-01-open-slots');

    // When she books the first (earliest) slot
    await slots.getByRole('button', { name: /^Book / }).first().click();
    await frontDesk.getByRole('status').filter({ hasText: 'Booked' }).waitFor();
    await snap(frontDesk, 'visit-02-booked');
    await frontDesk.getByRole('button', { name: 'Open appointment' }).click();
    await frontDesk.getByRole('form', { name: 'Check-in' }).waitFor();
    const date = new URL(frontDesk.url()).searchParams.get('date')!;
    expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // And Maria, the MA, has the flow board open in her own browser
    await signIn(ma, 'ma.lopez');
    await ma.goto(`/flow-board?date=${date}`);
    await expect.poll(() => statusOf(ma), { timeout: 30_000 }).toBe('Scheduled');
    await ma.getByTestId('live-indicator').and(ma.locator('[data-state="open"]')).waitFor();
    const rooms = await maContext.newPage();
    await rooms.goto('/rooms');
    await roomCard(rooms, 'Exam 3').waitFor();
    await snap(ma, 'visit-03-ma-flow-board-before');

    // When Emily verifies demographics and the card, and takes a $25 copay by card
    await frontDesk.getByLabel('Demographics verified with the patient').check();
    await frontDesk.getByLabel('Insurance card verified').check();
    await frontDesk.getByLabel('Copay amount').fill('25.00');
    await frontDesk.getByLabel('Payment method').selectOption('card');
    await snap(frontDesk, 'visit-04-check-in-panel');
    const checkInAnswer = frontDesk.waitForResponse((response) => response.url().endsWith('/check-in') && response.request().method() === 'POST');
    const clickedAt = Date.now();
    await frontDesk.getByRole('button', { name: 'Check in', exact: true }).click();
    const answeredAt = await checkInAnswer.then((response) => { expect(response.status()).toBe(200); return Date.now(); });

    // Then Maria's board shows the arrival within a second, without reloading
    let seenAt = 0;
    const deadline = clickedAt + 1500;
    while (Date.now() < deadline) {
      if ((await statusOf(ma)) === 'Arrived') { seenAt = Date.now(); break; }
      await ma.waitForTimeout(20);
    }
    const fromClick = seenAt ? seenAt - clickedAt : Number.NaN;
    const fromAnswer = seenAt ? seenAt - answeredAt : Number.NaN;
    console.log(`arrival on the MA's flow board: ${fromClick} ms after the click, ${fromAnswer} ms after the check-in answer`);
    expect(seenAt, 'the MA board did not show Arrived within 1.5 s of the click').toBeGreaterThan(0);
    expect(fromAnswer).toBeLessThan(1000);
    await snap(ma, 'visit-05-ma-sees-arrival');

    // And the copay receipt opens as a PDF
    const receipt = frontDesk.getByRole('link', { name: 'Print receipt' });
    await receipt.waitFor();
    expect(await receipt.getAttribute('target')).toBe('_blank');
    const href = (await receipt.getAttribute('href'))!;
    const pdf = await frontDesk.evaluate(async (url) => {
      const response = await fetch(url, { credentials: 'same-origin' });
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, type: response.headers.get('content-type'), magic: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length };
    }, href);
    expect(pdf).toMatchObject({ status: 200, magic: '%PDF-' });
    expect(pdf.type).toContain('application/pdf');
    const popupPromise = frontDesk.context().waitForEvent('page');
    await receipt.click();
    const popup = await popupPromise;
    await popup.waitForLoadState('domcontentloaded').catch(() => undefined);
    expect(popup.url()).toContain('/receipt.pdf');
    await popup.close();
    await snap(frontDesk, 'visit-06-checked-in-receipt');
    // and her day schedule, arranged by room, shows Ms Quimby arrived
    await frontDesk.keyboard.press('Escape');
    await frontDesk.getByText('By room', { exact: true }).click();
    await frontDesk.waitForURL(/view=room/);
    await expect.poll(async () => (await frontDesk.getByRole('button', { name: /Quimby, Harriet, Arrived/ }).count()) > 0, { timeout: 5_000 }).toBe(true);
    await frontDesk.waitForTimeout(300); // the segmented control's indicator slides across
    await snap(frontDesk, 'visit-06b-schedule-by-room');

    // When Maria rooms Ms Quimby into Exam 3
    await flowRow(ma).getByRole('button', { name: 'Room' }).click();
    await ma.getByRole('menuitem', { name: 'Exam 3' }).click();
    await expect.poll(() => statusOf(ma), { timeout: 5_000 }).toBe('Roomed');
    expect(await flowRow(ma).innerText()).toContain('Exam 3');
    await snap(ma, 'visit-07-roomed');
    // Then the room grid (open in another tab) shows Exam 3 occupied, by initials only
    await expect.poll(() => roomCard(rooms, 'Exam 3').getAttribute('data-room-state'), { timeout: 5_000 }).toBe('occupied');
    expect(await roomCard(rooms, 'Exam 3').innerText()).toContain('HQ');
    await snap(rooms, 'visit-08-room-grid-occupied');

    // When the visit moves on to checkout
    await flowRow(ma).getByRole('button', { name: 'Ready for provider' }).click();
    await expect.poll(() => statusOf(ma), { timeout: 5_000 }).toBe('Ready for provider');
    await flowRow(ma).getByRole('button', { name: 'With provider' }).click();
    await expect.poll(() => statusOf(ma), { timeout: 5_000 }).toBe('With provider');
    await flowRow(ma).getByRole('button', { name: 'To checkout' }).click();
    await expect.poll(() => statusOf(ma), { timeout: 5_000 }).toBe('Checkout');
    // Then Exam 3 needs cleaning
    await expect.poll(() => roomCard(rooms, 'Exam 3').getAttribute('data-room-state'), { timeout: 5_000 }).toBe('needs-cleaning');
    await snap(rooms, 'visit-09-room-needs-cleaning');

    // When Emily checks Ms Quimby out with the follow-up Dr Patel asked for: return in 3 months
    await frontDesk.goto(`/flow-board?date=${date}`);
    await flowRow(frontDesk).getByRole('button', { name: 'Check out' }).click();
    await frontDesk.getByLabel('Return in').fill('3');
    await frontDesk.getByLabel('Unit').selectOption('months');
    await snap(frontDesk, 'visit-10-checkout-dialog');
    await frontDesk.getByRole('button', { name: 'Finish checkout' }).click();
    const booked = frontDesk.getByRole('dialog').getByRole('status').filter({ hasText: 'Follow-up booked' });
    await booked.waitFor();
    const inThreeMonths = new Date();
    inThreeMonths.setMonth(inThreeMonths.getMonth() + 3);
    expect(await booked.innerText()).toContain(inThreeMonths.toLocaleDateString('en-US', { month: 'short' }));
    expect(await booked.innerText()).toContain('Anita Patel');
    await snap(frontDesk, 'visit-11-follow-up-booked');
    await frontDesk.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => statusOf(ma), { timeout: 5_000 }).toBe('Done');

    // Then the room still needs cleaning until Maria marks it cleaned
    expect(await roomCard(rooms, 'Exam 3').getAttribute('data-room-state')).toBe('needs-cleaning');
    await roomCard(rooms, 'Exam 3').getByRole('button', { name: 'Mark cleaned' }).click();
    await expect.poll(() => roomCard(rooms, 'Exam 3').getAttribute('data-room-state'), { timeout: 5_000 }).toBe('ready');
    await snap(rooms, 'visit-12-room-ready');
    await snap(ma, 'visit-13-ma-flow-board-done');

    // And the board reads from across the room in large type
    await ma.getByRole('switch', { name: 'Large type' }).click();
    await ma.waitForURL(/large=1/);
    await snap(ma, 'visit-14-flow-board-large-type');
  });

  it('lets the front desk claim and complete a pool task, and read the reminders outbox', async () => {
    const manager = await staffApi(clinic, 'manager.wilson');
    await manager.post('/api/tasks', { title: 'Call back about a billing question', kind: 'call-back', ownerPool: 'front-desk', priority: 'urgent', dueAt: new Date(Date.now() + 30 * 60_000).toISOString() });
    await manager.post('/api/tasks', { title: 'Scan the new insurance card', ownerPool: 'front-desk' });
    const page = await (await newStaffContext(clinic)).newPage();
    await signIn(page, 'fd.rivera');
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.getByRole('tab', { name: /Front-desk pool/ }).click();
    const tasks = page.getByRole('table', { name: 'Tasks' });
    await expect.poll(async () => (await tasks.isVisible()) && (await tasks.innerText()).includes('Call back about a billing question'), { timeout: 30_000 }).toBe(true);
    await snap(page, 'visit-15-inbox-pool');
    const row = tasks.getByRole('row').filter({ hasText: 'Call back about a billing question' });
    await row.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(async () => /claimed/i.test(await row.innerText()) && (await row.innerText()).includes('Carlos Rivera'), { timeout: 5_000 }).toBe(true);
    await snap(page, 'visit-16-inbox-claimed');
    // and then takes the rest of the pool and completes everything at once
    await page.getByRole('checkbox', { name: 'Select all tasks' }).check();
    await page.getByRole('button', { name: 'Claim selected' }).click();
    await expect.poll(async () => (await tasks.getByRole('button', { name: 'Claim', exact: true }).count()) === 0 && (await page.getByText('0 selected').isVisible()), { timeout: 5_000 }).toBe(true);
    await page.getByRole('checkbox', { name: 'Select all tasks' }).check();
    await page.getByRole('button', { name: 'Complete selected' }).click();
    await page.getByText('Nothing waiting').waitFor({ timeout: 5_000 });
    await snap(page, 'visit-17-inbox-done');
    await page.getByRole('link', { name: 'Reminders outbox' }).click();
    await page.getByRole('heading', { name: 'Reminders outbox' }).waitFor();
    await page.getByRole('table', { name: 'Patient messages' }).or(page.getByText('No messages')).first().waitFor({ timeout: 30_000 });
    await snap(page, 'visit-18-reminders-outbox');
  });

  it('puts a patient on the waitlist from the slot finder, and the MA’s board fits a tablet', async () => {
    const frontDesk = await staffApi(clinic, 'fd.rivera');
    await frontDesk.post('/api/patients', { givenName: 'Bessie', familyName: 'Coleman', dateOfBirth: '1992-01-26', sexAtBirth: 'female', duplicatesReviewed: true });
    const page = await (await newStaffContext(clinic)).newPage();
    await signIn(page, 'fd.rivera');
    await page.getByRole('link', { name: 'Find a slot' }).click();
    await page.getByLabel('Patient').fill('Coleman');
    await page.getByRole('button', { name: /Coleman, Bessie/ }).click();
    await page.getByLabel('Appointment type').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Add to waitlist' }).click();
    await page.getByRole('status').filter({ hasText: 'On the waitlist until' }).waitFor();
    await snap(page, 'visit-19-waitlist');

    const tablet = await (await newStaffContext(clinic, { width: 768, height: 1024 })).newPage();
    await signIn(tablet, 'ma.kim');
    await tablet.goto('/flow-board');
    await tablet.getByRole('table', { name: 'Patients today' }).or(tablet.getByText('No patients today')).first().waitFor({ timeout: 30_000 });
    const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snap(tablet, 'visit-20-tablet-flow-board');
  });
});
