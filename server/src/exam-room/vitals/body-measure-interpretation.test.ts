import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lmsAt, loadLmsTable } from '../growth/lms-table.js';
import { interpretBodyMeasure } from './body-measure-interpretation.js';
import { ageOn } from './interpretation.js';
import { LOINC } from './vital-codes.js';

const adult = ageOn('1980-05-01', '2026-11-24');
const toddler = ageOn('2025-11-09', '2026-11-24'); // 12 months and some days
const fourYears = ageOn('2022-11-01', '2026-11-24');
const rank = { L: 0, N: 1, H: 2 } as Record<string, number>;

describe('interpretBodyMeasure', () => {
  it('flags adult BMI by the CDC/WHO bands, at their edges', () => {
    expect(interpretBodyMeasure(LOINC.bmi, 18.49, adult, 'female')?.code).toBe('L');
    expect(interpretBodyMeasure(LOINC.bmi, 18.5, adult, 'female')?.code).toBe('N');
    expect(interpretBodyMeasure(LOINC.bmi, 24.99, adult, 'female')?.code).toBe('N');
    expect(interpretBodyMeasure(LOINC.bmi, 25, adult, 'female')?.code).toBe('H');
    expect(interpretBodyMeasure(LOINC.bmi, 41, adult, 'male')?.message).toContain('obesity class 3');
  });

  it('flags pain: 0-3 normal, 4-6 abnormal, 7 or more high', () => {
    expect([0, 3, 4, 6, 7, 10].map((score) => interpretBodyMeasure(LOINC.painSeverity, score, adult, 'male')?.code)).toEqual(['N', 'N', 'A', 'A', 'H', 'H']);
  });

  it("reads a child's weight against the CDC chart: the median is normal, far below is low, far above is high", () => {
    const median = lmsAt(loadLmsTable('wtageinf'), 'male', toddler.days / 30.4375)!.m;
    expect(interpretBodyMeasure(LOINC.bodyWeight, median, toddler, 'male')?.code).toBe('N');
    expect(interpretBodyMeasure(LOINC.bodyWeight, median * 0.7, toddler, 'male')?.code).toBe('L');
    expect(interpretBodyMeasure(LOINC.bodyWeight, median * 1.4, toddler, 'male')?.code).toBe('H');
  });

  it('gives a child flag that never decreases as the measure grows', () => {
    fc.assert(fc.property(fc.double({ min: 60, max: 130, noNaN: true }), fc.double({ min: 60, max: 130, noNaN: true }), (a, b) => {
      const [low, high] = a <= b ? [a, b] : [b, a];
      const first = interpretBodyMeasure(LOINC.bodyHeight, low, fourYears, 'female')!.code;
      const second = interpretBodyMeasure(LOINC.bodyHeight, high, fourYears, 'female')!.code;
      expect(rank[second]).toBeGreaterThanOrEqual(rank[first]!);
    }));
  });

  it('does not guess where no reference range applies', () => {
    expect(interpretBodyMeasure(LOINC.bodyWeight, 82, adult, 'male')).toBeNull();
    expect(interpretBodyMeasure(LOINC.bodyHeight, 178, adult, 'male')).toBeNull();
    expect(interpretBodyMeasure(LOINC.headCircumference, 50, fourYears, 'female')).toBeNull();
    expect(interpretBodyMeasure(LOINC.bodyWeight, 10, toddler, 'unknown')).toBeNull();
    expect(interpretBodyMeasure(LOINC.bmi, 17, toddler, 'male')).toBeNull();
  });
});
