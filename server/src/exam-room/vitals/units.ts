/**
 * Exact UCUM conversions for the vital-sign units (DOMAIN.md §1.1–1.2).
 * Values are carried as exact rationals (bigint numerator/denominator) so that
 * 98.6 [degF] is exactly 37 Cel and 150 [lb_av] exactly 68.0388555 kg; every
 * conversion is one step through the canonical SI unit, never a chain of rounded steps.
 */

export type VitalUnit =
  | 'kg' | 'g' | '[lb_av]' | '[oz_av]'
  | 'cm' | 'm' | '[in_i]'
  | 'Cel' | '[degF]'
  | 'mm[Hg]'
  | '/min'
  | '%'
  | 'kg/m2'
  | 'L/min';

export interface Quantity {
  readonly value: number;
  readonly unit: VitalUnit;
}

export type Dimension = 'mass' | 'length' | 'temperature' | 'pressure' | 'rate' | 'fraction' | 'body mass index' | 'flow';

/** An exact rational number; the denominator is always positive. */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(numerator: bigint, denominator = 1n): Rational {
  if (denominator === 0n) throw new RangeError('division by zero');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

/** The exact rational a decimal literal denotes (0.1 → 1/10, not the nearest binary double). */
export function fromDecimal(value: number | string): Rational {
  const text = typeof value === 'number' ? numberToText(value) : value.trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new RangeError(`not a finite decimal number: ${text}`);
  const sign = match[1] === '-' ? -1n : 1n;
  const fraction = match[3] ?? '';
  const exponent = Number(match[4] ?? '0') - fraction.length;
  const digits = BigInt(`${match[2] ?? ''}${fraction}` || '0');
  return exponent >= 0
    ? rational(sign * digits * 10n ** BigInt(exponent))
    : rational(sign * digits, 10n ** BigInt(-exponent));
}

function numberToText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

export const add = (a: Rational, b: Rational): Rational =>
  rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
export const subtract = (a: Rational, b: Rational): Rational =>
  rational(a.numerator * b.denominator - b.numerator * a.denominator, a.denominator * b.denominator);
export const multiply = (a: Rational, b: Rational): Rational =>
  rational(a.numerator * b.numerator, a.denominator * b.denominator);
export const divide = (a: Rational, b: Rational): Rational =>
  rational(a.numerator * b.denominator, a.denominator * b.numerator);
export const compare = (a: Rational, b: Rational): number => {
  const difference = a.numerator * b.denominator - b.numerator * a.denominator;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
};

/** The double nearest the rational (through a 40-significant-digit decimal, so one rounding in practice). */
export function toNumber(value: Rational): number {
  const negative = value.numerator < 0n;
  const numerator = negative ? -value.numerator : value.numerator;
  const integerPart = numerator / value.denominator;
  let remainder = numerator % value.denominator;
  let significant = integerPart === 0n ? 0 : integerPart.toString().length;
  let fraction = '';
  while (remainder !== 0n && significant < 40) {
    remainder *= 10n;
    const digit = remainder / value.denominator;
    remainder %= value.denominator;
    if (significant > 0 || digit !== 0n) significant++;
    fraction += digit.toString();
  }
  return Number(`${negative ? '-' : ''}${integerPart}.${fraction || '0'}`);
}

/** Round half away from zero to `places` decimals, exactly. */
export function roundRational(value: Rational, places: number): number {
  const scale = 10n ** BigInt(places);
  const scaled = value.numerator * scale;
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const rounded = (2n * magnitude + value.denominator) / (2n * value.denominator);
  return toNumber(rational(negative ? -rounded : rounded, scale));
}

interface UnitDefinition {
  readonly dimension: Dimension;
  readonly display: string;
  /** canonical = value × factor + offset */
  readonly factor: Rational;
  readonly offset: Rational;
}

const ONE = rational(1n);
const ZERO = rational(0n);
// 1 [lb_av] = 0.45359237 kg exactly (International yard and pound agreement, 1959; UCUM).
const POUND_IN_KG = fromDecimal('0.45359237');

const UNITS: Readonly<Record<VitalUnit, UnitDefinition>> = {
  kg: { dimension: 'mass', display: 'kg', factor: ONE, offset: ZERO },
  g: { dimension: 'mass', display: 'g', factor: rational(1n, 1000n), offset: ZERO },
  '[lb_av]': { dimension: 'mass', display: 'lb', factor: POUND_IN_KG, offset: ZERO },
  // 1 [oz_av] = 1/16 [lb_av] = 28.349523125 g exactly (UCUM).
  '[oz_av]': { dimension: 'mass', display: 'oz', factor: divide(POUND_IN_KG, rational(16n)), offset: ZERO },
  cm: { dimension: 'length', display: 'cm', factor: ONE, offset: ZERO },
  m: { dimension: 'length', display: 'm', factor: rational(100n), offset: ZERO },
  // 1 [in_i] = 2.54 cm exactly (UCUM).
  '[in_i]': { dimension: 'length', display: 'in', factor: fromDecimal('2.54'), offset: ZERO },
  Cel: { dimension: 'temperature', display: '°C', factor: ONE, offset: ZERO },
  // °C = (°F − 32) × 5/9 = °F × 5/9 − 160/9 (UCUM [degF]).
  '[degF]': { dimension: 'temperature', display: '°F', factor: rational(5n, 9n), offset: rational(-160n, 9n) },
  'mm[Hg]': { dimension: 'pressure', display: 'mm Hg', factor: ONE, offset: ZERO },
  '/min': { dimension: 'rate', display: '/min', factor: ONE, offset: ZERO },
  '%': { dimension: 'fraction', display: '%', factor: ONE, offset: ZERO },
  'kg/m2': { dimension: 'body mass index', display: 'kg/m²', factor: ONE, offset: ZERO },
  'L/min': { dimension: 'flow', display: 'L/min', factor: ONE, offset: ZERO },
};

export class IncompatibleUnitsError extends Error {
  constructor(readonly from: VitalUnit, readonly to: VitalUnit) {
    super(`Cannot convert ${from} (${UNITS[from].dimension}) to ${to} (${UNITS[to].dimension})`);
    this.name = 'IncompatibleUnitsError';
  }
}

export function isVitalUnit(unit: string): unit is VitalUnit {
  return Object.hasOwn(UNITS, unit);
}

export function dimensionOf(unit: VitalUnit): Dimension {
  return UNITS[unit].dimension;
}

/** How the unit is written for an MA (e.g. `[lb_av]` → `lb`). */
export function displayUnit(unit: VitalUnit): string {
  return UNITS[unit].display;
}

/** The exact rational value of `value` (a decimal as entered) expressed in `to`. */
export function convertExact(value: number | string | Rational, from: VitalUnit, to: VitalUnit): Rational {
  const source = UNITS[from];
  const target = UNITS[to];
  if (source.dimension !== target.dimension) throw new IncompatibleUnitsError(from, to);
  const exact = typeof value === 'object' ? value : fromDecimal(value);
  if (from === to) return exact;
  const canonical = add(multiply(exact, source.factor), source.offset);
  return divide(subtract(canonical, target.offset), target.factor);
}

export function convertValue(value: number, from: VitalUnit, to: VitalUnit): number {
  return toNumber(convertExact(value, from, to));
}

export function convert(quantity: Quantity, to: VitalUnit): Quantity {
  return { value: convertValue(quantity.value, quantity.unit, to), unit: to };
}
