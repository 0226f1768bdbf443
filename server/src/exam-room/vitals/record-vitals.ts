import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { FieldIssue } from '../../../../contracts/errors.js';
import type { RecordVitalsRequest, RecordVitalsResponse } from '../../../../contracts/exam-room/vitals.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/index.js';
import { bmiForAge, pediatricBmiCategory } from '../growth/growth-percentiles.js';
import { calculateBmi, classifyAdultBmi } from './bmi.js';
import { ageOn, needsRepeatBloodPressure, type PatientAge } from './interpretation.js';
import { toObservationView } from './observation-view.js';
import { findImplausibleVitals, type VitalsEntry, type VitalsField } from './plausibility.js';
import { findRepeatedReading, ObservationBatch, type ObservationContext, type ObservationInput } from './save-observation.js';
import { LOINC } from './vital-codes.js';

/** Where each plausibility field sits in the vitals form (the request body). */
const FORM_FIELD: Record<VitalsField, string> = {
  weight: 'weight.value',
  height: 'height.value',
  headCircumference: 'headCircumference.value',
  temperature: 'temperature.value',
  systolic: 'bloodPressure.systolic',
  diastolic: 'bloodPressure.diastolic',
  heartRate: 'pulse',
  respiratoryRate: 'respirations',
  oxygenSaturation: 'spo2.percent',
  painScore: 'pain',
};

/** Every problem of the whole form at once, each under its input. */
function checkForm(body: RecordVitalsRequest, age: PatientAge | null): FieldIssue[] {
  const entry: VitalsEntry = {
    ...(body.weight ? { weight: body.weight } : {}),
    ...(body.height ? { height: body.height } : {}),
    ...(body.headCircumference ? { headCircumference: body.headCircumference } : {}),
    ...(body.temperature ? { temperature: { value: body.temperature.value, unit: body.temperature.unit } } : {}),
    ...(body.bloodPressure ? { systolic: body.bloodPressure.systolic, diastolic: body.bloodPressure.diastolic } : {}),
    ...(body.pulse !== undefined ? { heartRate: body.pulse } : {}),
    ...(body.respirations !== undefined ? { respiratoryRate: body.respirations } : {}),
    ...(body.spo2 ? { oxygenSaturation: body.spo2.percent } : {}),
    ...(body.pain !== undefined ? { painScore: body.pain } : {}),
  };
  const issues: FieldIssue[] = findImplausibleVitals(entry).map((problem) => ({ field: FORM_FIELD[problem.field], message: problem.message }));
  (body.orthostatic ?? []).forEach((position, index) => {
    for (const problem of findImplausibleVitals({ systolic: position.systolic, diastolic: position.diastolic, heartRate: position.pulse })) {
      const name = problem.field === 'heartRate' ? 'pulse' : problem.field;
      issues.push({ field: `orthostatic.${index}.${name}`, message: problem.message });
    }
  });
  const positions = (body.orthostatic ?? []).map((position) => position.position);
  if (new Set(positions).size !== positions.length) issues.push({ field: 'orthostatic', message: 'Each position (lying, sitting, standing) is recorded once.' });
  if (body.headCircumference && age && age.months >= 36) {
    issues.push({ field: 'headCircumference.value', message: 'Head circumference is measured only under 3 years of age.' });
  }
  const measured = ['bloodPressure', 'pulse', 'respirations', 'temperature', 'spo2', 'height', 'weight', 'headCircumference', 'pain', 'orthostatic'] as const;
  if (!measured.some((key) => body[key] !== undefined)) issues.push({ field: 'bloodPressure', message: 'Enter at least one vital sign.' });
  return issues;
}

async function latestHeightCm(trx: Transaction<Database>, organizationId: string, patientId: string): Promise<number | null> {
  const row = await trx
    .selectFrom('observations')
    .select('value')
    .where('organizationId', '=', organizationId)
    .where('patientId', '=', patientId)
    .where('code', 'in', [LOINC.bodyHeight, LOINC.bodyLength])
    .where('status', 'in', ['final', 'corrected'])
    .orderBy('effectiveAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.value === null || row?.value === undefined ? null : Number(row.value);
}

function bmiCategory(value: number, age: PatientAge, sex: string): string | null {
  if (age.years >= 20) return classifyAdultBmi(value);
  if (age.months < 24 || (sex !== 'male' && sex !== 'female')) return null;
  try {
    return pediatricBmiCategory(bmiForAge({ sex, ageMonths: age.days / 30.4375, value }).percentile);
  } catch {
    return null;
  }
}

/**
 * Records one vitals set of an encounter in one transaction: checks the whole form first, stores each
 * reading as saveObservation does (canonical UCUM, entered value kept, interpretation, critical alert)
 * in one ObservationBatch, so the set's readings and their audit entries are two inserts,
 * derives BMI from the set's weight and the set's (or latest) height, and answers the prompts the MA
 * must act on: repeat an elevated BP after rest, re-measure a critical reading.
 */
export async function recordVitalsSet(
  db: Kysely<Database>,
  context: ObservationContext,
  encounterId: string,
  body: RecordVitalsRequest,
  now = new Date(),
): Promise<RecordVitalsResponse> {
  return db.transaction().execute(async (trx) => {
    const encounter = await trx
      .selectFrom('encounters as e')
      .innerJoin('patients as p', 'p.id', 'e.patientId')
      .select(['e.id', 'e.patientId', 'e.status', 'p.dateOfBirth', 'p.sexAtBirth'])
      .where('e.id', '=', encounterId)
      .where('e.organizationId', '=', context.organizationId)
      .executeTakeFirst();
    if (!encounter) throw new AppError('NOT_FOUND', { field: 'encounterId', message: 'No such encounter.' });
    if (encounter.status === 'cancelled' || encounter.status === 'entered-in-error') {
      throw new AppError('VALIDATION_FAILED', { field: 'encounterId', issues: [{ field: 'encounterId', message: 'This encounter was cancelled; vitals cannot be added to it.' }] });
    }
    const effectiveAt = body.effectiveAt ? new Date(body.effectiveAt) : now;
    let age: PatientAge | null = null;
    try {
      age = ageOn(encounter.dateOfBirth, effectiveAt.toISOString().slice(0, 10));
    } catch {
      throw new AppError('VALIDATION_FAILED', { field: 'effectiveAt', issues: [{ field: 'effectiveAt', message: 'The reading is dated before the patient was born.' }] });
    }
    const issues = checkForm(body, age);
    if (issues.length > 0) throw new AppError('VALIDATION_FAILED', { field: issues[0]!.field, issues });

    let repeatOfCode: string | null = null;
    if (body.repeatOfId) {
      const earlier = await findRepeatedReading(trx, context.organizationId, body.repeatOfId);
      if (!earlier || earlier.patientId !== encounter.patientId) {
        throw new AppError('VALIDATION_FAILED', { field: 'repeatOfId', issues: [{ field: 'repeatOfId', message: 'The reading this repeats was not found for this patient.' }] });
      }
      repeatOfCode = earlier.code;
    }

    const vitalsSetId = randomUUID();
    const batch = new ObservationBatch(trx, context, { patient: { id: encounter.patientId, dateOfBirth: encounter.dateOfBirth, sexAtBirth: encounter.sexAtBirth } });
    const base = { patientId: encounter.patientId, encounterId: encounter.id, effectiveAt, category: 'vital-signs' as const };
    const save = (input: Omit<ObservationInput, 'patientId' | 'encounterId' | 'effectiveAt'>, fieldNames: Record<string, string>, orthostaticSetId?: string) =>
      batch.add({
        ...base, ...input, ...(body.repeatOfId && input.code === repeatOfCode && !orthostaticSetId ? { repeatOfId: body.repeatOfId } : {}),
      }, { source: 'app', vitalsSetId, orthostaticSetId: orthostaticSetId ?? null, now, fieldNames, repeatOfChecked: true });

    if (body.bloodPressure) {
      const { systolic, diastolic, ...details } = body.bloodPressure;
      await save({
        code: LOINC.bloodPressurePanel,
        components: [{ code: LOINC.systolic, value: systolic, unit: 'mm[Hg]' }, { code: LOINC.diastolic, value: diastolic, unit: 'mm[Hg]' }],
        details,
      }, { systolic: 'bloodPressure.systolic', diastolic: 'bloodPressure.diastolic' });
    }
    if (body.pulse !== undefined) await save({ code: LOINC.heartRate, value: body.pulse, unit: '/min' }, { value: 'pulse' });
    if (body.respirations !== undefined) await save({ code: LOINC.respiratoryRate, value: body.respirations, unit: '/min' }, { value: 'respirations' });
    if (body.temperature) {
      await save({ code: LOINC.bodyTemperature, value: body.temperature.value, unit: body.temperature.unit, details: { route: body.temperature.route } },
        { value: 'temperature.value', unit: 'temperature.unit' });
    }
    if (body.spo2) {
      const onOxygen = body.spo2.oxygen !== 'room-air';
      await save({
        code: LOINC.oxygenSaturation,
        value: body.spo2.percent,
        unit: '%',
        components: onOxygen && typeof body.spo2.oxygen === 'object' ? [{ code: LOINC.inhaledOxygenFlow, value: body.spo2.oxygen.flowLitresPerMinute, unit: 'L/min' }] : [],
        details: { oxygen: body.spo2.oxygen },
      }, { value: 'spo2.percent' });
    }
    let heightCm: number | null = null;
    if (body.height) {
      const result = await save({
        code: body.height.isLength ? LOINC.bodyLength : LOINC.bodyHeight, value: body.height.value, unit: body.height.unit,
        details: body.height.isLength ? { isLength: true } : {},
      }, { value: 'height.value', unit: 'height.unit' });
      heightCm = Number(result.values.value);
    }
    let weight: { value: number; unit: '[lb_av]' | 'kg' | 'g' | '[oz_av]' } | null = null;
    if (body.weight) {
      await save({ code: LOINC.bodyWeight, value: body.weight.value, unit: body.weight.unit }, { value: 'weight.value', unit: 'weight.unit' });
      weight = body.weight;
    }
    if (body.headCircumference) {
      await save({ code: LOINC.headCircumference, value: body.headCircumference.value, unit: body.headCircumference.unit },
        { value: 'headCircumference.value', unit: 'headCircumference.unit' });
    }
    if (body.pain !== undefined) await save({ code: LOINC.painSeverity, value: body.pain, unit: '{score}' }, { value: 'pain' });
    if (body.orthostatic) {
      const orthostaticSetId = randomUUID();
      for (const [index, position] of body.orthostatic.entries()) {
        const details = { orthostaticPosition: position.position, position: position.position };
        await save({
          code: LOINC.bloodPressurePanel,
          components: [{ code: LOINC.systolic, value: position.systolic, unit: 'mm[Hg]' }, { code: LOINC.diastolic, value: position.diastolic, unit: 'mm[Hg]' }],
          details,
        }, { systolic: `orthostatic.${index}.systolic`, diastolic: `orthostatic.${index}.diastolic` }, orthostaticSetId);
        await save({ code: LOINC.heartRate, value: position.pulse, unit: '/min', details }, { value: `orthostatic.${index}.pulse` }, orthostaticSetId);
      }
    }

    // BMI is derived, never typed: the set's weight with the set's height, or the latest height on file.
    let bmi: RecordVitalsResponse['bmi'] = null;
    if (weight) {
      heightCm ??= await latestHeightCm(trx, context.organizationId, encounter.patientId);
      if (heightCm !== null && heightCm > 0) {
        const computed = calculateBmi(weight, { value: heightCm, unit: 'cm' });
        await save({ code: LOINC.bmi, value: computed.exact, unit: 'kg/m2', details: { derivedFrom: 'weight-and-height' } }, { value: 'weight.value' });
        bmi = { value: computed.display, category: bmiCategory(computed.exact, age, encounter.sexAtBirth) };
      }
    }

    const saved = await batch.store();
    const prompts: RecordVitalsResponse['prompts'] = [];
    const bp = saved.find((result) => result.observation.code === LOINC.bloodPressurePanel && !result.observation.orthostaticSetId);
    if (bp && body.bloodPressure && !body.repeatOfId && !bp.observation.isCritical
      && needsRepeatBloodPressure({ systolic: body.bloodPressure.systolic, diastolic: body.bloodPressure.diastolic }, age)) {
      prompts.push({
        kind: 'repeat-blood-pressure',
        message: 'Blood pressure is elevated. Let the patient rest seated for 5 minutes, then take it again; both readings are kept.',
        observationId: bp.observation.id,
      });
    }
    for (const result of saved) {
      if (!result.observation.isCritical || result.remeasureOfAlertId) continue;
      prompts.push({
        kind: 're-measure-critical',
        message: `${result.observation.interpretationMessage ?? 'This reading is critical.'} The provider has been alerted. Re-measure now and record the re-check.`,
        observationId: result.observation.id,
      });
    }
    return {
      vitalsSetId,
      observations: saved.map((result) => toObservationView(result.observation)),
      bmi,
      alerts: saved.flatMap((result) => (result.alert ? [result.alert] : [])),
      prompts,
    };
  });
}
