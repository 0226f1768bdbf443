import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';

let t: TestApp;
let organizationId: string;
let locationId: string;
let providerId: string;
let ma: SignedInClient;
let provider: SignedInClient;
let manager: SignedInClient;
let frontDesk: SignedInClient;
const typeIds = new Map<string, string>();

beforeAll(async () => {
  t = await buildTestApp();
  ({ organizationId, locationId } = await makeOrganization(t.db, 'Rooming Clinic'));
  ma = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'], { displayName: 'Maria MA' })).username, TEST_PASSWORD);
  const providerMember = await makeStaffMember(t.db, organizationId, ['provider'], { displayName: 'Dr Patel' });
  providerId = providerMember.id;
  provider = await signInAs(t.app, providerMember.username, TEST_PASSWORD);
  manager = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['manager'])).username, TEST_PASSWORD);
  frontDesk = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['front-desk'])).username, TEST_PASSWORD);
  for (const [name, visitKind] of [['Annual physical', 'CHECKUP'], ['Follow-up', 'FOLLOWUP'], ['Same-day sick', 'EMERGENCY']] as const) {
    const row = await t.db.insertInto('appointmentTypes').values({ organizationId, name, durationMinutes: 20, visitKind }).returning('id').executeTakeFirstOrThrow();
    typeIds.set(name, row.id);
  }
});
afterAll(() => t.close());

let minutesAhead = 0;
/** An arrived visit (checked in), optionally of an appointment type, for a patient born on `dateOfBirth`. */
async function arrivedVisit(options: { type?: string; reason?: string; dateOfBirth?: string; isWalkIn?: boolean; status?: 'arrived' | 'scheduled' } = {}) {
  const patient = await makePatientRow(t.db, organizationId);
  if (options.dateOfBirth) await t.db.updateTable('patients').set({ dateOfBirth: options.dateOfBirth }).where('id', '=', patient.id).execute();
  minutesAhead += 1;
  const appointment = await makeAppointment(t.db, {
    organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.now() + minutesAhead * 60_000), minutes: 1,
    status: options.status ?? 'arrived', isWalkIn: options.isWalkIn ?? false,
  });
  await t.db
    .updateTable('appointments')
    .set({ appointmentTypeId: options.type ? typeIds.get(options.type)! : null, reasonForVisit: options.reason ?? '' })
    .where('id', '=', appointment.id)
    .execute();
  return { ...appointment, patientId: patient.id };
}

async function readyRoom() {
  const row = await t.db.insertInto('examRooms').values({ organizationId, locationId, name: `Exam ${Math.random().toString(36).slice(2, 8)}` }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

async function room(visit: { id: string }, client = ma) {
  const current = await t.db.selectFrom('appointments').select('version').where('id', '=', visit.id).executeTakeFirstOrThrow();
  return client.request({ method: 'POST', url: `/api/appointments/${visit.id}/room`, payload: { roomId: await readyRoom(), version: current.version } });
}

const encounterOf = (appointmentId: string, client = ma) => client.request({ method: 'GET', url: `/api/appointments/${appointmentId}/encounter` });
const patch = (encounterId: string, payload: object, headers: Record<string, string> = {}) => ma.request({ method: 'PATCH', url: `/api/encounters/${encounterId}`, payload, headers });
const keys = (encounter: { checklist: { key: string }[] }) => encounter.checklist.map((item) => item.key);

describe('rooming opens the encounter', () => {
  it('opens exactly one encounter when the MA rooms the patient, and rooming again returns the same one', async () => {
    const visit = await arrivedVisit({ type: 'Annual physical', reason: 'Yearly check' });
    expect((await room(visit)).statusCode).toBe(200);
    const first = await encounterOf(visit.id);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      appointmentId: visit.id, patientId: visit.patientId, providerId, locationId, visitType: 'annual-physical', visitTypeLabel: 'Annual physical',
      status: 'in-progress', reasonForVisit: 'Yearly check', chiefComplaint: '', roomedBy: { name: 'Maria MA' }, version: 1,
    });
    expect(first.json().roomedAt).not.toBeNull();

    // the patient goes back to the waiting room and is roomed again: still one encounter
    const current = await t.db.selectFrom('appointments').select('version').where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect((await ma.request({ method: 'POST', url: `/api/appointments/${visit.id}/status`, payload: { to: 'arrived', version: current.version } })).statusCode).toBe(200);
    expect((await room(visit)).statusCode).toBe(200);
    const opened = await ma.request({ method: 'POST', url: '/api/encounters', payload: { appointmentId: visit.id } });
    expect(opened.statusCode).toBe(200);
    expect(opened.json().id).toBe(first.json().id);
    const count = await t.db.selectFrom('encounters').select((eb) => eb.fn.countAll<number>().as('n')).where('appointmentId', '=', visit.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    const audit = await t.db.selectFrom('auditEvents').select('action').where('recordType', '=', 'Encounter').where('recordId', '=', first.json().id).where('action', '=', 'create').execute();
    expect(audit).toHaveLength(1);
  });

  it('opens an encounter for a walk-in (a sick visit) through POST /api/encounters with 201', async () => {
    const visit = await arrivedVisit({ isWalkIn: true });
    const response = await ma.request({ method: 'POST', url: '/api/encounters', payload: { appointmentId: visit.id, chiefComplaint: 'my throat hurts' } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ visitType: 'sick-visit', chiefComplaint: 'my throat hurts', roomedBy: null });
    const byId = await ma.request({ method: 'GET', url: `/api/encounters/${response.json().id}` });
    expect(byId.json()).toMatchObject({ id: response.json().id, appointmentId: visit.id });
  });

  it('refuses to open an encounter before the patient has arrived, and answers 404 for unknown ones', async () => {
    const visit = await arrivedVisit({ status: 'scheduled' });
    const response = await ma.request({ method: 'POST', url: '/api/encounters', payload: { appointmentId: visit.id } });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'APPOINTMENT_NOT_CHANGEABLE', field: 'appointmentId' });
    expect((await encounterOf(visit.id)).json().error.code).toBe('ENCOUNTER_NOT_FOUND');
    expect((await frontDesk.request({ method: 'POST', url: '/api/encounters', payload: { appointmentId: visit.id } })).statusCode).toBe(403);
  });
});

describe('rooming checklist by visit type', () => {
  it('chooses the checklist from the appointment type, the booking reason and the patient’s age', async () => {
    const adult = await arrivedVisit({ type: 'Annual physical', dateOfBirth: '1970-03-01' });
    await room(adult);
    const physical = (await encounterOf(adult.id)).json();
    expect(keys(physical)).toEqual(expect.arrayContaining(['vitals', 'allergies-reviewed', 'medications-reconciled', 'phq-2', 'tobacco-screening', 'audit-c']));
    expect(keys(physical)).not.toContain('visual-acuity'); // a specialty extra, off until the clinic turns it on
    expect(keys(physical)).not.toContain('fall-risk'); // 56 years old

    const diabetic = await arrivedVisit({ type: 'Follow-up', reason: 'Diabetes check' });
    await room(diabetic);
    const diabeticEncounter = (await encounterOf(diabetic.id)).json();
    expect(diabeticEncounter.visitType).toBe('diabetic-follow-up');
    expect(keys(diabeticEncounter)).toEqual(expect.arrayContaining(['a1c-poc', 'foot-exam-prep']));

    const toddler = await arrivedVisit({ type: 'Annual physical', dateOfBirth: new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10) });
    await room(toddler);
    const wellChild = (await encounterOf(toddler.id)).json();
    expect(wellChild.visitType).toBe('well-child');
    expect(keys(wellChild)).toEqual(expect.arrayContaining(['growth-measurements', 'head-circumference']));

    const fiveYearOld = await arrivedVisit({ type: 'Annual physical', dateOfBirth: new Date(Date.now() - 5 * 366 * 86_400_000).toISOString().slice(0, 10) });
    await room(fiveYearOld);
    const olderChild = (await encounterOf(fiveYearOld.id)).json();
    expect(olderChild.visitType).toBe('well-child');
    expect(keys(olderChild)).not.toContain('head-circumference');

    const sick = await arrivedVisit({ type: 'Same-day sick' });
    await room(sick);
    expect((await encounterOf(sick.id)).json()).toMatchObject({ visitType: 'sick-visit' });
  });

  it('lets the manager switch on a specialty extra; an MA may read the checklists but not edit them', async () => {
    const list = await manager.request({ method: 'GET', url: '/api/rooming-checklists' });
    expect(list.statusCode).toBe(200);
    const physical = list.json().checklists.find((checklist: { visitType: string }) => checklist.visitType === 'annual-physical');
    expect(physical.items.find((item: { key: string }) => item.key === 'visual-acuity')).toMatchObject({ isSpecialtyExtra: true, isActive: false });
    const types = list.json().checklists.map((checklist: { visitType: string }) => checklist.visitType);
    expect(types).toEqual(expect.arrayContaining(['annual-physical', 'sick-visit', 'well-child', 'diabetic-follow-up', 'follow-up', 'new-patient', 'prenatal']));
    expect((await ma.request({ method: 'GET', url: '/api/rooming-checklists' })).statusCode).toBe(200);

    const items = physical.items.map((item: { key: string; label: string; isActive: boolean }) => ({ key: item.key, label: item.label, isActive: item.key === 'visual-acuity' ? true : item.isActive }));
    const refused = await ma.request({ method: 'PUT', url: '/api/rooming-checklists/annual-physical', payload: { items, version: physical.version } });
    expect(refused.statusCode).toBe(403);
    expect((await manager.request({ method: 'PUT', url: '/api/rooming-checklists/annual-physical', payload: { items } })).statusCode).toBe(428);
    expect((await manager.request({ method: 'PUT', url: '/api/rooming-checklists/annual-physical', payload: { items, version: physical.version + 5 } })).json().error.code).toBe('VERSION_CONFLICT');

    const saved = await manager.request({ method: 'PUT', url: '/api/rooming-checklists/annual-physical', payload: { items: items.filter((item: { key: string }) => item.key !== 'hearing-screen'), version: physical.version } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().version).toBe(physical.version + 1);
    expect(saved.json().items.find((item: { key: string }) => item.key === 'visual-acuity')).toMatchObject({ isActive: true, isSpecialtyExtra: true });
    expect(saved.json().items.find((item: { key: string }) => item.key === 'hearing-screen')).toMatchObject({ isActive: false });

    const visit = await arrivedVisit({ type: 'Annual physical', dateOfBirth: '1980-01-01' });
    await room(visit);
    const encounter = (await encounterOf(visit.id)).json();
    expect(keys(encounter)).toContain('visual-acuity');
    expect(keys(encounter)).not.toContain('hearing-screen');
  });

  it('lets the manager add a visit type of the clinic’s own, which encounters may then use', async () => {
    const created = await manager.request({ method: 'PUT', url: '/api/rooming-checklists/sports-physical', payload: { items: [{ key: 'vitals', label: 'Vital signs' }, { key: 'visual-acuity', label: 'Visual acuity', isSpecialtyExtra: true }] } });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ visitType: 'sports-physical', label: 'Sports physical', version: 1 });
    const visit = await arrivedVisit();
    const opened = await ma.request({ method: 'POST', url: '/api/encounters', payload: { appointmentId: visit.id, visitType: 'sports-physical' } });
    expect(opened.statusCode).toBe(201);
    expect(keys(opened.json())).toEqual(['vitals', 'visual-acuity']);
  });
});

describe('recording what the MA learns while rooming', () => {
  it('records the chief complaint, reason and ticks with the version; a stale version gets 409 and a missing one 428', async () => {
    const visit = await arrivedVisit({ type: 'Follow-up' });
    await room(visit);
    const encounter = (await encounterOf(visit.id)).json();
    const saved = await patch(encounter.id, { chiefComplaint: 'my knee has hurt since Sunday', reasonForVisit: 'Knee pain', checklistDone: ['vitals', 'allergies-reviewed'], version: encounter.version });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ chiefComplaint: 'my knee has hurt since Sunday', reasonForVisit: 'Knee pain', checklistDone: ['vitals', 'allergies-reviewed'], version: encounter.version + 1 });
    expect(saved.json().checklist.filter((item: { isDone: boolean }) => item.isDone).map((item: { key: string }) => item.key)).toEqual(['vitals', 'allergies-reviewed']);

    const stale = await patch(encounter.id, { chiefComplaint: 'something else', version: encounter.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    expect((await patch(encounter.id, { chiefComplaint: 'something else' })).statusCode).toBe(428);
    const viaIfMatch = await patch(encounter.id, { checklistDone: ['vitals'] }, { 'if-match': `W/"${encounter.version + 1}"` });
    expect(viaIfMatch.statusCode).toBe(200);
    expect(viaIfMatch.json()).toMatchObject({ checklistDone: ['vitals'], chiefComplaint: 'my knee has hurt since Sunday' });

    const stored = await t.db.selectFrom('encounters').select(['chiefComplaint', 'version']).where('id', '=', encounter.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ chiefComplaint: 'my knee has hurt since Sunday', version: encounter.version + 2 });
    const audit = await t.db.selectFrom('auditEvents').select('details').where('recordId', '=', encounter.id).where('action', '=', 'update').execute();
    expect(JSON.stringify(audit)).not.toContain('knee');
  });

  it('names the field for an unknown checklist key or visit type, and keeps only ticks the new visit type has', async () => {
    const visit = await arrivedVisit({ type: 'Annual physical', dateOfBirth: '1975-05-05' });
    await room(visit);
    const encounter = (await encounterOf(visit.id)).json();
    const unknownKey = await patch(encounter.id, { checklistDone: ['fundal-height'], version: encounter.version });
    expect(unknownKey.statusCode).toBe(400);
    expect(unknownKey.json().error.field).toBe('checklistDone');
    const unknownType = await patch(encounter.id, { visitType: 'space-travel', version: encounter.version });
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json().error.field).toBe('visitType');
    const badShape = await patch(encounter.id, { visitType: 'Not A Key', version: encounter.version });
    expect(badShape.statusCode).toBe(400);

    const ticked = (await patch(encounter.id, { checklistDone: ['vitals', 'phq-2'], version: encounter.version })).json();
    const changed = await patch(encounter.id, { visitType: 'sick-visit', version: ticked.version });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ visitType: 'sick-visit', checklistDone: ['vitals'] });
  });
});

describe('hand-off to the provider', () => {
  it('moves the visit to ready-for-provider through the flow and records who handed off; the provider signs off (an MA may not)', async () => {
    const visit = await arrivedVisit({ type: 'Follow-up' });
    await room(visit);
    const encounter = (await encounterOf(visit.id)).json();
    expect((await frontDesk.request({ method: 'POST', url: `/api/encounters/${encounter.id}/ready-for-provider`, payload: { version: encounter.version } })).statusCode).toBe(403);
    expect((await ma.request({ method: 'POST', url: `/api/encounters/${encounter.id}/ready-for-provider`, payload: {} })).statusCode).toBe(428);

    const ready = await ma.request({ method: 'POST', url: `/api/encounters/${encounter.id}/ready-for-provider`, payload: { version: encounter.version } });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().visit).toMatchObject({ id: visit.id, status: 'ready-for-provider' });
    expect(ready.json().encounter).toMatchObject({ readyForProviderBy: { name: 'Maria MA' }, version: encounter.version + 1 });
    const appointment = await t.db.selectFrom('appointments').select('status').where('id', '=', visit.id).executeTakeFirstOrThrow();
    expect(appointment.status).toBe('ready-for-provider');
    const history = await t.db.selectFrom('appointmentStatusChanges').select('toStatus').where('appointmentId', '=', visit.id).orderBy('changedAt').execute();
    expect(history.map((change) => change.toStatus)).toEqual(['roomed', 'ready-for-provider']);
    const events = await t.db.selectFrom('liveEvents').select(['topic', 'type']).where('topic', '=', `flow-board:${locationId}`).where('type', '=', 'appointment.ready-for-provider').execute();
    expect(events.length).toBeGreaterThan(0);

    // handing off twice: the visit is already there
    const again = await ma.request({ method: 'POST', url: `/api/encounters/${encounter.id}/ready-for-provider`, payload: { version: encounter.version + 1 } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_STATUS_TRANSITION');

    const byMa = await ma.request({ method: 'POST', url: `/api/encounters/${encounter.id}/sign-off`, payload: { version: encounter.version + 1 } });
    expect(byMa.statusCode).toBe(403);
    expect(byMa.json().error.code).toBe('FORBIDDEN_BY_POLICY');
    const signed = await provider.request({ method: 'POST', url: `/api/encounters/${encounter.id}/sign-off`, payload: { version: encounter.version + 1 } });
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({ summarySignedOffBy: { name: 'Dr Patel' }, version: encounter.version + 2 });
    expect(signed.json().summarySignedOffAt).not.toBeNull();
    const twice = await provider.request({ method: 'POST', url: `/api/encounters/${encounter.id}/sign-off`, payload: { version: encounter.version + 2 } });
    expect(twice.json().error.code).toBe('ROOMING_SUMMARY_ALREADY_SIGNED');
  });
});
