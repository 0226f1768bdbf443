import { dimensionOf, displayUnit, type Quantity } from './units.js';
import {
  DEFAULT_VITAL_THRESHOLDS,
  type AgeBand,
  type AgeLimit,
  type HighBound,
  type LowBound,
  type PatientAge,
  type ReferenceRule,
  type TemperatureRoute,
  type VitalThresholds,
} from './thresholds.js';

export { DEFAULT_VITAL_THRESHOLDS } from './thresholds.js';
export type { AgeBand, AgeLimit, HighBound, LowBound, PatientAge, ReferenceRule, TemperatureLimit, TemperatureRoute, VitalThresholds } from './thresholds.js';

/** FHIR ObservationInterpretation codes (v3-ObservationInterpretation) used for vital signs. */
export type InterpretationCode = 'N' | 'L' | 'H' | 'LL' | 'HH' | 'A' | 'AA';

export interface Interpretation {
  readonly code: InterpretationCode;
  /** LL, HH or AA: notify the provider now / escalate per clinic protocol. */
  readonly isCritical: boolean;
  /** One sentence for the MA, e.g. "Pulse 135/min is critically high for an adult (above 130/min)." */
  readonly message: string;
}

function parseIsoDate(text: string): { year: number; month: number; day: number; time: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) throw new RangeError(`Not an ISO date: ${text}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return { year, month, day, time: Date.UTC(year, month - 1, day) };
}

/** The patient's age in completed days, months and years on the day `on` (ISO dates). */
export function ageOn(dateOfBirth: string, on: string): PatientAge {
  const birth = parseIsoDate(dateOfBirth);
  const day = parseIsoDate(on);
  if (day.time < birth.time) throw new RangeError('The reading is dated before the date of birth');
  const months = (day.year - birth.year) * 12 + (day.month - birth.month) - (day.day < birth.day ? 1 : 0);
  return { days: Math.round((day.time - birth.time) / 86_400_000), months, years: Math.floor(months / 12) };
}

function isUnder(age: PatientAge, limit: AgeLimit): boolean {
  if ('days' in limit) return age.days < limit.days;
  if ('months' in limit) return age.months < limit.months;
  return age.years < limit.years;
}

export function findAgeBand(age: PatientAge, thresholds: VitalThresholds = DEFAULT_VITAL_THRESHOLDS): AgeBand {
  const band = thresholds.ageBands.find((candidate) => candidate.under === undefined || isUnder(age, candidate.under));
  if (!band) throw new RangeError('The threshold table has no age band for this patient; its last band must have no upper age');
  return band;
}

const lowLimit = (bound: LowBound, age: PatientAge) =>
  'below' in bound ? bound.below + (bound.plusPerYearOfAge ?? 0) * age.years : bound.atOrBelow;
const isLow = (value: number, bound: LowBound, age: PatientAge) =>
  'below' in bound ? value < lowLimit(bound, age) : value <= bound.atOrBelow;
const isHigh = (value: number, bound: HighBound) => ('above' in bound ? value > bound.above : value >= bound.atOrAbove);
const describeLow = (bound: LowBound, age: PatientAge, unit: string) =>
  'below' in bound ? `below ${lowLimit(bound, age)}${unit}` : `${bound.atOrBelow}${unit} or lower`;
const describeHigh = (bound: HighBound, unit: string) =>
  'above' in bound ? `above ${bound.above}${unit}` : `${bound.atOrAbove}${unit} or higher`;

function interpretAgainst(label: string, value: number, unit: string, rule: ReferenceRule, age: PatientAge, who: string): Interpretation {
  const reading = `${label} ${value}${unit}`;
  if (rule.criticalLow && isLow(value, rule.criticalLow, age)) {
    return { code: 'LL', isCritical: true, message: `${reading} is critically low for ${who} (${describeLow(rule.criticalLow, age, unit)}).` };
  }
  if (rule.criticalHigh && isHigh(value, rule.criticalHigh)) {
    return { code: 'HH', isCritical: true, message: `${reading} is critically high for ${who} (${describeHigh(rule.criticalHigh, unit)}).` };
  }
  if (rule.low && isLow(value, rule.low, age)) {
    return { code: 'L', isCritical: false, message: `${reading} is low for ${who} (${describeLow(rule.low, age, unit)}).` };
  }
  if (rule.high && isHigh(value, rule.high)) {
    return { code: 'H', isCritical: false, message: `${reading} is high for ${who} (${describeHigh(rule.high, unit)}).` };
  }
  return { code: 'N', isCritical: false, message: `${reading} is in the usual range for ${who}.` };
}

export function interpretHeartRate(beatsPerMinute: number, age: PatientAge, thresholds = DEFAULT_VITAL_THRESHOLDS): Interpretation {
  const band = findAgeBand(age, thresholds);
  return interpretAgainst('Pulse', beatsPerMinute, '/min', band.heartRate, age, band.name);
}

export function interpretRespiratoryRate(breathsPerMinute: number, age: PatientAge, thresholds = DEFAULT_VITAL_THRESHOLDS): Interpretation {
  const band = findAgeBand(age, thresholds);
  return interpretAgainst('Respirations', breathsPerMinute, '/min', band.respiratoryRate, age, band.name);
}

export function interpretOxygenSaturation(percent: number, age: PatientAge, thresholds = DEFAULT_VITAL_THRESHOLDS): Interpretation {
  return interpretAgainst('Oxygen saturation', percent, ' %', thresholds.oxygenSaturation, age, findAgeBand(age, thresholds).name);
}

/** Route- and age-aware: fever starts at the route's threshold, and any fever under 3 months (default) is critical. */
export function interpretTemperature(
  temperature: Quantity,
  route: TemperatureRoute,
  age: PatientAge,
  thresholds = DEFAULT_VITAL_THRESHOLDS,
): Interpretation {
  const unit = temperature.unit;
  if (unit !== 'Cel' && unit !== '[degF]') {
    throw new RangeError(`A temperature must be in Cel or [degF], not ${unit} (${dimensionOf(unit)})`);
  }
  const rules = thresholds.temperature;
  const shown = ` ${displayUnit(unit)}`;
  const value = temperature.value;
  const reading = `Temperature ${value}${shown} (${route})`;
  const who = findAgeBand(age, thresholds).name;
  const fever = rules.feverAtOrAbove[route][unit];
  if (value < rules.criticalLowBelow[unit]) {
    return { code: 'LL', isCritical: true, message: `${reading} is critically low (below ${rules.criticalLowBelow[unit]}${shown}).` };
  }
  if (value >= rules.criticalHighAtOrAbove[unit]) {
    return { code: 'HH', isCritical: true, message: `${reading} is critically high (${rules.criticalHighAtOrAbove[unit]}${shown} or higher).` };
  }
  if (value >= fever) {
    return isUnder(age, rules.feverIsCriticalUnder)
      ? { code: 'HH', isCritical: true, message: `${reading} is a fever in ${who}: notify the provider now (${route} fever is ${fever}${shown} or higher).` }
      : { code: 'H', isCritical: false, message: `${reading} is a fever (${route} fever is ${fever}${shown} or higher).` };
  }
  if (value < rules.lowBelow[unit]) {
    return { code: 'L', isCritical: false, message: `${reading} is low (below ${rules.lowBelow[unit]}${shown}).` };
  }
  return { code: 'N', isCritical: false, message: `${reading} is in the usual range for ${who}.` };
}

export interface BloodPressureReading {
  readonly systolic: number;
  readonly diastolic: number;
}

/** ACC/AHA 2017 adult categories (unchanged in the 2025 AHA/ACC guideline), classified by the higher one. */
export type AdultBloodPressureCategory = 'normal' | 'elevated' | 'stage 1 hypertension' | 'stage 2 hypertension' | 'severe hypertension';

export interface BloodPressureInterpretation {
  readonly systolic: Interpretation;
  readonly diastolic: Interpretation;
  /** The more severe component; A/AA when one is high and the other low. */
  readonly overall: Interpretation;
  /** Only from 18 years; children's categories need AAP 2017 percentile tables (age, sex, height). */
  readonly adultCategory?: AdultBloodPressureCategory;
}

export function classifyAdultBloodPressure({ systolic, diastolic }: BloodPressureReading): AdultBloodPressureCategory {
  // ACC/AHA 2017: severe > 180 and/or > 120; stage 2 ≥ 140 or ≥ 90; stage 1 130–139 or 80–89; elevated 120–129 and < 80.
  if (systolic > 180 || diastolic > 120) return 'severe hypertension';
  if (systolic >= 140 || diastolic >= 90) return 'stage 2 hypertension';
  if (systolic >= 130 || diastolic >= 80) return 'stage 1 hypertension';
  if (systolic >= 120) return 'elevated';
  return 'normal';
}

const RANK: Record<'LL' | 'L' | 'N' | 'H' | 'HH', number> = { LL: -2, L: -1, N: 0, H: 1, HH: 2 };

/** Position on the low-to-high scale (LL −2 … HH 2); A/AA have no direction and return undefined. */
export function severityRank(code: InterpretationCode): number | undefined {
  return code === 'A' || code === 'AA' ? undefined : RANK[code];
}

/** Interprets systolic and diastolic separately against the age band, then the reading as a whole. */
export function interpretBloodPressure(
  reading: BloodPressureReading,
  age: PatientAge,
  thresholds = DEFAULT_VITAL_THRESHOLDS,
): BloodPressureInterpretation {
  const band = findAgeBand(age, thresholds);
  const systolic = interpretAgainst('Systolic', reading.systolic, ' mm Hg', band.systolic, age, band.name);
  const diastolic = interpretAgainst('Diastolic', reading.diastolic, ' mm Hg', band.diastolic, age, band.name);
  const systolicRank = severityRank(systolic.code) ?? 0;
  const diastolicRank = severityRank(diastolic.code) ?? 0;
  const isCritical = systolic.isCritical || diastolic.isCritical;
  let overall: Interpretation;
  if (systolicRank * diastolicRank < 0) {
    overall = { code: isCritical ? 'AA' : 'A', isCritical, message: `Blood pressure ${reading.systolic}/${reading.diastolic} is abnormal: ${systolic.message} ${diastolic.message}` };
  } else {
    const worse = Math.abs(diastolicRank) > Math.abs(systolicRank) ? diastolic : systolic;
    const code = worse.code;
    overall = code === 'N'
      ? { code, isCritical: false, message: `Blood pressure ${reading.systolic}/${reading.diastolic} is in the usual range for ${band.name}.` }
      : { code, isCritical, message: `Blood pressure ${reading.systolic}/${reading.diastolic}: ${worse.message}` };
  }
  return age.years >= 18
    ? { systolic, diastolic, overall, adultCategory: classifyAdultBloodPressure(reading) }
    : { systolic, diastolic, overall };
}

/**
 * True when either number is at or above its high limit, so the MA should recheck after the patient rests
 * (ACC/AHA 2017 technique: seated 5 minutes, 2 readings 1–2 minutes apart, repeat if the first is high).
 * Without an age the adult band applies.
 */
export function needsRepeatBloodPressure(reading: BloodPressureReading, age?: PatientAge, thresholds = DEFAULT_VITAL_THRESHOLDS): boolean {
  const result = interpretBloodPressure(reading, age ?? { days: 365 * 40, months: 480, years: 40 }, thresholds);
  return (severityRank(result.systolic.code) ?? 0) > 0 || (severityRank(result.diastolic.code) ?? 0) > 0;
}
