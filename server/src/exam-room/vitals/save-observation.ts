import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { FieldIssue } from '../../../../contracts/errors.js';
import type { AuditContext, AuditEntry } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError, createTask, publishLiveEvent, recordAudit } from '../../platform/index.js';
import type { InterpretationCode, ObservationCategory, ObservationComponent, ObservationsTable } from '../exam-room.table.js';
import {
  ageOn,
  DEFAULT_VITAL_THRESHOLDS,
  interpretBloodPressure,
  interpretHeartRate,
  interpretOxygenSaturation,
  interpretRespiratoryRate,
  interpretTemperature,
  type Interpretation,
  type PatientAge,
  type TemperatureRoute,
  type VitalThresholds,
} from './interpretation.js';
import { interpretBodyMeasure } from './body-measure-interpretation.js';
import { findImplausibleVitals, type VitalsEntry } from './plausibility.js';
import { convertExact, toNumber, type VitalUnit } from './units.js';
import { COMPONENT_DISPLAY, isBloodPressurePanel, isConvertible, LOINC, LOINC_SYSTEM, VITAL_CODES } from './vital-codes.js';

export type ObservationSource = 'app' | 'fhir' | 'import';
export type ObservationRow = Selectable<ObservationsTable>;

/** Who is recording: the request's audit context with the organization and, for staff, their id. */
export type ObservationContext = AuditContext & { organizationId: string; staffMemberId: string | null };

export interface ObservationComponentInput {
  code: string;
  display?: string;
  value: number | null;
  unit?: string | null;
}

/**
 * One reading, FHIR-neutral. For a known vital-sign code value/unit may come in any unit allowed for
 * the code (it is converted exactly to the canonical UCUM unit, and what arrived is kept as entered).
 */
export interface ObservationInput {
  patientId: string;
  encounterId?: string | null;
  category?: ObservationCategory;
  /** LOINC by default. */
  code: string;
  codeSystem?: string;
  codeDisplay?: string;
  value?: number | null;
  unit?: string | null;
  enteredValue?: number | null;
  enteredUnit?: string | null;
  components?: ObservationComponentInput[];
  /** position, arm, cuffSize, route (temperature), oxygen, orthostaticPosition, isLength… */
  details?: Record<string, unknown>;
  effectiveAt: Date | string;
  /** The earlier reading this one repeats (an elevated BP after rest, or the re-measure of a critical value). */
  repeatOfId?: string | null;
  /** Kept as sent (e.g. from a device or another system); otherwise computed for the known vital signs. */
  interpretation?: InterpretationCode | null;
}

export interface SaveObservationOptions {
  source: ObservationSource;
  vitalsSetId?: string | null;
  orthostaticSetId?: string | null;
  /** A correction of an earlier reading (the caller marks the old row amended). */
  correctionOf?: { id: string; reason: string };
  /** For tests and replays; default the transaction's clock. */
  now?: Date;
  /**
   * Shared by the readings of one set in one transaction: the patient, encounter and clinic settings
   * are read once instead of once per reading. Pass the same (initially empty) object to each call.
   */
  lookups?: ObservationLookups;
  /** The caller already checked that repeatOfId is this patient's reading. */
  repeatOfChecked?: boolean;
  /**
   * Collects the reading's audit entry here instead of writing it at once: the caller writes it
   * together with its own entries, in the same transaction, in one statement (FHIR creates).
   */
  auditEntries?: AuditEntry[];
  /** Field names in the error, e.g. { value: 'weight.value' } for the app's vitals form. */
  fieldNames?: Partial<Record<'value' | 'unit' | 'systolic' | 'diastolic' | 'code' | 'effectiveAt' | 'repeatOfId' | 'encounterId', string>>;
}

export interface ObservationLookups {
  patient?: { id: string; dateOfBirth: string; sexAtBirth: string };
  encounter?: Awaited<ReturnType<typeof findEncounter>>;
  settings?: { thresholds: VitalThresholds; escalateMinutes: number };
}

export interface SavedObservation {
  observation: ObservationRow;
  /** The alert (and its urgent task) this reading raised, if it is a new critical value. */
  alert: { id: string; taskId: string; observationId: string } | null;
  /** The open alert this reading was linked to as a re-measure (no second task). */
  remeasureOfAlertId: string | null;
}

/** Readings older than this are history: they are flagged but raise no alert. */
export const ALERT_WINDOW_MS = 24 * 3_600_000;
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const CRITICAL_CODES: readonly InterpretationCode[] = ['LL', 'HH', 'AA'];

const validation = (issues: FieldIssue[]) => new AppError('VALIDATION_FAILED', { field: issues[0]?.field, issues });

/** The clinic's thresholds (organization_settings.vital_thresholds), or the defaults of DOMAIN.md §1.3-1.6. */
export async function loadClinicVitalSettings(trx: Transaction<Database>, organizationId: string): Promise<{ thresholds: VitalThresholds; escalateMinutes: number }> {
  const settings = await trx
    .selectFrom('organizationSettings')
    .select(['vitalThresholds', 'criticalAlertEscalateMinutes'])
    .where('organizationId', '=', organizationId)
    .executeTakeFirst();
  return {
    thresholds: (settings?.vitalThresholds as VitalThresholds | null | undefined) ?? DEFAULT_VITAL_THRESHOLDS,
    escalateMinutes: settings?.criticalAlertEscalateMinutes ?? 5,
  };
}

interface Normalised {
  value: number | null;
  unit: string | null;
  enteredValue: number | null;
  enteredUnit: string | null;
  components: ObservationComponent[];
}

/** Checks units, field rules and plausibility of a known vital sign and converts it to canonical UCUM. */
function normaliseVital(input: ObservationInput, field: (name: 'value' | 'unit' | 'systolic' | 'diastolic') => string): Normalised {
  const definition = VITAL_CODES[input.code]!;
  const issues: FieldIssue[] = [];
  if (isBloodPressurePanel(input.code)) {
    const systolic = input.components?.find((component) => component.code === LOINC.systolic);
    const diastolic = input.components?.find((component) => component.code === LOINC.diastolic);
    for (const [name, component] of [['systolic', systolic], ['diastolic', diastolic]] as const) {
      if (component?.value === undefined || component.value === null) {
        issues.push({ field: field(name), message: `Enter both blood pressure numbers: the ${name} is missing.` });
      } else if (component.unit === undefined || component.unit === null || component.unit === '') {
        issues.push({ field: field(name), message: `The ${name} needs its unit (mm[Hg]).` });
      } else if (component.unit !== 'mm[Hg]') {
        issues.push({ field: field(name), message: `Blood pressure is recorded in mm[Hg], not ${component.unit}.` });
      }
    }
    if (issues.length > 0) throw validation(issues);
    const entry: VitalsEntry = { systolic: systolic!.value!, diastolic: diastolic!.value! };
    const problems = findImplausibleVitals(entry);
    if (problems.length > 0) throw validation(problems.map((problem) => ({ field: field(problem.field === 'systolic' ? 'systolic' : 'diastolic'), message: problem.message })));
    const others = (input.components ?? []).filter((component) => component.code !== LOINC.systolic && component.code !== LOINC.diastolic);
    return {
      value: null,
      unit: null,
      enteredValue: null,
      enteredUnit: null,
      components: [
        { code: LOINC.systolic, display: COMPONENT_DISPLAY[LOINC.systolic]!, value: systolic!.value!, unit: 'mm[Hg]', interpretation: null },
        { code: LOINC.diastolic, display: COMPONENT_DISPLAY[LOINC.diastolic]!, value: diastolic!.value!, unit: 'mm[Hg]', interpretation: null },
        ...others.map((component) => ({ code: component.code, display: component.display ?? COMPONENT_DISPLAY[component.code] ?? '', value: component.value, unit: component.unit ?? null, interpretation: null })),
      ],
    };
  }
  if (input.value === undefined || input.value === null || !Number.isFinite(input.value)) {
    throw validation([{ field: field('value'), message: `Enter the ${definition.display.toLowerCase()} as a number.` }]);
  }
  if (!input.unit) throw validation([{ field: field('unit'), message: `The ${definition.display.toLowerCase()} needs a unit (${definition.entryUnits.join(', ')}).` }]);
  if (!definition.entryUnits.includes(input.unit)) {
    throw validation([{ field: field('unit'), message: `${definition.display} can't be recorded in ${input.unit}. Use ${definition.entryUnits.join(', ')}.` }]);
  }
  if (input.enteredUnit && !definition.entryUnits.includes(input.enteredUnit)) {
    throw validation([{ field: field('unit'), message: `${definition.display} can't be entered in ${input.enteredUnit}. Use ${definition.entryUnits.join(', ')}.` }]);
  }
  // What the person typed: the explicit entered value, else the value as it arrived.
  const enteredValue = input.enteredValue ?? input.value;
  const enteredUnit = input.enteredUnit ?? input.unit;
  if (definition.plausibility) {
    const plausibilityField = definition.plausibility;
    const entry: VitalsEntry = isConvertible(enteredUnit) && ['weight', 'height', 'headCircumference', 'temperature'].includes(plausibilityField)
      ? { [plausibilityField]: { value: enteredValue, unit: enteredUnit } }
      : { [plausibilityField]: enteredValue };
    const problems = findImplausibleVitals(entry);
    if (problems.length > 0) throw validation(problems.map((problem) => ({ field: field('value'), message: problem.message })));
  }
  const canonical = input.unit === definition.canonicalUnit || !isConvertible(input.unit)
    ? input.value
    : toNumber(convertExact(input.value, input.unit as VitalUnit, definition.canonicalUnit as VitalUnit));
  const components = (input.components ?? []).map((component) => ({
    code: component.code, display: component.display ?? COMPONENT_DISPLAY[component.code] ?? '', value: component.value, unit: component.unit ?? null, interpretation: null,
  }));
  return { value: canonical, unit: definition.canonicalUnit, enteredValue, enteredUnit, components };
}

interface Interpreted {
  interpretation: InterpretationCode | null;
  message: string | null;
  isCritical: boolean;
  components: ObservationComponent[];
}

function interpretVital(input: ObservationInput, normalised: Normalised, age: PatientAge, thresholds: VitalThresholds, sexAtBirth: string): Interpreted {
  const none: Interpreted = { interpretation: null, message: null, isCritical: false, components: normalised.components };
  const of = (result: Interpretation): Interpreted => ({ interpretation: result.code, message: result.message, isCritical: result.isCritical, components: normalised.components });
  switch (input.code) {
    case LOINC.bloodPressurePanel:
    case LOINC.bloodPressurePanelOlder: {
      const systolic = normalised.components.find((component) => component.code === LOINC.systolic)!.value!;
      const diastolic = normalised.components.find((component) => component.code === LOINC.diastolic)!.value!;
      const result = interpretBloodPressure({ systolic, diastolic }, age, thresholds);
      return {
        interpretation: result.overall.code,
        message: result.overall.message,
        isCritical: result.overall.isCritical,
        components: normalised.components.map((component) =>
          component.code === LOINC.systolic
            ? { ...component, interpretation: result.systolic.code, interpretationMessage: result.systolic.message }
            : component.code === LOINC.diastolic
              ? { ...component, interpretation: result.diastolic.code, interpretationMessage: result.diastolic.message }
              : component),
      };
    }
    case LOINC.heartRate:
      return of(interpretHeartRate(normalised.value!, age, thresholds));
    case LOINC.respiratoryRate:
      return of(interpretRespiratoryRate(normalised.value!, age, thresholds));
    case LOINC.oxygenSaturation:
    case LOINC.oxygenSaturationArterial:
      return of(interpretOxygenSaturation(normalised.value!, age, thresholds));
    case LOINC.bodyTemperature: {
      const route = (typeof input.details?.['route'] === 'string' ? input.details['route'] : 'oral') as TemperatureRoute;
      const known = ['oral', 'rectal', 'axillary', 'tympanic', 'temporal'].includes(route) ? route : 'oral';
      // compared in the unit it was taken in (the thresholds are given in both)
      const inFahrenheit = normalised.enteredUnit === '[degF]';
      return of(interpretTemperature({ value: inFahrenheit ? normalised.enteredValue! : normalised.value!, unit: inFahrenheit ? '[degF]' : 'Cel' }, known, age, thresholds));
    }
    default: {
      const result = normalised.value === null ? null : interpretBodyMeasure(input.code, normalised.value, age, sexAtBirth);
      return result ? of(result) : none;
    }
  }
}

async function findEncounter(trx: Transaction<Database>, organizationId: string, encounterId: string) {
  return trx
    .selectFrom('encounters as e')
    .leftJoin('appointments as a', 'a.id', 'e.appointmentId')
    .select(['e.id', 'e.patientId', 'e.providerId', 'e.appointmentId', 'a.providerId as appointmentProviderId', 'a.locationId'])
    .where('e.id', '=', encounterId)
    .where('e.organizationId', '=', organizationId)
    .executeTakeFirst();
}

/** The earlier reading a new one repeats (its code and patient), if it is this clinic's. */
export async function findRepeatedReading(trx: Transaction<Database>, organizationId: string, observationId: string) {
  return trx.selectFrom('observations').select(['code', 'patientId']).where('id', '=', observationId).where('organizationId', '=', organizationId).executeTakeFirst();
}

/** The unacknowledged alert this reading re-measures: its repeat-of reading's (or that reading's own re-measure's). */
async function findOpenAlertFor(trx: Transaction<Database>, organizationId: string, observationId: string) {
  return trx
    .selectFrom('vitalAlerts')
    .select(['id', 'remeasureObservationId'])
    .where('organizationId', '=', organizationId)
    .where('acknowledgedAt', 'is', null)
    .where((eb) => eb.or([eb('observationId', '=', observationId), eb('remeasureObservationId', '=', observationId)]))
    .forUpdate()
    .executeTakeFirst();
}

/** The reading's code and time, checked before anything is looked up (400 naming the field). */
export function checkObservationBasics(input: ObservationInput, options: Pick<SaveObservationOptions, 'fieldNames' | 'now'>): { effectiveAt: Date; now: Date } {
  const names = options.fieldNames ?? {};
  const field = (name: keyof NonNullable<SaveObservationOptions['fieldNames']>) => names[name] ?? name;
  const now = options.now ?? new Date();
  if (typeof input.code !== 'string' || input.code.trim() === '' || input.code.length > 64) {
    throw validation([{ field: field('code'), message: 'Give the observation a code (LOINC).' }]);
  }
  const effectiveAt = new Date(input.effectiveAt);
  if (Number.isNaN(effectiveAt.getTime())) throw validation([{ field: field('effectiveAt'), message: 'Not a valid date and time.' }]);
  if (effectiveAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw validation([{ field: field('effectiveAt'), message: 'A reading cannot be taken in the future.' }]);
  }
  return { effectiveAt, now };
}

/** The encounter named must be one of this patient's (404 naming the field otherwise). */
export function checkObservationEncounter(input: ObservationInput, patientId: string, encounter: { patientId: string } | undefined, options: Pick<SaveObservationOptions, 'fieldNames'>): void {
  if (input.encounterId && (!encounter || encounter.patientId !== patientId)) {
    throw new AppError('NOT_FOUND', { field: options.fieldNames?.encounterId ?? 'encounterId', message: 'No such encounter for this patient.' });
  }
}

/** Whether the reading is a known vital sign (checked, converted and interpreted) rather than stored as sent. */
export const isVitalInput = (input: ObservationInput): boolean =>
  (input.category ?? 'vital-signs') === 'vital-signs' && (input.codeSystem ?? LOINC_SYSTEM) === LOINC_SYSTEM && Object.hasOwn(VITAL_CODES, input.code);

/** What a prepared reading stores: the observations row (without its generated id) and whether it is critical. */
export interface PreparedObservation {
  values: Omit<Insertable<ObservationsTable>, 'id'>;
  isCritical: boolean;
}

/**
 * The observations row for one reading, with no database access: units, field rules and
 * plausibility (400 with field issues), canonical UCUM, the interpretation for the patient's age and
 * the clinic's thresholds (`settings` is needed for vital signs only). saveObservation stores one
 * reading with it; imports prepare many and insert them together.
 */
export function prepareObservation(
  context: ObservationContext,
  input: ObservationInput,
  options: SaveObservationOptions,
  known: { patient: { id: string; dateOfBirth: string; sexAtBirth: string }; encounterId: string | null; effectiveAt: Date; settings?: { thresholds: VitalThresholds } | undefined },
): PreparedObservation {
  const names = options.fieldNames ?? {};
  const field = (name: keyof NonNullable<SaveObservationOptions['fieldNames']>) => names[name] ?? name;
  const { patient, effectiveAt } = known;
  const isVital = isVitalInput(input);
  let normalised: Normalised;
  let interpreted: Interpreted;
  if (isVital) {
    normalised = normaliseVital(input, (name) => field(name));
    let age: PatientAge;
    try {
      age = ageOn(patient.dateOfBirth, effectiveAt.toISOString().slice(0, 10));
    } catch {
      throw validation([{ field: field('effectiveAt'), message: 'The reading is dated before the patient was born.' }]);
    }
    if (!known.settings) throw new Error('prepareObservation needs the clinic settings for a vital sign');
    interpreted = interpretVital(input, normalised, age, known.settings.thresholds, patient.sexAtBirth);
  } else {
    const components = (input.components ?? []).map((component) => ({
      code: component.code, display: component.display ?? '', value: component.value, unit: component.unit ?? null, interpretation: null,
    }));
    normalised = { value: input.value ?? null, unit: input.unit ?? null, enteredValue: input.enteredValue ?? null, enteredUnit: input.enteredUnit ?? null, components };
    interpreted = { interpretation: null, message: null, isCritical: false, components };
  }
  // A supplied interpretation is kept; a critical one (or a critical computed one) still raises the alert.
  const interpretation = input.interpretation ?? interpreted.interpretation;
  const isCritical = interpreted.isCritical || (input.interpretation ? CRITICAL_CODES.includes(input.interpretation) : false);
  return {
    isCritical,
    values: {
      organizationId: context.organizationId,
      patientId: patient.id,
      encounterId: known.encounterId,
      vitalsSetId: options.vitalsSetId ?? null,
      orthostaticSetId: options.orthostaticSetId ?? null,
      category: input.category ?? 'vital-signs',
      code: input.code,
      codeSystem: input.codeSystem ?? LOINC_SYSTEM,
      codeDisplay: input.codeDisplay ?? (isVital ? VITAL_CODES[input.code]!.display : ''),
      value: normalised.value,
      unit: normalised.unit,
      enteredValue: normalised.enteredValue,
      enteredUnit: normalised.enteredUnit,
      components: JSON.stringify(interpreted.components),
      interpretation,
      interpretationMessage: interpreted.message,
      isCritical,
      details: JSON.stringify(input.details ?? {}),
      repeatOfId: input.repeatOfId ?? null,
      effectiveAt,
      recordedBy: context.staffMemberId,
      recordedByClient: context.actor?.kind === 'client' ? context.actor.id : null,
      source: options.source,
      status: options.correctionOf ? 'corrected' : 'final',
      correctionOfId: options.correctionOf?.id ?? null,
      correctionReason: options.correctionOf?.reason ?? null,
    },
  };
}

/** The audit entry of a stored reading (saveObservation and imports alike). */
export function observationAuditEntry(observationId: string, patientId: string, input: ObservationInput, options: SaveObservationOptions): AuditEntry {
  return {
    action: 'create', recordType: 'Observation', recordId: observationId, patientId,
    ...(options.correctionOf ? { reason: options.correctionOf.reason } : {}),
    details: { code: input.code, source: options.source, ...(options.correctionOf ? { correctionOf: options.correctionOf.id } : {}) },
  };
}

/**
 * The one place a reading is stored (app, FHIR and import alike), in the caller's transaction:
 * checks units, field rules and plausibility (400 with field-level issues), converts to canonical
 * UCUM keeping what was entered, interprets a known vital sign (on the reading and on each BP
 * component) for the patient's age and the clinic's thresholds, and for a critical reading taken in
 * the last 24 hours (not an import) creates exactly one urgent inbox task and its vital_alerts row,
 * announced live on the inbox and the flow board. A re-measure of a reading with an open alert is
 * linked to that alert and never creates a second task. Other codes are stored as sent.
 */
/**
 * The one place a reading is stored (app, FHIR and import alike), in the caller's transaction:
 * checks units, field rules and plausibility (400 with field-level issues), converts to canonical
 * UCUM keeping what was entered, interprets a known vital sign (on the reading and on each BP
 * component) for the patient's age and the clinic's thresholds, and for a critical reading taken in
 * the last 24 hours (not an import) creates exactly one urgent inbox task and its vital_alerts row,
 * announced live on the inbox and the flow board. A re-measure of a reading with an open alert is
 * linked to that alert and never creates a second task. Other codes are stored as sent.
 */
export async function saveObservation(
  trx: Transaction<Database>,
  context: ObservationContext,
  input: ObservationInput,
  options: SaveObservationOptions,
): Promise<SavedObservation> {
  const batch = new ObservationBatch(trx, context);
  await batch.add(input, options);
  return (await batch.store())[0]!;
}

/** A reading checked and prepared by ObservationBatch.add, waiting to be stored. */
export interface BatchedObservation {
  readonly id: string;
  readonly values: PreparedObservation['values'];
}

interface Pending extends BatchedObservation {
  input: ObservationInput;
  options: SaveObservationOptions;
  patientId: string;
  encounter: Awaited<ReturnType<typeof findEncounter>>;
  isCritical: boolean;
  effectiveAt: Date;
  now: Date;
}

/**
 * Several readings stored as saveObservation stores one, with the writes grouped: every reading is
 * checked and prepared first (`add`, nothing written, so a bad reading refuses the whole set), then
 * `store` inserts them in one statement and their audit entries in another, and decides critical
 * alerts and re-measure links reading by reading, in the order they were added. A vitals set of eight
 * readings costs two writes instead of sixteen.
 */
export class ObservationBatch {
  private readonly pending: Pending[] = [];
  private stored = false;

  /** `lookups`: what the caller already read (e.g. the patient), shared by every reading added. */
  constructor(private readonly trx: Transaction<Database>, private readonly context: ObservationContext, private readonly lookups: ObservationLookups = {}) {}

  /** Checks and prepares one reading (400/404 naming the field); its values are what will be stored. */
  async add(input: ObservationInput, options: SaveObservationOptions): Promise<BatchedObservation> {
    if (this.stored) throw new Error('ObservationBatch: add after store');
    const { trx, context } = this;
    const field = (name: keyof NonNullable<SaveObservationOptions['fieldNames']>) => options.fieldNames?.[name] ?? name;
    const { effectiveAt, now } = checkObservationBasics(input, options);
    const lookups = options.lookups ?? this.lookups;
    const patient = lookups.patient?.id === input.patientId
      ? lookups.patient
      : await trx
        .selectFrom('patients')
        .select(['id', 'dateOfBirth', 'sexAtBirth'])
        .where('id', '=', input.patientId)
        .where('organizationId', '=', context.organizationId)
        .executeTakeFirst();
    if (!patient) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
    lookups.patient = patient;
    const encounter = !input.encounterId
      ? undefined
      : lookups.encounter?.id === input.encounterId ? lookups.encounter : await findEncounter(trx, context.organizationId, input.encounterId);
    if (encounter) lookups.encounter = encounter;
    checkObservationEncounter(input, patient.id, encounter, options);
    if (input.repeatOfId && !options.repeatOfChecked) {
      const earlier = await findRepeatedReading(trx, context.organizationId, input.repeatOfId);
      if (!earlier || earlier.patientId !== patient.id) {
        throw validation([{ field: field('repeatOfId'), message: 'The reading this repeats was not found for this patient.' }]);
      }
    }
    if (isVitalInput(input)) lookups.settings ??= await loadClinicVitalSettings(trx, context.organizationId);
    const prepared = prepareObservation(context, input, options, { patient, encounterId: encounter?.id ?? null, effectiveAt, settings: lookups.settings });
    const reading: Pending = {
      id: randomUUID(), values: prepared.values, input, options, patientId: patient.id, encounter, isCritical: prepared.isCritical, effectiveAt, now,
    };
    this.pending.push(reading);
    return reading;
  }

  /** Stores every added reading; answers them in the order they were added. */
  async store(): Promise<SavedObservation[]> {
    if (this.stored) throw new Error('ObservationBatch: stored twice');
    this.stored = true;
    if (this.pending.length === 0) return [];
    const { trx, context } = this;
    const rows = await trx
      .insertInto('observations')
      .values(this.pending.map((reading) => ({ ...reading.values, id: reading.id })))
      .returningAll()
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    const ownAudit: AuditEntry[] = [];
    for (const reading of this.pending) {
      const entry = observationAuditEntry(reading.id, reading.patientId, reading.input, reading.options);
      if (reading.options.auditEntries) reading.options.auditEntries.push(entry);
      else ownAudit.push(entry);
    }
    await recordAudit(trx, context, ownAudit);

    const saved: SavedObservation[] = [];
    for (const reading of this.pending) {
      const observation = byId.get(reading.id)!;
      const { input, options, encounter, now, effectiveAt } = reading;
      let remeasureOfAlertId: string | null = null;
      if (input.repeatOfId) {
        const open = await findOpenAlertFor(trx, context.organizationId, input.repeatOfId);
        if (open) {
          remeasureOfAlertId = open.id;
          await trx.updateTable('vitalAlerts').set({ remeasureObservationId: observation.id }).where('id', '=', open.id).execute();
        }
      }
      const isRecent = now.getTime() - effectiveAt.getTime() <= ALERT_WINDOW_MS;
      let alert: SavedObservation['alert'] = null;
      if (reading.isCritical && isRecent && options.source !== 'import' && !remeasureOfAlertId && !options.correctionOf) {
        // One patient's critical readings are decided one at a time, so a double submit or a second
        // critical value of the same sign while the first is still open joins that alert (no second task).
        // Only within the same visit: a critical reading at a later visit (perhaps with another provider)
        // must reach that visit's provider even while an earlier visit's alert is still unacknowledged.
        await trx.selectFrom('patients').select('id').where('id', '=', reading.patientId).forUpdate().execute();
        const open = await trx
          .selectFrom('vitalAlerts as va')
          .innerJoin('observations as o', 'o.id', 'va.observationId')
          .select(['va.id'])
          .where('va.organizationId', '=', context.organizationId)
          .where('va.patientId', '=', reading.patientId)
          .where('va.acknowledgedAt', 'is', null)
          .where('o.code', '=', input.code)
          .where((eb) => (encounter ? eb('va.encounterId', '=', encounter.id) : eb('va.encounterId', 'is', null)))
          .where('va.createdAt', '>', new Date(now.getTime() - ALERT_WINDOW_MS))
          .executeTakeFirst();
        if (open) {
          remeasureOfAlertId = open.id;
          await trx.updateTable('vitalAlerts').set({ remeasureObservationId: observation.id }).where('id', '=', open.id).execute();
        } else {
          const settings = (options.lookups ?? this.lookups).settings ?? await loadClinicVitalSettings(trx, context.organizationId);
          alert = await raiseAlert(trx, context, { observation, encounter, now, escalateMinutes: settings.escalateMinutes });
        }
      }
      saved.push({ observation, alert, remeasureOfAlertId });
    }
    return saved;
  }
}

async function raiseAlert(
  trx: Transaction<Database>,
  context: ObservationContext,
  { observation, encounter, now, escalateMinutes }: { observation: ObservationRow; encounter: Awaited<ReturnType<typeof findEncounter>>; now: Date; escalateMinutes: number },
): Promise<SavedObservation['alert']> {
  const ownerStaffId = encounter?.providerId ?? encounter?.appointmentProviderId ?? null;
  const task = await createTask(trx, context, {
    title: `Critical vital sign: ${observation.codeDisplay || observation.code}`,
    kind: 'critical-vital',
    patientId: observation.patientId,
    ...(ownerStaffId ? { ownerStaffId } : { ownerPool: 'provider' as const }),
    priority: 'urgent',
    dueAt: new Date(now.getTime() + escalateMinutes * 60_000),
    focusType: 'Observation',
    focusId: observation.id,
    // the interpretation sentence names the reading and the limit, never the patient
    description: observation.interpretationMessage ?? '',
  });
  const row = await trx
    .insertInto('vitalAlerts')
    .values({
      organizationId: context.organizationId,
      patientId: observation.patientId,
      observationId: observation.id,
      encounterId: encounter?.id ?? null,
      appointmentId: encounter?.appointmentId ?? null,
      taskId: task.id,
      escalateAfter: sql<Date>`now() + make_interval(mins => ${escalateMinutes})`,
      escalatedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      remeasureObservationId: null,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, context, {
    action: 'create', recordType: 'VitalAlert', recordId: row.id, patientId: observation.patientId,
    details: { observationId: observation.id, taskId: task.id, ownerStaffId },
  });
  if (encounter?.locationId && encounter.appointmentId) {
    await publishLiveEvent(trx, {
      organizationId: context.organizationId,
      topic: `flow-board:${encounter.locationId}`,
      type: 'vital.critical',
      payload: { appointmentId: encounter.appointmentId, alertId: row.id, hasCriticalAlert: true },
    });
  }
  return { id: row.id, taskId: task.id, observationId: observation.id };
}
