import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADULT_BMI_BANDS, calculateBmi, classifyAdultBmi, type AdultBmiCategory } from './bmi.js';

describe('calculateBmi', () => {
  it('computes from kg and cm', () => {
    const bmi = calculateBmi({ value: 70, unit: 'kg' }, { value: 175, unit: 'cm' });
    expect(bmi.exact).toBeCloseTo(22.857142857, 9);
    expect(bmi.display).toBe(22.9);
    expect(bmi.unit).toBe('kg/m2');
  });

  it('gives the same BMI from lb and in as from the exact metric equivalents', () => {
    const imperial = calculateBmi({ value: 150, unit: '[lb_av]' }, { value: 70, unit: '[in_i]' });
    const metric = calculateBmi({ value: 68.0388555, unit: 'kg' }, { value: 177.8, unit: 'cm' });
    expect(imperial.exactRational).toEqual(metric.exactRational);
    expect(imperial.display).toBe(21.5);
    // 703 × lb / in² is the rounded clinic shortcut (DOMAIN.md §1.2); it agrees to the displayed decimal.
    expect(imperial.exact).toBeCloseTo((703 * 150) / 70 ** 2, 1);
  });

  it('accepts grams, ounces and metres', () => {
    expect(calculateBmi({ value: 80000, unit: 'g' }, { value: 2, unit: 'm' }).exact).toBe(20);
    expect(calculateBmi({ value: 16 * 100, unit: '[oz_av]' }, { value: 1, unit: 'm' }).exact).toBe(45.359237);
  });

  it('keeps the exact value while rounding the display half up', () => {
    // 24.95 kg/m2 exactly: shows 25.0 but is still below the overweight edge.
    const bmi = calculateBmi({ value: 24.95, unit: 'kg' }, { value: 1, unit: 'm' });
    expect(bmi.display).toBe(25);
    expect(bmi.exact).toBe(24.95);
    expect(classifyAdultBmi(bmi)).toBe('healthy weight');
  });

  it('refuses a missing or swapped measurement', () => {
    expect(() => calculateBmi({ value: 0, unit: 'kg' }, { value: 170, unit: 'cm' })).toThrow(/above zero/);
    expect(() => calculateBmi({ value: 170, unit: 'cm' }, { value: 70, unit: 'kg' })).toThrow(/Weight must be a mass/);
  });
});

describe('classifyAdultBmi at the CDC/WHO band edges', () => {
  const edges: Array<[number, AdultBmiCategory, AdultBmiCategory]> = [
    [18.5, 'underweight', 'healthy weight'],
    [25, 'healthy weight', 'overweight'],
    [30, 'overweight', 'obesity class 1'],
    [35, 'obesity class 1', 'obesity class 2'],
    [40, 'obesity class 2', 'obesity class 3'],
  ];
  it.each(edges)('puts %s in the upper band and just below it in the lower', (edge, below, atOrAbove) => {
    expect(classifyAdultBmi(edge)).toBe(atOrAbove);
    expect(classifyAdultBmi(edge - 0.01)).toBe(below);
    expect(classifyAdultBmi(edge - 1e-9)).toBe(below);
  });

  it('classifies a BMI computed right on an edge by its exact value', () => {
    expect(classifyAdultBmi(calculateBmi({ value: 100, unit: 'kg' }, { value: 2, unit: 'm' }))).toBe('overweight');
    expect(classifyAdultBmi(calculateBmi({ value: 74, unit: 'kg' }, { value: 2, unit: 'm' }))).toBe('healthy weight');
    expect(classifyAdultBmi(calculateBmi({ value: 73.99, unit: 'kg' }, { value: 2, unit: 'm' }))).toBe('underweight');
  });

  it('never moves to a lower band as BMI rises', () => {
    const order = ['underweight', ...[...ADULT_BMI_BANDS].reverse().map((band) => band.category)];
    fc.assert(fc.property(fc.double({ min: 5, max: 100, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), (bmi, rise) => {
      expect(order.indexOf(classifyAdultBmi(bmi + rise))).toBeGreaterThanOrEqual(order.indexOf(classifyAdultBmi(bmi)));
    }));
  });
});
