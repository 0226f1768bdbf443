/**
 * Unit choices on the vitals form and the BMI preview shown while typing. The server converts
 * exactly (UCUM, rationals) and its BMI is the one saved; this preview uses the same constants
 * (DOMAIN.md §1.2: 1 lb = 0.45359237 kg, 1 in = 2.54 cm) so the two agree to the shown decimal.
 */
export type UnitSystem = 'us' | 'metric';

export const massUnit = { us: '[lb_av]', metric: 'kg' } as const;
export const lengthUnit = { us: '[in_i]', metric: 'cm' } as const;
export const temperatureUnit = { us: '[degF]', metric: 'Cel' } as const;

/** How a UCUM unit reads on screen. */
export const unitLabels: Record<string, string> = {
  '[lb_av]': 'lb', kg: 'kg', g: 'g', '[oz_av]': 'oz', '[in_i]': 'in', cm: 'cm', m: 'm',
  '[degF]': '°F', Cel: '°C', 'mm[Hg]': 'mmHg', '/min': '/min', '%': '%', 'kg/m2': 'kg/m²', 'L/min': 'L/min', '{score}': '/10',
};

export function unitLabel(unit: string | null | undefined): string {
  if (!unit) return '';
  return unitLabels[unit] ?? unit;
}

/** A typed number, or null for an empty or unreadable field. */
export function readNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

export function toKilograms(value: number, system: UnitSystem): number {
  return system === 'us' ? value * 0.45359237 : value;
}

export function toCentimetres(value: number, system: UnitSystem): number {
  return system === 'us' ? value * 2.54 : value;
}

/** BMI (kg/m²) from the typed weight and height, or null until both are there and positive. */
export function previewBmi(weight: number | null, weightSystem: UnitSystem, height: number | null, heightSystem: UnitSystem): number | null {
  if (weight === null || height === null || weight <= 0 || height <= 0) return null;
  const metres = toCentimetres(height, heightSystem) / 100;
  return toKilograms(weight, weightSystem) / (metres * metres);
}

/** Adult BMI category (CDC/WHO, DOMAIN.md §1.7); children's BMI needs the server's percentile. */
export function adultBmiCategory(bmi: number): string {
  const shown = Math.round(bmi * 10) / 10;
  if (shown < 18.5) return 'Underweight';
  if (shown < 25) return 'Healthy weight';
  if (shown < 30) return 'Overweight';
  if (shown < 35) return 'Obesity class 1';
  if (shown < 40) return 'Obesity class 2';
  return 'Obesity class 3';
}

/** Whole months between a date of birth and today, for the head-circumference (under 3) rule. */
export function ageInMonths(dateOfBirth: string, today: Date = new Date()): number {
  const [year, month, day] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let months = (today.getFullYear() - year) * 12 + (today.getMonth() + 1 - month);
  if (today.getDate() < day) months -= 1;
  return Math.max(months, 0);
}
