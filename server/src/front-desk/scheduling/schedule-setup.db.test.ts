import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';

let t: TestApp;
let locationId: string;
let providerId: string;
let manager: SignedInClient;
let frontDesk: SignedInClient;

beforeAll(async () => {
  t = await buildTestApp();
  const organization = await makeOrganization(t.db);
  locationId = organization.locationId;
  providerId = (await makeStaffMember(t.db, organization.organizationId, ['provider'])).id;
  manager = await signInAs(t.app, (await makeStaffMember(t.db, organization.organizationId, ['manager'])).username, TEST_PASSWORD);
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organization.organizationId, ['front-desk'])).username, TEST_PASSWORD);
});
afterAll(() => t.close());

describe('setting up the schedule', () => {
  it('changes an appointment type only from the version the manager saw', async () => {
    const created = (await manager.request({ method: 'POST', url: '/api/appointment-types', payload: { name: 'Pre-op', durationMinutes: 30 } })).json();
    const body = { name: 'Pre-op visit', durationMinutes: 30, version: created.version };
    const updated = await manager.request({ method: 'PUT', url: `/api/appointment-types/${created.id}`, payload: body });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Pre-op visit', version: 2 });
    const stale = await manager.request({ method: 'PUT', url: `/api/appointment-types/${created.id}`, payload: { ...body, durationMinutes: 45 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const byFrontDesk = await frontDesk.request({ method: 'POST', url: '/api/appointment-types', payload: { name: 'Nope', durationMinutes: 10 } });
    expect(byFrontDesk.json().error.code).toBe('FORBIDDEN_BY_POLICY');
    const list = await frontDesk.request({ method: 'GET', url: '/api/appointment-types' });
    expect(list.json().map((type: { name: string }) => type.name)).toContain('Pre-op visit');
  });

  it('creates, changes, lists and removes a template block, naming bad fields', async () => {
    const type = (await manager.request({ method: 'POST', url: '/api/appointment-types', payload: { name: 'Follow-up', durationMinutes: 20 } })).json();
    const bad = await manager.request({ method: 'POST', url: '/api/schedule-templates', payload: { locationId, providerId, weekday: 1, startsAtLocal: '12:00', endsAtLocal: '08:00', slotMinutes: 20, appointmentTypeIds: [type.id], effectiveFrom: '2026-01-01' } });
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'endsAtLocal' });
    const created = await manager.request({ method: 'POST', url: '/api/schedule-templates', payload: { locationId, providerId, weekday: 1, startsAtLocal: '08:00', endsAtLocal: '12:00', slotMinutes: 20, appointmentTypeIds: [type.id], effectiveFrom: '2026-01-01' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ startsAtLocal: '08:00', endsAtLocal: '12:00', version: 1 });
    const changed = await manager.request({ method: 'PUT', url: `/api/schedule-templates/${created.json().id}`, payload: { startsAtLocal: '09:00', endsAtLocal: '12:00', slotMinutes: 15, appointmentTypeIds: [type.id], version: 1 } });
    expect(changed.json()).toMatchObject({ startsAtLocal: '09:00', slotMinutes: 15, version: 2 });
    const listed = await frontDesk.request({ method: 'GET', url: `/api/schedule-templates?locationId=${locationId}` });
    expect(listed.json()).toHaveLength(1);
    expect((await manager.request({ method: 'DELETE', url: `/api/schedule-templates/${created.json().id}` })).statusCode).toBe(204);
    expect((await manager.request({ method: 'DELETE', url: `/api/schedule-templates/${created.json().id}` })).json().error.code).toBe('SCHEDULE_TEMPLATE_NOT_FOUND');
  });

  it('records a vacation and a closure, lists them for a date range, and removes one', async () => {
    const noProvider = await manager.request({ method: 'POST', url: '/api/schedule-exceptions', payload: { kind: 'vacation', startsAt: '2027-07-01T00:00:00-05:00', endsAt: '2027-07-08T00:00:00-05:00' } });
    expect(noProvider.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'providerId' });
    const vacation = await manager.request({ method: 'POST', url: '/api/schedule-exceptions', payload: { providerId, kind: 'vacation', startsAt: '2027-07-01T00:00:00-05:00', endsAt: '2027-07-08T00:00:00-05:00', reason: 'Vacation' } });
    expect(vacation.statusCode, vacation.body).toBe(201);
    await manager.request({ method: 'POST', url: '/api/schedule-exceptions', payload: { locationId, kind: 'closure', startsAt: '2027-07-04T00:00:00-05:00', endsAt: '2027-07-05T00:00:00-05:00', reason: 'Independence Day' } });
    const listed = await frontDesk.request({ method: 'GET', url: `/api/schedule-exceptions?locationId=${locationId}&from=2027-07-01&to=2027-07-31` });
    expect(listed.json().map((row: { kind: string }) => row.kind)).toEqual(['vacation', 'closure']);
    expect((await manager.request({ method: 'DELETE', url: `/api/schedule-exceptions/${vacation.json().id}` })).statusCode).toBe(204);
  });
});
