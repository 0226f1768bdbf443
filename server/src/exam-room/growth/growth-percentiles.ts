import { AppError } from '../../platform/index.js';
import { ageRange, lmsAt, loadLmsTable, type GrowthSex, type Lms, type LmsTableName } from './lms-table.js';
import { normalCdf } from './normal-distribution.js';

export type { GrowthSex } from './lms-table.js';

export interface GrowthMeasurement {
  sex: GrowthSex;
  ageMonths: number;
  value: number;
}

export interface GrowthPercentile {
  /** The CDC 2000 table used, e.g. `wtageinf` (birth–36 months) or `wtage` (2–20 years). */
  table: LmsTableName;
  z: number;
  /** 0–100. */
  percentile: number;
}

/**
 * CDC LMS z-score: z = ((X/M)^L − 1) / (L·S) when L ≠ 0, ln(X/M) / S when L = 0.
 * Source: CDC, "Use and interpretation of the CDC growth charts" / cdc.gov/growthcharts/percentile_data_files.htm.
 */
export function zFromLms(value: number, { l, m, s }: Lms): number {
  if (l === 0) return Math.log(value / m) / s;
  return (Math.pow(value / m, l) - 1) / (l * s);
}

export function percentileFromZ(z: number): number {
  return 100 * normalCdf(z);
}

/** The CDC 2000 infant charts run from birth to 36 months; the 2–20 year charts take over at 36 months. */
export const infantChartsUntilMonths = 36;

function measure(table: LmsTableName, field: string, measurement: GrowthMeasurement): GrowthPercentile {
  const { sex, ageMonths, value } = measurement;
  if (!Number.isFinite(value) || value <= 0) {
    throw new AppError('VALIDATION_FAILED', { issues: [{ field, message: 'Must be a positive number.' }] });
  }
  const loaded = loadLmsTable(table);
  const lms = lmsAt(loaded, sex, ageMonths);
  if (!lms) {
    const { from, to } = ageRange(loaded, sex);
    throw new AppError('VALIDATION_FAILED', {
      issues: [{ field: 'ageMonths', message: `This growth chart covers ages ${from} to ${to} months.` }],
    });
  }
  const z = zFromLms(value, lms);
  return { table, z, percentile: percentileFromZ(z) };
}

function isInfant(ageMonths: number): boolean {
  return ageMonths < infantChartsUntilMonths;
}

/** Weight (kg) for age: `wtageinf` under 36 months, `wtage` from 36 months to 20 years. */
export function weightForAge(measurement: GrowthMeasurement): GrowthPercentile {
  return measure(isInfant(measurement.ageMonths) ? 'wtageinf' : 'wtage', 'weightKg', measurement);
}

/**
 * Recumbent length (cm) for age under 36 months (`lenageinf`, tabulated to 35.5 months), standing
 * stature for age from there to 20 years (`statage`).
 */
export function lengthOrStatureForAge(measurement: GrowthMeasurement): GrowthPercentile {
  const lengthTable = loadLmsTable('lenageinf');
  const useLength = isInfant(measurement.ageMonths) && measurement.ageMonths <= ageRange(lengthTable, measurement.sex).to;
  return measure(useLength ? 'lenageinf' : 'statage', 'heightCm', measurement);
}

/** BMI (kg/m²) for age, 2–20 years (`bmiagerev`). Under 2 years CDC uses weight-for-length instead. */
export function bmiForAge(measurement: GrowthMeasurement): GrowthPercentile {
  return measure('bmiagerev', 'bmi', measurement);
}

/** Head circumference (cm) for age, birth to 36 months (`hcageinf`). */
export function headCircumferenceForAge(measurement: GrowthMeasurement): GrowthPercentile {
  return measure('hcageinf', 'headCircumferenceCm', measurement);
}

export type PediatricBmiCategory = 'underweight' | 'healthy' | 'overweight' | 'obesity';

/**
 * CDC BMI-for-age categories, ages 2–19 (DOMAIN.md §1.7): < 5th percentile underweight,
 * 5th–< 85th healthy, 85th–< 95th overweight, ≥ 95th obesity.
 */
export function pediatricBmiCategory(percentile: number): PediatricBmiCategory {
  if (percentile < 5) return 'underweight';
  if (percentile < 85) return 'healthy';
  if (percentile < 95) return 'overweight';
  return 'obesity';
}
