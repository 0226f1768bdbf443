import { compare, convertExact, dimensionOf, divide, fromDecimal, multiply, roundRational, toNumber, type Quantity, type Rational } from './units.js';

export interface BodyMassIndex {
  /** The unrounded value in kg/m2; categories are decided on this, never on the display value. */
  readonly exact: number;
  /** Rounded to one decimal (half up) for display, as on CDC's adult BMI calculator. */
  readonly display: number;
  readonly unit: 'kg/m2';
  readonly exactRational: Rational;
}

/** BMI = kg / m² (DOMAIN.md §1.2); computed from the weight and height as entered, in any units, never typed in. */
export function calculateBmi(weight: Quantity, height: Quantity): BodyMassIndex {
  if (dimensionOf(weight.unit) !== 'mass') throw new RangeError(`Weight must be a mass, not ${weight.unit}`);
  if (dimensionOf(height.unit) !== 'length') throw new RangeError(`Height must be a length, not ${height.unit}`);
  if (!(weight.value > 0) || !(height.value > 0)) throw new RangeError('Weight and height must both be above zero to calculate BMI');
  const kilograms = convertExact(weight.value, weight.unit, 'kg');
  const metres = convertExact(height.value, height.unit, 'm');
  const exactRational = divide(kilograms, multiply(metres, metres));
  return { exact: toNumber(exactRational), display: roundRational(exactRational, 1), unit: 'kg/m2', exactRational };
}

export type AdultBmiCategory =
  | 'underweight'
  | 'healthy weight'
  | 'overweight'
  | 'obesity class 1'
  | 'obesity class 2'
  | 'obesity class 3';

/**
 * Adult BMI bands (CDC/WHO; DOMAIN.md §1.7): <18.5 underweight; 18.5–<25 healthy; 25–<30 overweight;
 * 30–<35 class 1; 35–<40 class 2; ≥40 class 3. For adults (20 y and over); ages 2–19 use CDC
 * BMI-for-age percentiles and under 2 y WHO weight-for-length, not these bands.
 */
export const ADULT_BMI_BANDS: ReadonlyArray<{ readonly from: number; readonly category: AdultBmiCategory }> = [
  { from: 40, category: 'obesity class 3' },
  { from: 35, category: 'obesity class 2' },
  { from: 30, category: 'obesity class 1' },
  { from: 25, category: 'overweight' },
  { from: 18.5, category: 'healthy weight' },
];

export function classifyAdultBmi(bmi: BodyMassIndex | number): AdultBmiCategory {
  const value = typeof bmi === 'number' ? fromDecimal(bmi) : bmi.exactRational;
  for (const band of ADULT_BMI_BANDS) {
    if (compare(value, fromDecimal(band.from)) >= 0) return band.category;
  }
  return 'underweight';
}
