import { convertValue, dimensionOf, displayUnit, type Dimension, type Quantity } from './units.js';

/** One set of vitals as the MA typed them; every field optional, since not every visit takes every sign. */
export interface VitalsEntry {
  readonly weight?: Quantity;
  readonly height?: Quantity;
  readonly headCircumference?: Quantity;
  readonly temperature?: Quantity;
  readonly systolic?: number;
  readonly diastolic?: number;
  readonly heartRate?: number;
  readonly respiratoryRate?: number;
  readonly oxygenSaturation?: number;
  readonly painScore?: number;
}

export type VitalsField = keyof VitalsEntry;

export interface PlausibilityProblem {
  readonly field: VitalsField;
  readonly message: string;
}

/**
 * Limits outside which a reading is almost surely a typo or a unit mix-up, not a patient.
 * They are deliberately wide: a true extreme must still be recordable, so these only ask for a second look.
 */
export const PLAUSIBLE_LIMITS = {
  // Heaviest recorded human ≈ 635 kg; smallest surviving newborns ≈ 0.25 kg.
  weightKg: { min: 0.2, max: 650 },
  // Tallest recorded human ≈ 272 cm; extremely premature newborns ≈ 20 cm.
  heightCm: { min: 20, max: 275 },
  headCircumferenceCm: { min: 15, max: 75 },
  temperatureCel: { min: 25, max: 45 },
  systolic: { min: 40, max: 300 },
  diastolic: { min: 10, max: 200 },
  heartRate: { min: 20, max: 300 },
  respiratoryRate: { min: 2, max: 100 },
  oxygenSaturation: { min: 50, max: 100 },
  painScore: { min: 0, max: 10 },
} as const;

const FIELD_WORDS: Record<VitalsField, string> = {
  weight: 'Weight',
  height: 'Height',
  headCircumference: 'Head circumference',
  temperature: 'Temperature',
  systolic: 'Systolic (top number)',
  diastolic: 'Diastolic (bottom number)',
  heartRate: 'Pulse',
  respiratoryRate: 'Respirations',
  oxygenSaturation: 'Oxygen saturation',
  painScore: 'Pain score',
};

const format = (value: number) => String(Number(value.toFixed(2)));

function checkQuantity(
  field: VitalsField,
  quantity: Quantity,
  dimension: Dimension,
  canonicalUnit: 'kg' | 'cm' | 'Cel',
  limits: { min: number; max: number },
  problems: PlausibilityProblem[],
): void {
  const label = FIELD_WORDS[field];
  if (!Number.isFinite(quantity.value)) {
    problems.push({ field, message: `${label} is not a number. Please re-enter it.` });
    return;
  }
  if (dimensionOf(quantity.unit) !== dimension) {
    problems.push({ field, message: `${label} can't be recorded in ${displayUnit(quantity.unit)}. Choose a ${dimension} unit.` });
    return;
  }
  const canonical = convertValue(quantity.value, quantity.unit, canonicalUnit);
  if (canonical >= limits.min && canonical <= limits.max) return;
  const entered = `${format(quantity.value)} ${displayUnit(quantity.unit)}`;
  const range = `${format(convertValue(limits.min, canonicalUnit, quantity.unit))}–${format(convertValue(limits.max, canonicalUnit, quantity.unit))} ${displayUnit(quantity.unit)}`;
  let hint = '';
  if (field === 'temperature' && quantity.unit === 'Cel' && canonical > limits.max) {
    const asFahrenheit = convertValue(quantity.value, '[degF]', 'Cel');
    if (asFahrenheit >= limits.min && asFahrenheit <= limits.max) hint = ' Was it taken in °F?';
  }
  if (field === 'temperature' && quantity.unit === '[degF]' && canonical < limits.min && quantity.value >= limits.min && quantity.value <= limits.max) {
    hint = ' Was it taken in °C?';
  }
  if (field === 'weight' && quantity.unit === 'kg' && canonical > limits.max && quantity.value * 0.45359237 <= limits.max) {
    hint = ' Was it weighed in lb?';
  }
  if (field === 'height' && quantity.unit === '[in_i]' && canonical > limits.max && quantity.value <= limits.max) {
    hint = ' Was it measured in cm?';
  }
  problems.push({ field, message: `${label} of ${entered} looks like a typo: expected ${range}. Please check and re-enter.${hint}` });
}

function checkNumber(field: VitalsField, value: number, unit: string, limits: { min: number; max: number }, problems: PlausibilityProblem[]): void {
  const label = FIELD_WORDS[field];
  if (!Number.isFinite(value)) {
    problems.push({ field, message: `${label} is not a number. Please re-enter it.` });
    return;
  }
  if (value > limits.max && field === 'oxygenSaturation') {
    problems.push({ field, message: `${label} can't be above 100 %. Please check the oximeter and re-enter.` });
    return;
  }
  if (value < limits.min || value > limits.max) {
    problems.push({ field, message: `${label} of ${format(value)}${unit} looks like a typo: expected ${limits.min}–${limits.max}${unit}. Please check and re-enter.` });
  }
}

/**
 * Finds readings that are almost surely typos or unit mix-ups, with one message per field in words an MA
 * understands, so the form can show each under its input before the vitals are saved.
 */
export function findImplausibleVitals(entry: VitalsEntry, limits: typeof PLAUSIBLE_LIMITS = PLAUSIBLE_LIMITS): PlausibilityProblem[] {
  const problems: PlausibilityProblem[] = [];
  if (entry.weight) checkQuantity('weight', entry.weight, 'mass', 'kg', limits.weightKg, problems);
  if (entry.height) checkQuantity('height', entry.height, 'length', 'cm', limits.heightCm, problems);
  if (entry.headCircumference) checkQuantity('headCircumference', entry.headCircumference, 'length', 'cm', limits.headCircumferenceCm, problems);
  if (entry.temperature) checkQuantity('temperature', entry.temperature, 'temperature', 'Cel', limits.temperatureCel, problems);
  if (entry.systolic !== undefined) checkNumber('systolic', entry.systolic, ' mm Hg', limits.systolic, problems);
  if (entry.diastolic !== undefined) checkNumber('diastolic', entry.diastolic, ' mm Hg', limits.diastolic, problems);
  if (entry.systolic !== undefined && entry.diastolic !== undefined && entry.diastolic >= entry.systolic) {
    problems.push({
      field: 'diastolic',
      message: `Diastolic (bottom number) ${format(entry.diastolic)} is not lower than systolic (top number) ${format(entry.systolic)}. Were they swapped?`,
    });
  }
  if ((entry.systolic === undefined) !== (entry.diastolic === undefined)) {
    const missing: VitalsField = entry.systolic === undefined ? 'systolic' : 'diastolic';
    problems.push({ field: missing, message: `Enter both blood pressure numbers: ${FIELD_WORDS[missing]} is missing.` });
  }
  if (entry.heartRate !== undefined) checkNumber('heartRate', entry.heartRate, '/min', limits.heartRate, problems);
  if (entry.respiratoryRate !== undefined) checkNumber('respiratoryRate', entry.respiratoryRate, '/min', limits.respiratoryRate, problems);
  if (entry.oxygenSaturation !== undefined) checkNumber('oxygenSaturation', entry.oxygenSaturation, ' %', limits.oxygenSaturation, problems);
  if (entry.painScore !== undefined) checkNumber('painScore', entry.painScore, '', limits.painScore, problems);
  return problems;
}
