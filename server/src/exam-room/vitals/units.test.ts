import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convert, convertExact, convertValue, fromDecimal, IncompatibleUnitsError, roundRational, toNumber, type VitalUnit } from './units.js';

describe('exact UCUM conversions', () => {
  it('converts 150 lb to exactly 68.0388555 kg', () => {
    expect(convertValue(150, '[lb_av]', 'kg')).toBe(68.0388555);
    expect(convertExact(150, '[lb_av]', 'kg')).toEqual(fromDecimal('68.0388555'));
  });

  it('converts 70 in to exactly 177.8 cm', () => {
    expect(convert({ value: 70, unit: '[in_i]' }, 'cm')).toEqual({ value: 177.8, unit: 'cm' });
  });

  it('converts 98.6 °F to exactly 37 °C and 100.4 °F to exactly 38.0 °C', () => {
    expect(convertExact(98.6, '[degF]', 'Cel')).toEqual(fromDecimal('37'));
    expect(convertValue(100.4, '[degF]', 'Cel')).toBe(38);
    expect(convertValue(100.0, '[degF]', 'Cel')).toBeCloseTo(37.7778, 4);
  });

  it('converts °C to °F with the affine formula', () => {
    expect(convertValue(37, 'Cel', '[degF]')).toBe(98.6);
    expect(convertValue(-40, 'Cel', '[degF]')).toBe(-40);
    expect(convertValue(0, 'Cel', '[degF]')).toBe(32);
  });

  it('converts ounces, grams and metres exactly', () => {
    expect(convertValue(1, '[oz_av]', 'g')).toBe(28.349523125);
    expect(convertValue(16, '[oz_av]', '[lb_av]')).toBe(1);
    expect(convertValue(3250, 'g', 'kg')).toBe(3.25);
    expect(convertValue(1.778, 'm', 'cm')).toBe(177.8);
    expect(convertValue(1, 'kg', '[lb_av]')).toBeCloseTo(2.20462262, 8);
  });

  it('leaves a value in its own unit untouched', () => {
    for (const unit of ['mm[Hg]', '/min', '%', 'kg/m2', 'L/min'] as const) {
      expect(convertValue(12.3, unit, unit)).toBe(12.3);
    }
  });

  it('refuses to convert between incompatible units, naming both', () => {
    expect(() => convertValue(70, 'kg', 'cm')).toThrow(IncompatibleUnitsError);
    expect(() => convertValue(70, 'kg', 'cm')).toThrow('Cannot convert kg (mass) to cm (length)');
    expect(() => convertValue(98.6, '[degF]', 'mm[Hg]')).toThrow(/\[degF\].*mm\[Hg\]/);
    expect(() => convertValue(95, '%', '/min')).toThrow(IncompatibleUnitsError);
  });

  it('reads decimals exactly and rounds half away from zero', () => {
    expect(fromDecimal(0.1)).toEqual({ numerator: 1n, denominator: 10n });
    expect(fromDecimal('1e-3')).toEqual({ numerator: 1n, denominator: 1000n });
    expect(roundRational(fromDecimal('24.95'), 1)).toBe(25);
    expect(roundRational(fromDecimal('-0.25'), 1)).toBe(-0.3);
    expect(toNumber(fromDecimal('0.000123'))).toBe(0.000123);
    expect(() => fromDecimal(Number.NaN)).toThrow();
  });
});

describe('round trips', () => {
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
  const pairs: Array<[VitalUnit, VitalUnit]> = [
    ['kg', '[lb_av]'], ['kg', '[oz_av]'], ['g', '[lb_av]'], ['cm', '[in_i]'], ['m', '[in_i]'], ['Cel', '[degF]'],
  ];

  it('kg → lb → kg returns the weight within 1e-9 relative', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 1000, noNaN: true }), (kg) => {
      expect(relative(convertValue(convertValue(kg, 'kg', '[lb_av]'), '[lb_av]', 'kg'), kg)).toBeLessThan(1e-9);
    }));
  });

  it('every compatible pair round-trips within 1e-9 relative', () => {
    fc.assert(fc.property(fc.constantFrom(...pairs), fc.double({ min: 0.01, max: 1000, noNaN: true }), ([from, to], value) => {
      expect(relative(convertValue(convertValue(value, from, to), to, from), value)).toBeLessThan(1e-9);
    }));
  });

  it('exact conversion round-trips with no error at all', () => {
    fc.assert(fc.property(fc.constantFrom(...pairs), fc.integer({ min: -100_000, max: 100_000 }), ([from, to], tenths) => {
      const value = fromDecimal(tenths / 10);
      expect(convertExact(convertExact(value, from, to), to, from)).toEqual(value);
    }));
  });
});
