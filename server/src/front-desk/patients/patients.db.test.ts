import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, patientFields, TEST_PASSWORD } from '../../../test/factories.js';

let t: TestApp;
let organizationId: string;
let frontDesk: SignedInClient;
let manager: SignedInClient;

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId } = await makeOrganization(t.db));
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
  manager = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['manager'])).username, TEST_PASSWORD);
});
afterAll(() => t.close());

const register = (client: SignedInClient, payload: object) => client.request({ method: 'POST', url: '/api/patients', payload });
const countPatients = async () => Number((await t.db.selectFrom('patients').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('registering a patient', () => {
  it('saves the patient with a clinic MRN, answers 201 with the record, and audits the write', async () => {
    const response = await register(frontDesk, patientFields({ givenName: 'Rosa', familyName: 'Delgadillo', dateOfBirth: '1957-09-30', preferredLanguage: 'es', interpreterNeeded: true, privacyNoticeAcknowledged: true }));
    expect(response.statusCode).toBe(201);
    const { patient } = response.json();
    expect(patient).toMatchObject({ givenName: 'Rosa', familyName: 'Delgadillo', dateOfBirth: '1957-09-30', preferredLanguage: 'es', interpreterNeeded: true, version: 1 });
    expect(patient.mrn).toMatch(/^\d{7}$/);
    expect(patient.privacyNoticeAcknowledgedAt).not.toBeNull();
    const stored = await t.db.selectFrom('patients').selectAll().where('id', '=', patient.id).executeTakeFirstOrThrow();
    expect(stored.organizationId).toBe(organizationId);
    const audit = await t.db.selectFrom('auditEvents').selectAll().where('patientId', '=', patient.id).where('action', '=', 'create').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(frontDesk.staffMemberId);
  });

  it('assigns distinct MRNs to concurrent registrations', async () => {
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => register(frontDesk, patientFields({ givenName: `Concurrent${'x'.repeat(i)}`, duplicatesReviewed: true }))));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    const mrns = new Set(responses.map((r) => r.json().patient.mrn));
    expect(mrns.size).toBe(12);
  });

  it('stores SQL and HTML in names verbatim', async () => {
    const family = `O'Brien"); drop table patients; --<script>alert(1)</script>`;
    const response = await register(frontDesk, patientFields({ familyName: family, duplicatesReviewed: true }));
    expect(response.statusCode).toBe(201);
    const read = await frontDesk.request({ method: 'GET', url: `/api/patients/${response.json().patient.id}` });
    expect(read.json().familyName).toBe(family);
  });
});

describe('bad input', () => {
  it.each([
    ['malformed JSON', '{"givenName": "Ann",', 'MALFORMED_REQUEST', '(body)'],
    ['a wrong type', JSON.stringify({ ...patientFields(), dateOfBirth: 19800412 }), 'VALIDATION_FAILED', 'dateOfBirth'],
    ['a missing field', JSON.stringify({ ...patientFields(), familyName: undefined }), 'VALIDATION_FAILED', 'familyName'],
    ['an unknown field', JSON.stringify({ ...patientFields(), favouriteColour: 'blue' }), 'VALIDATION_FAILED', 'favouriteColour'],
    ['an impossible date', JSON.stringify({ ...patientFields(), dateOfBirth: '1980-02-30' }), 'VALIDATION_FAILED', 'dateOfBirth'],
    ['a birth date in the future', JSON.stringify({ ...patientFields(), dateOfBirth: '2999-01-01' }), 'VALIDATION_FAILED', 'dateOfBirth'],
    ['a nested bad phone', JSON.stringify({ ...patientFields(), emergencyContact: { name: 'Sam', relationship: 'son', phone: '12' } }), 'VALIDATION_FAILED', 'emergencyContact.phone'],
    ['a body over 1 MB', JSON.stringify({ ...patientFields(), givenName: 'x'.repeat(1_100_000) }), 'BODY_TOO_LARGE', '(body)'],
  ])('answers 400 naming the field for %s, and writes nothing', async (_label, body, code, field) => {
    const before = await countPatients();
    const response = await frontDesk.request({ method: 'POST', url: '/api/patients', headers: { 'content-type': 'application/json' }, payload: body });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code, field });
    expect(response.json().error.requestId).toBeTruthy();
    expect(await countPatients()).toBe(before);
  });
});

describe('duplicate detection', () => {
  it('shows likely matches (same birth date, similar name) before saving, and saves once the clerk confirms', async () => {
    const first = await register(frontDesk, patientFields({ givenName: 'Katherine', familyName: 'Vanderbilt', dateOfBirth: '1975-06-01' }));
    expect(first.statusCode).toBe(201);
    const before = await countPatients();
    const second = await register(frontDesk, patientFields({ givenName: 'Katharine', familyName: 'Vanderbilt', dateOfBirth: '1975-06-01' }));
    expect(second.statusCode).toBe(200);
    expect(second.json().outcome).toBe('possible-duplicates');
    expect(second.json().candidates[0]).toMatchObject({ id: first.json().patient.id, reasons: ['same-birth-date-similar-name'] });
    expect(await countPatients()).toBe(before);
    const confirmed = await register(frontDesk, patientFields({ givenName: 'Katharine', familyName: 'Vanderbilt', dateOfBirth: '1975-06-01', duplicatesReviewed: true }));
    expect(confirmed.statusCode).toBe(201);
  });

  it('flags a shared phone number, and the live check finds it while typing', async () => {
    await register(frontDesk, patientFields({ givenName: 'Omar', familyName: 'Haddad', mobilePhone: '(217) 555-7788', duplicatesReviewed: true }));
    const check = await frontDesk.request({ method: 'POST', url: '/api/patients/duplicate-check', payload: { givenName: 'Layla', familyName: 'Haddad', phones: ['217.555.7788'] } });
    expect(check.statusCode).toBe(200);
    expect(check.json().candidates.map((c: { givenName: string; reasons: string[] }) => [c.givenName, c.reasons])).toContainEqual(['Omar', ['same-phone']]);
  });

  it('does not flag a different person who only shares a birth date', async () => {
    await register(frontDesk, patientFields({ givenName: 'Winston', familyName: 'Abernathy', dateOfBirth: '1966-03-03', duplicatesReviewed: true }));
    const response = await register(frontDesk, patientFields({ givenName: 'Priya', familyName: 'Raman', dateOfBirth: '1966-03-03' }));
    expect(response.statusCode).toBe(201);
  });
});

describe('searching', () => {
  let patient: { id: string; mrn: string };
  beforeAll(async () => {
    patient = (await register(frontDesk, patientFields({ givenName: 'Jonathan', familyName: 'Whitfield', dateOfBirth: '1990-11-05', mobilePhone: '309-555-2468', duplicatesReviewed: true }))).json().patient;
    await register(frontDesk, patientFields({ givenName: 'Maria', familyName: 'Whitman', dateOfBirth: '1991-01-01', duplicatesReviewed: true }));
  });
  const search = async (q: string) => (await frontDesk.request({ method: 'GET', url: `/api/patients?q=${encodeURIComponent(q)}` })).json();

  it.each(['Jonathan Whitfield', 'jonathon whitfeild', 'Whitfeld', 'Whitfield, Jon', 'jonathan witfield'])('finds the patient by name typed as %s', async (q) => {
    const body = await search(q);
    expect(body.kind).toBe('name');
    expect(body.results[0]?.id).toBe(patient.id);
  });

  it.each(['1990-11-05', '11/05/1990', '11/5/1990', '11051990', '11-5-90'])('finds the patient by date of birth typed as %s', async (q) => {
    const body = await search(q);
    expect(body.kind).toBe('birth-date');
    expect(body.results.map((r: { id: string }) => r.id)).toContain(patient.id);
  });

  it.each(['309-555-2468', '(309) 555 2468', '+1 309 555 2468'])('finds the patient by phone typed as %s', async (q) => {
    const body = await search(q);
    expect(body.kind).toBe('phone');
    expect(body.results.map((r: { id: string }) => r.id)).toEqual([patient.id]);
  });

  it('finds the patient by MRN, and audits the search with the patients it returned', async () => {
    const body = await search(patient.mrn);
    expect(body.kind).toBe('mrn');
    expect(body.results.map((r: { id: string }) => r.id)).toEqual([patient.id]);
    const audit = await t.db.selectFrom('auditEvents').select(['details']).where('action', '=', 'search').where('actorId', '=', frontDesk.staffMemberId).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ kind: 'mrn', resultIds: [patient.id] });
  });

  it('never returns another organization’s patients, nor opens them by id', async () => {
    const other = await makeOrganization(t.db, 'Other Clinic');
    const outsider = await signInAs(t.app, (await makeStaffMember(t.db, other.organizationId, ['front-desk'])).username, TEST_PASSWORD);
    const found = (await outsider.request({ method: 'GET', url: '/api/patients?q=Whitfield' })).json();
    expect(found.results).toEqual([]);
    const opened = await outsider.request({ method: 'GET', url: `/api/patients/${patient.id}` });
    expect(opened.statusCode).toBe(404);
  });
});

describe('changing demographics', () => {
  it('saves with the version the clerk saw and refuses a stale version with 409, keeping the first change', async () => {
    const created = (await register(frontDesk, patientFields({ givenName: 'Lena', familyName: 'Okafor', duplicatesReviewed: true }))).json().patient;
    const { id, version, createdAt: _c, hasPhoto: _h, allergies: _a, allergyStatus: _s, allergyStatement: _as, status: _st, isRestricted: _r, mergedIntoPatientId: _m, mrn: _mrn, privacyNoticeAcknowledgedAt: _p, ...fields } = created;
    const first = await frontDesk.request({ method: 'PUT', url: `/api/patients/${id}`, headers: { 'if-match': `W/"${version}"` }, payload: { ...fields, city: 'Peoria' } });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(2);
    const stale = await frontDesk.request({ method: 'PUT', url: `/api/patients/${id}`, payload: { ...fields, city: 'Decatur', version } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    const stored = await t.db.selectFrom('patients').select(['city', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ city: 'Peoria', version: 2 });
    const audit = await t.db.selectFrom('auditEvents').select(['details']).where('patientId', '=', id).where('action', '=', 'update').executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ changed: ['city'] });
  });

  it('asks for the version when none is sent', async () => {
    const created = (await register(frontDesk, patientFields({ duplicatesReviewed: true }))).json().patient;
    const response = await frontDesk.request({ method: 'PUT', url: `/api/patients/${created.id}`, payload: patientFields() });
    expect(response.statusCode).toBe(428);
  });
});

describe('merging duplicates', () => {
  it('keeps both records, links the duplicate to the survivor, and hides it from search', async () => {
    const keep = (await register(frontDesk, patientFields({ givenName: 'Bartholomew', familyName: 'Quimby', dateOfBirth: '1948-02-02', duplicatesReviewed: true }))).json().patient;
    const dupe = (await register(frontDesk, patientFields({ givenName: 'Bartholomew', familyName: 'Quimbey', dateOfBirth: '1948-02-02', duplicatesReviewed: true }))).json().patient;
    const merge = await manager.request({
      method: 'POST', url: '/api/patients/merges',
      payload: { survivingPatientId: keep.id, mergedPatientId: dupe.id, reason: 'Same person, typo at registration', survivingVersion: keep.version, mergedVersion: dupe.version },
    });
    expect(merge.statusCode).toBe(201);
    const merged = await t.db.selectFrom('patients').select(['status', 'mergedIntoPatientId']).where('id', '=', dupe.id).executeTakeFirstOrThrow();
    expect(merged).toEqual({ status: 'merged', mergedIntoPatientId: keep.id });
    const found = (await frontDesk.request({ method: 'GET', url: '/api/patients?q=Bartholomew%20Quimby' })).json();
    expect(found.results.map((r: { id: string }) => r.id)).toEqual([keep.id]);
    const again = await manager.request({
      method: 'POST', url: '/api/patients/merges',
      payload: { survivingPatientId: keep.id, mergedPatientId: dupe.id, reason: 'again', survivingVersion: keep.version + 1, mergedVersion: dupe.version + 1 },
    });
    expect(again.statusCode).toBe(409);
  });

  it('is refused to the front desk', async () => {
    const response = await frontDesk.request({ method: 'POST', url: '/api/patients/merges', payload: {} });
    expect(response.statusCode).toBe(403);
  });
});

describe('restricted charts (break-the-glass)', () => {
  it('needs a typed reason, then opens the chart, audits the reason and alerts the manager', async () => {
    const created = (await register(frontDesk, patientFields({ givenName: 'Staff', familyName: 'Member', duplicatesReviewed: true }))).json().patient;
    const notManager = await frontDesk.request({ method: 'PUT', url: `/api/patients/${created.id}/restriction`, payload: { isRestricted: true, reason: 'Staff member chart', version: 1 } });
    expect(notManager.statusCode).toBe(403);
    const restricted = await manager.request({ method: 'PUT', url: `/api/patients/${created.id}/restriction`, payload: { isRestricted: true, reason: 'Staff member chart', version: 1 } });
    expect(restricted.statusCode).toBe(200);
    expect(restricted.json()).toMatchObject({ isRestricted: true, version: 2 });
    const refused = await frontDesk.request({ method: 'GET', url: `/api/patients/${created.id}` });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('BREAK_THE_GLASS_REQUIRED');
    expect(refused.body).not.toContain('Member');
    const tooShort = await frontDesk.request({ method: 'POST', url: `/api/patients/${created.id}/break-the-glass`, payload: { reason: 'need it' } });
    expect(tooShort.statusCode).toBe(400);
    const reason = 'Patient at the desk asking to update insurance';
    expect((await frontDesk.request({ method: 'POST', url: `/api/patients/${created.id}/break-the-glass`, payload: { reason } })).statusCode).toBe(200);
    expect((await frontDesk.request({ method: 'GET', url: `/api/patients/${created.id}` })).statusCode).toBe(200);
    const audit = await t.db.selectFrom('auditEvents').select(['reason']).where('patientId', '=', created.id).where('action', '=', 'break-the-glass').executeTakeFirstOrThrow();
    expect(audit.reason).toBe(reason);
    const alerts = (await manager.request({ method: 'GET', url: '/api/manager-alerts' })).json().alerts;
    expect(alerts.some((alert: { kind: string; patientId: string }) => alert.kind === 'break-the-glass' && alert.patientId === created.id)).toBe(true);
  });
});
