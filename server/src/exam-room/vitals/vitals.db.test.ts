import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signInAs, type SignedInClient, type TestApp } from '../../../test/build-test-app.js';
import { makeOrganization, makeStaffMember, TEST_PASSWORD } from '../../../test/factories.js';
import { makeAppointment, makePatientRow } from '../../../test/appointment-factories.js';
import { escalateDueVitalAlerts, LOINC, saveObservation, type ObservationContext } from './index.js';

let t: TestApp;
let organizationId: string;
let locationId: string;
let ma: SignedInClient;
let provider: SignedInClient;
let otherProvider: SignedInClient;
let providerId: string;
let otherProviderId: string;

beforeAll(async () => {
  t = await buildTestApp({ config: { reminderIntervalMs: 0, vitalAlertEscalationIntervalMs: 0 } });
  ({ organizationId, locationId } = await makeOrganization(t.db, 'Vitals Clinic'));
  ma = await signInAs(t.app, (await makeStaffMember(t.db, organizationId, ['medical-assistant'])).username, TEST_PASSWORD);
  const doctor = await makeStaffMember(t.db, organizationId, ['provider'], { displayName: 'Dr Vital' });
  providerId = doctor.id;
  provider = await signInAs(t.app, doctor.username, TEST_PASSWORD);
  const otherDoctor = await makeStaffMember(t.db, organizationId, ['provider']);
  otherProviderId = otherDoctor.id;
  otherProvider = await signInAs(t.app, otherDoctor.username, TEST_PASSWORD);
});
afterAll(() => t.close());

let slot = 0;
/** A roomed visit today with its encounter (inserted directly: opening encounters is the encounters area's). */
async function encounterFor(options: { dateOfBirth?: string; sexAtBirth?: 'male' | 'female' } = {}) {
  const patient = await makePatientRow(t.db, organizationId);
  if (options.dateOfBirth || options.sexAtBirth) {
    await t.db.updateTable('patients').set({ ...(options.dateOfBirth ? { dateOfBirth: options.dateOfBirth } : {}), ...(options.sexAtBirth ? { sexAtBirth: options.sexAtBirth } : {}) }).where('id', '=', patient.id).execute();
  }
  slot += 1;
  const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: patient.id, providerId, startsAt: new Date(Date.now() + slot * 60_000), minutes: 1, status: 'roomed' });
  const encounter = await t.db
    .insertInto('encounters')
    .values({ organizationId, locationId, patientId: patient.id, appointmentId: appointment.id, providerId, startedAt: new Date() })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  return { patientId: patient.id, appointmentId: appointment.id, encounterId: encounter.id };
}

const record = (client: SignedInClient, encounterId: string, payload: object) =>
  client.request({ method: 'POST', url: `/api/encounters/${encounterId}/vitals`, payload });
const criticalVitalTasks = async (patientId: string) =>
  t.db.selectFrom('tasks').selectAll().where('patientId', '=', patientId).where('kind', '=', 'critical-vital').execute();

describe('recording a vitals set', () => {
  it('stores lb and °F entries exactly in canonical UCUM, keeps what was typed, and computes BMI', async () => {
    const { encounterId } = await encounterFor();
    const response = await record(ma, encounterId, {
      weight: { value: 150, unit: '[lb_av]' },
      height: { value: 65, unit: '[in_i]' },
      temperature: { value: 98.6, unit: '[degF]', route: 'oral' },
      pulse: 72,
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    const byCode = (code: string) => body.observations.find((observation: { code: string }) => observation.code === code);
    expect(byCode(LOINC.bodyWeight)).toMatchObject({ value: 68.0388555, unit: 'kg', enteredValue: 150, enteredUnit: '[lb_av]', interpretation: null });
    expect(byCode(LOINC.bodyHeight)).toMatchObject({ value: 165.1, unit: 'cm', enteredValue: 65, enteredUnit: '[in_i]' });
    expect(byCode(LOINC.bodyTemperature)).toMatchObject({ value: 37, unit: 'Cel', enteredValue: 98.6, enteredUnit: '[degF]', interpretation: 'N' });
    // 68.0388555 kg / (1.651 m)^2 = 24.96... → 25.0 for display, still "healthy weight" on the exact value
    expect(body.bmi).toEqual({ value: 25, category: 'healthy weight' });
    expect(byCode(LOINC.bmi).value).toBeCloseTo(24.9611, 3);
    const stored = await t.db.selectFrom('observations').select(['value', 'enteredValue']).where('id', '=', byCode(LOINC.bodyWeight).id).executeTakeFirstOrThrow();
    expect(Number(stored.value)).toBe(68.0388555);
    expect(Number(stored.enteredValue)).toBe(150);
    expect(body.alerts).toEqual([]);
  });

  it('computes BMI from the latest height on file when the set has only a weight', async () => {
    const { encounterId } = await encounterFor();
    await record(ma, encounterId, { height: { value: 180, unit: 'cm' } });
    const response = await record(ma, encounterId, { weight: { value: 81, unit: 'kg' } });
    expect(response.json().bmi).toEqual({ value: 25, category: 'overweight' });
  });

  it('answers 400 naming the field for an implausible weight, a diastolic above its systolic, and a missing unit', async () => {
    const { encounterId, patientId } = await encounterFor();
    const heavy = await record(ma, encounterId, { weight: { value: 1500, unit: '[lb_av]' } });
    expect(heavy.statusCode).toBe(400);
    expect(heavy.json().error.issues).toEqual([expect.objectContaining({ field: 'weight.value', message: expect.stringContaining('1500 lb') })]);

    const swapped = await record(ma, encounterId, { bloodPressure: { systolic: 80, diastolic: 120 } });
    expect(swapped.statusCode).toBe(400);
    expect(swapped.json().error.issues).toEqual([expect.objectContaining({ field: 'bloodPressure.diastolic' })]);

    const noUnit = await record(ma, encounterId, { temperature: { value: 37 } });
    expect(noUnit.statusCode).toBe(400);
    expect(JSON.stringify(noUnit.json().error)).toContain('temperature.unit');

    expect(await t.db.selectFrom('observations').select('id').where('patientId', '=', patientId).execute()).toEqual([]);
  });

  it('refuses head circumference after 3 years and records it for an infant with pediatric interpretation', async () => {
    const adult = await encounterFor();
    const refused = await record(ma, adult.encounterId, { headCircumference: { value: 50, unit: 'cm' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.issues[0].field).toBe('headCircumference.value');

    const infantBirth = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
    const infant = await encounterFor({ dateOfBirth: infantBirth, sexAtBirth: 'male' });
    const ok = await record(ma, infant.encounterId, { headCircumference: { value: 43, unit: 'cm' }, pulse: 150 });
    expect(ok.statusCode).toBe(201);
    // 150/min is normal for an infant (an adult would be critically high)
    expect(ok.json().observations.find((o: { code: string }) => o.code === LOINC.heartRate).interpretation).toBe('N');
  });

  it('interprets the reading and each blood-pressure component, and prompts a repeat for an elevated BP (both readings kept)', async () => {
    const { encounterId } = await encounterFor();
    const first = await record(ma, encounterId, { bloodPressure: { systolic: 150, diastolic: 70, position: 'sitting', arm: 'left', cuffSize: 'adult' } });
    expect(first.statusCode).toBe(201);
    const bp = first.json().observations[0];
    expect(bp).toMatchObject({ code: LOINC.bloodPressurePanel, interpretation: 'H', isCritical: false, details: { position: 'sitting', arm: 'left', cuffSize: 'adult' } });
    expect(bp.components).toEqual([
      expect.objectContaining({ code: LOINC.systolic, value: 150, unit: 'mm[Hg]', interpretation: 'H' }),
      expect.objectContaining({ code: LOINC.diastolic, value: 70, unit: 'mm[Hg]', interpretation: 'N' }),
    ]);
    expect(first.json().prompts).toEqual([expect.objectContaining({ kind: 'repeat-blood-pressure', observationId: bp.id })]);

    const repeat = await record(ma, encounterId, { bloodPressure: { systolic: 138, diastolic: 70 }, repeatOfId: bp.id });
    expect(repeat.statusCode).toBe(201);
    expect(repeat.json().observations[0].repeatOfId).toBe(bp.id);
    expect(repeat.json().prompts).toEqual([]);
    const listed = await ma.request({ method: 'GET', url: `/api/encounters/${encounterId}/vitals` });
    expect(listed.json().observations.filter((o: { code: string }) => o.code === LOINC.bloodPressurePanel)).toHaveLength(2);
  });

  it('records orthostatic vitals as one entry grouped by one orthostatic set', async () => {
    const { encounterId } = await encounterFor();
    const response = await record(ma, encounterId, {
      orthostatic: [
        { position: 'lying', systolic: 128, diastolic: 78, pulse: 70 },
        { position: 'sitting', systolic: 120, diastolic: 76, pulse: 78 },
        { position: 'standing', systolic: 104, diastolic: 70, pulse: 96 },
      ],
    });
    expect(response.statusCode).toBe(201);
    const observations = response.json().observations as Array<{ orthostaticSetId: string; details: { orthostaticPosition: string } }>;
    expect(observations).toHaveLength(6);
    expect(new Set(observations.map((o) => o.orthostaticSetId)).size).toBe(1);
    expect(observations[0]!.orthostaticSetId).toBeTruthy();
    expect(observations.map((o) => o.details.orthostaticPosition)).toEqual(['lying', 'lying', 'sitting', 'sitting', 'standing', 'standing']);
  });
});

describe('critical readings', () => {
  it('creates exactly one urgent task for the provider in the same transaction, visible at once in their inbox, and flags the flow board', async () => {
    const { encounterId, patientId, appointmentId } = await encounterFor();
    const response = await record(ma, encounterId, { bloodPressure: { systolic: 190, diastolic: 124 }, pulse: 80 });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    const bp = body.observations.find((o: { code: string }) => o.code === LOINC.bloodPressurePanel);
    expect(bp).toMatchObject({ interpretation: 'HH', isCritical: true });
    expect(bp.components.map((c: { interpretation: string }) => c.interpretation)).toEqual(['HH', 'HH']);
    expect(body.alerts).toEqual([{ id: expect.any(String), taskId: expect.any(String), observationId: bp.id }]);
    expect(body.prompts).toEqual([expect.objectContaining({ kind: 're-measure-critical', observationId: bp.id })]);

    const tasks = await criticalVitalTasks(patientId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ id: body.alerts[0].taskId, priority: 'urgent', ownerStaffId: providerId, focusType: 'Observation', focusId: bp.id, status: 'open' });
    const inbox = await provider.request({ method: 'GET', url: '/api/tasks/mine' });
    expect(inbox.json().tasks.map((task: { id: string }) => task.id)).toContain(body.alerts[0].taskId);
    const events = await t.db.selectFrom('liveEvents').select(['topic', 'type']).where('organizationId', '=', organizationId).where('type', 'in', ['task.created', 'vital.critical']).execute();
    expect(events).toEqual(expect.arrayContaining([{ topic: 'inbox', type: 'task.created' }, { topic: `flow-board:${locationId}`, type: 'vital.critical' }]));

    const flag = async () => (await ma.request({ method: 'GET', url: `/api/flow-board?locationId=${locationId}` })).json()
      .rows.find((row: { appointmentId: string }) => row.appointmentId === appointmentId).hasCriticalAlert;
    expect(await flag()).toBe(true);
    expect((await provider.request({ method: 'POST', url: `/api/vital-alerts/${body.alerts[0].id}/acknowledge`, payload: {} })).statusCode).toBe(200);
    expect(await flag()).toBe(false);
  });

  it('stores a whole set at once: each reading with its own audit entry, two critical signs with an alert each, and nothing of a refused set', async () => {
    const { encounterId, patientId } = await encounterFor();
    const response = await record(ma, encounterId, {
      bloodPressure: { systolic: 192, diastolic: 126 }, pulse: 76, respirations: 16, spo2: { percent: 85 },
      temperature: { value: 37.1, unit: 'Cel', route: 'oral' }, weight: { value: 80, unit: 'kg' }, height: { value: 180, unit: 'cm' }, pain: 2,
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    const codes = body.observations.map((observation: { code: string }) => observation.code);
    expect(codes).toEqual([LOINC.bloodPressurePanel, LOINC.heartRate, LOINC.respiratoryRate, LOINC.bodyTemperature, LOINC.oxygenSaturation, LOINC.bodyHeight, LOINC.bodyWeight, LOINC.painSeverity, LOINC.bmi]);
    const ids = body.observations.map((observation: { id: string }) => observation.id);
    const audited = await t.db.selectFrom('auditEvents').select(['recordId', 'patientId', 'action']).where('recordType', '=', 'Observation').where('recordId', 'in', ids).execute();
    expect(audited.map((entry) => entry.recordId).sort()).toEqual([...ids].sort());
    expect(audited.every((entry) => entry.patientId === patientId && entry.action === 'create')).toBe(true);
    const bp = body.observations.find((o: { code: string }) => o.code === LOINC.bloodPressurePanel);
    const spo2 = body.observations.find((o: { code: string }) => o.code === LOINC.oxygenSaturation);
    expect(body.alerts.map((alert: { observationId: string }) => alert.observationId)).toEqual([bp.id, spo2.id]);
    expect((await criticalVitalTasks(patientId)).map((task) => task.focusId).sort()).toEqual([bp.id, spo2.id].sort());

    const refused = await encounterFor();
    const bad = await record(ma, refused.encounterId, { pulse: 70, bloodPressure: { systolic: 120, diastolic: 80 }, weight: { value: 9000, unit: 'kg' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('weight.value');
    expect(await t.db.selectFrom('observations').select('id').where('patientId', '=', refused.patientId).execute()).toEqual([]);
  });

  it('a re-measure is recorded and linked to the alert and never creates a second task', async () => {
    const { encounterId, patientId } = await encounterFor();
    const first = (await record(ma, encounterId, { spo2: { percent: 86 } })).json();
    expect(first.alerts).toHaveLength(1);
    const again = await record(ma, encounterId, { spo2: { percent: 87 }, repeatOfId: first.observations[0].id });
    expect(again.statusCode).toBe(201);
    expect(again.json().observations[0]).toMatchObject({ isCritical: true, repeatOfId: first.observations[0].id });
    expect(again.json().alerts).toEqual([]);
    expect(await criticalVitalTasks(patientId)).toHaveLength(1);
    const alert = await t.db.selectFrom('vitalAlerts').selectAll().where('id', '=', first.alerts[0].id).executeTakeFirstOrThrow();
    expect(alert.remeasureObservationId).toBe(again.json().observations[0].id);
    // a double submit without the link joins the open alert too
    await record(ma, encounterId, { spo2: { percent: 85 } });
    expect(await criticalVitalTasks(patientId)).toHaveLength(1);
  });

  it('a critical reading at a later visit raises its own alert for that visit’s provider while the earlier one is still open', async () => {
    const first = await encounterFor();
    const earlier = (await record(ma, first.encounterId, { bloodPressure: { systolic: 200, diastolic: 96 } })).json();
    expect(earlier.alerts).toHaveLength(1);
    // the same patient back the same day, seen by another provider, before the first alert was acknowledged
    slot += 1;
    const appointment = await makeAppointment(t.db, { organizationId, locationId, patientId: first.patientId, providerId: otherProviderId, startsAt: new Date(Date.now() + slot * 60_000), minutes: 1, status: 'roomed' });
    const secondVisit = await t.db
      .insertInto('encounters')
      .values({ organizationId, locationId, patientId: first.patientId, appointmentId: appointment.id, providerId: otherProviderId, startedAt: new Date() })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    const later = (await record(ma, secondVisit.id, { bloodPressure: { systolic: 205, diastolic: 98 } })).json();
    expect(later.alerts).toEqual([{ id: expect.any(String), taskId: expect.any(String), observationId: later.observations[0].id }]);
    const tasks = await criticalVitalTasks(first.patientId);
    expect(tasks.map((task) => task.ownerStaffId).sort()).toEqual([providerId, otherProviderId].sort());
  });

  it('raises no alert for an import or for a reading older than 24 hours (still flagged critical)', async () => {
    const { encounterId, patientId } = await encounterFor();
    const old = await record(ma, encounterId, { bloodPressure: { systolic: 200, diastolic: 125 }, effectiveAt: new Date(Date.now() - 25 * 3_600_000).toISOString() });
    expect(old.statusCode).toBe(201);
    expect(old.json().observations[0].isCritical).toBe(true);
    expect(old.json().alerts).toEqual([]);

    const context: ObservationContext = { actor: null, organizationId, staffMemberId: null, clientAddress: '127.0.0.1', requestId: 'import-test' };
    const imported = await t.db.transaction().execute((trx) => saveObservation(trx, context, {
      patientId, code: LOINC.heartRate, value: 150, unit: '/min', effectiveAt: new Date(),
    }, { source: 'import' }));
    expect(imported.observation).toMatchObject({ interpretation: 'HH', isCritical: true, source: 'import' });
    expect(imported.alert).toBeNull();
    expect(await criticalVitalTasks(patientId)).toHaveLength(0);
  });

  it('saveObservation: FHIR-neutral input with a supplied interpretation kept, a non-vital code stored as sent, a unit not allowed refused', async () => {
    const { patientId, encounterId } = await encounterFor();
    const context: ObservationContext = { actor: null, organizationId, staffMemberId: null, clientAddress: '127.0.0.1', requestId: 'fhir-test' };
    const saved = await t.db.transaction().execute(async (trx) => ({
      glucose: await saveObservation(trx, context, { patientId, category: 'laboratory', code: '41653-7', value: 412, unit: 'mg/dL', effectiveAt: new Date() }, { source: 'fhir' }),
      weight: await saveObservation(trx, context, { patientId, encounterId, code: LOINC.bodyWeight, value: 10, unit: '[lb_av]', interpretation: 'L', effectiveAt: new Date() }, { source: 'fhir' }),
    }));
    expect(saved.glucose.observation).toMatchObject({ code: '41653-7', unit: 'mg/dL', interpretation: null, isCritical: false, enteredValue: null });
    expect(Number(saved.glucose.observation.value)).toBe(412);
    expect(saved.weight.observation).toMatchObject({ unit: 'kg', enteredUnit: '[lb_av]', interpretation: 'L' });
    expect(Number(saved.weight.observation.value)).toBe(4.5359237);
    await expect(t.db.transaction().execute((trx) =>
      saveObservation(trx, context, { patientId, code: LOINC.bodyTemperature, value: 37, unit: 'kg', effectiveAt: new Date() }, { source: 'fhir' }),
    )).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ field: 'unit' })] });
    await expect(t.db.transaction().execute((trx) =>
      saveObservation(trx, context, { patientId, code: LOINC.heartRate, value: 80, effectiveAt: new Date() }, { source: 'fhir' }),
    )).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ field: 'unit' })] });
  });

  it('a rolled-back reading leaves no task behind (the task is in the reading’s transaction)', async () => {
    const { patientId, encounterId } = await encounterFor();
    const context: ObservationContext = { actor: null, organizationId, staffMemberId: null, clientAddress: '127.0.0.1', requestId: 'rollback-test' };
    await expect(t.db.transaction().execute(async (trx) => {
      const saved = await saveObservation(trx, context, { patientId, encounterId, code: LOINC.heartRate, value: 150, unit: '/min', effectiveAt: new Date() }, { source: 'fhir' });
      expect(saved.alert).not.toBeNull();
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    expect(await criticalVitalTasks(patientId)).toHaveLength(0);
  });
});

describe('acknowledging and escalating alerts', () => {
  it('the provider acknowledges: the alert closes and its task is completed; an MA may not', async () => {
    const { encounterId } = await encounterFor();
    const alert = (await record(ma, encounterId, { pulse: 150 })).json().alerts[0];
    const refused = await ma.request({ method: 'POST', url: `/api/vital-alerts/${alert.id}/acknowledge`, payload: {} });
    expect(refused.statusCode).toBe(403);
    const response = await provider.request({ method: 'POST', url: `/api/vital-alerts/${alert.id}/acknowledge`, payload: {} });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: alert.id, acknowledgedBy: provider.staffMemberId });
    const task = await t.db.selectFrom('tasks').select(['status']).where('id', '=', alert.taskId).executeTakeFirstOrThrow();
    expect(task.status).toBe('completed');
    // acknowledged alerts never escalate
    await escalateDueVitalAlerts(t.db, { now: new Date(Date.now() + 60 * 60_000) });
    const stored = await t.db.selectFrom('vitalAlerts').select('escalatedAt').where('id', '=', alert.id).executeTakeFirstOrThrow();
    expect(stored.escalatedAt).toBeNull();
  });

  it('escalates after the clinic’s minutes: the same task goes to the provider pool and the manager is alerted, once', async () => {
    await t.db.updateTable('organizationSettings').set({ criticalAlertEscalateMinutes: 3 }).where('organizationId', '=', organizationId).execute();
    try {
      const { encounterId, patientId } = await encounterFor();
      const alert = (await record(ma, encounterId, { respirations: 34 })).json().alerts[0];
      await escalateDueVitalAlerts(t.db, { now: new Date(Date.now() + 2 * 60_000) });
      expect((await t.db.selectFrom('vitalAlerts').select('escalatedAt').where('id', '=', alert.id).executeTakeFirstOrThrow()).escalatedAt).toBeNull();

      const [a, b] = await Promise.all([
        escalateDueVitalAlerts(t.db, { now: new Date(Date.now() + 4 * 60_000) }),
        escalateDueVitalAlerts(t.db, { now: new Date(Date.now() + 4 * 60_000) }),
      ]);
      expect(a + b).toBeGreaterThanOrEqual(1);
      const tasks = await criticalVitalTasks(patientId);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ id: alert.taskId, ownerStaffId: null, ownerPool: 'provider', status: 'open' });
      expect((await t.db.selectFrom('vitalAlerts').select('escalatedAt').where('id', '=', alert.id).executeTakeFirstOrThrow()).escalatedAt).not.toBeNull();
      const managerAlerts = await t.db.selectFrom('managerAlerts').selectAll().where('patientId', '=', patientId).where('kind', '=', 'critical-vital-escalated').execute();
      expect(managerAlerts).toHaveLength(1);
      expect(managerAlerts[0]!.message).toContain('3 minutes');
      const pool = await otherProvider.request({ method: 'GET', url: '/api/tasks/pools/provider' });
      expect(pool.json().tasks.map((task: { id: string }) => task.id)).toContain(alert.taskId);
    } finally {
      await t.db.updateTable('organizationSettings').set({ criticalAlertEscalateMinutes: 5 }).where('organizationId', '=', organizationId).execute();
    }
  });
});

describe('corrections and reinterpretation', () => {
  it('a reading in a signed-off encounter is corrected, never overwritten: the old value is kept as amended', async () => {
    const { encounterId, patientId } = await encounterFor();
    const weight = (await record(ma, encounterId, { weight: { value: 170, unit: '[lb_av]' } })).json().observations[0];
    await t.db.updateTable('encounters').set({ summarySignedOffAt: new Date(), summarySignedOffBy: providerId }).where('id', '=', encounterId).execute();

    const stale = await ma.request({ method: 'POST', url: `/api/observations/${weight.id}/corrections`, payload: { value: 171, reason: 'Scale was not zeroed', version: weight.version + 1 } });
    expect(stale.statusCode).toBe(409);
    const response = await ma.request({ method: 'POST', url: `/api/observations/${weight.id}/corrections`, payload: { value: 160, unit: '[lb_av]', reason: 'Scale was not zeroed', version: weight.version } });
    expect(response.statusCode).toBe(201);
    const { previous, correction } = response.json();
    expect(previous).toMatchObject({ id: weight.id, status: 'amended', replacedById: correction.id, value: weight.value, enteredValue: 170 });
    expect(correction).toMatchObject({ status: 'corrected', correctionOfId: weight.id, correctionReason: 'Scale was not zeroed', recordedBy: ma.staffMemberId, enteredValue: 160, enteredUnit: '[lb_av]' });
    const again = await ma.request({ method: 'POST', url: `/api/observations/${weight.id}/corrections`, payload: { value: 150, unit: '[lb_av]', reason: 'Again', version: weight.version } });
    expect(again.statusCode).toBe(409);
    const rows = await t.db.selectFrom('observations').select(['id', 'status']).where('patientId', '=', patientId).where('code', '=', LOINC.bodyWeight).execute();
    expect(rows).toHaveLength(2);
    const trend = await ma.request({ method: 'GET', url: `/api/patients/${patientId}/vitals?code=${LOINC.bodyWeight}` });
    expect(trend.json().series[0].points.map((p: { observationId: string }) => p.observationId)).toEqual([correction.id]);
  });

  it('only a provider changes what a reading means (an MA gets 403); the version is checked', async () => {
    const { encounterId } = await encounterFor();
    const spo2 = (await record(ma, encounterId, { spo2: { percent: 92 } })).json().observations[0];
    expect(spo2.interpretation).toBe('L');
    const refused = await ma.request({ method: 'POST', url: `/api/observations/${spo2.id}/interpretation`, payload: { interpretation: 'N', reason: 'COPD baseline', version: spo2.version } });
    expect(refused.statusCode).toBe(403);
    const response = await provider.request({ method: 'POST', url: `/api/observations/${spo2.id}/interpretation`, payload: { interpretation: 'N', reason: 'COPD baseline', version: spo2.version } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ interpretation: 'N', interpretationSetBy: provider.staffMemberId, interpretationReason: 'COPD baseline', version: spo2.version + 1 });
    const stale = await provider.request({ method: 'POST', url: `/api/observations/${spo2.id}/interpretation`, payload: { interpretation: 'L', reason: 'Reverted', version: spo2.version } });
    expect(stale.statusCode).toBe(409);
  });
});

describe('charts', () => {
  it('growth charts give each point a percentile and z-score and the reference curves', async () => {
    const birth = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    const { encounterId, patientId } = await encounterFor({ dateOfBirth: birth, sexAtBirth: 'female' });
    expect((await record(ma, encounterId, { weight: { value: 9.2, unit: 'kg' }, height: { value: 74, unit: 'cm', isLength: true } })).statusCode).toBe(201);
    const response = await ma.request({ method: 'GET', url: `/api/patients/${patientId}/growth-charts` });
    expect(response.statusCode).toBe(200);
    const weight = response.json().charts.find((chart: { kind: string }) => chart.kind === 'weight-for-age');
    expect(weight.points).toHaveLength(1);
    expect(weight.points[0]).toMatchObject({ value: 9.2, unit: 'kg', table: 'wtageinf' });
    expect(weight.points[0].percentile).toBeGreaterThan(25);
    expect(weight.points[0].percentile).toBeLessThan(75);
    expect(weight.curves.map((curve: { percentile: string }) => curve.percentile)).toEqual(['P3', 'P5', 'P10', 'P25', 'P50', 'P75', 'P90', 'P95', 'P97']);
    expect(weight.curves[4].points.length).toBeGreaterThan(30);
    const length = response.json().charts.find((chart: { kind: string }) => chart.kind === 'length-or-stature-for-age');
    expect(length.points[0].table).toBe('lenageinf');
  });

  it('the trend series lists readings over time per code', async () => {
    const { encounterId, patientId } = await encounterFor();
    await record(ma, encounterId, { pulse: 70, effectiveAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
    await record(ma, encounterId, { pulse: 88 });
    const response = await provider.request({ method: 'GET', url: `/api/patients/${patientId}/vitals?code=${LOINC.heartRate}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().series).toEqual([expect.objectContaining({ code: LOINC.heartRate, unit: '/min' })]);
    expect(response.json().series[0].points.map((p: { value: number }) => p.value)).toEqual([70, 88]);
  });
});
