import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scoreAuditC } from './alcohol.js';
import { gad7Bands, gad7Severity, scoreGad7 } from './anxiety.js';
import { phq9Bands, phq9Severity, scorePhq2, scorePhq9 } from './depression.js';
import { screenFallRisk } from './fall-risk.js';
import type { ScoreBand } from './screening-answers.js';
import { assessTobaccoUse } from './tobacco.js';

function issuesOf(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect((error as { code?: string }).code).toBe('VALIDATION_FAILED');
    return (error as { issues: { field: string; message: string }[] }).issues;
  }
  throw new Error('expected VALIDATION_FAILED');
}

function rank<B extends string>(bands: readonly ScoreBand<B>[], band: B): number {
  return bands.findIndex((entry) => entry.band === band);
}

const answers = (count: number, max: number) => fc.array(fc.integer({ min: 0, max }), { minLength: count, maxLength: count });

describe('PHQ-2', () => {
  it('screens positive at 3 and asks for the PHQ-9', () => {
    expect(scorePhq2([1, 1])).toMatchObject({ total: 2, isPositive: false, needsPhq9: false });
    expect(scorePhq2([2, 1])).toMatchObject({ total: 3, isPositive: true, needsPhq9: true });
    expect(scorePhq2([3, 3]).total).toBe(6);
  });

  it('names the missing or out-of-range item', () => {
    expect(issuesOf(() => scorePhq2([1]))).toEqual([{ field: 'item2', message: 'Answer is missing.' }]);
    expect(issuesOf(() => scorePhq2([4, -1])).map((issue) => issue.field)).toEqual(['item1', 'item2']);
    expect(issuesOf(() => scorePhq2([1.5, '2'])).map((issue) => issue.field)).toEqual(['item1', 'item2']);
  });
});

describe('PHQ-9', () => {
  it('bands totals at the published edges', () => {
    const edges: [number, string][] = [
      [0, 'none-minimal'], [4, 'none-minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'],
      [15, 'moderately-severe'], [19, 'moderately-severe'], [20, 'severe'], [27, 'severe'],
    ];
    for (const [total, band] of edges) expect(phq9Severity(total)).toBe(band);
  });

  it('raises the urgent safety flag when item 9 is above 0, even with a low total', () => {
    const result = scorePhq9([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(result).toMatchObject({ total: 1, severity: 'none-minimal', needsUrgentSafetyFollowUp: true });
    expect(scorePhq9([3, 3, 3, 3, 3, 3, 3, 3, 0]).needsUrgentSafetyFollowUp).toBe(false);
  });

  it('refuses a missing item 9 rather than scoring it as 0', () => {
    expect(issuesOf(() => scorePhq9([0, 0, 0, 0, 0, 0, 0, 0, null]))).toEqual([{ field: 'item9', message: 'Answer is missing.' }]);
    expect(issuesOf(() => scorePhq9([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))[0]?.field).toBe('items');
  });

  it('totals the items, keeps the flag tied to item 9, and bands monotonically (property)', () => {
    fc.assert(
      fc.property(answers(9, 3), (items) => {
        const result = scorePhq9(items);
        expect(result.total).toBe(items.reduce((a, b) => a + b, 0));
        expect(result.needsUrgentSafetyFollowUp).toBe(items[8]! > 0);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 27 }), fc.integer({ min: 0, max: 27 }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(rank(phq9Bands, phq9Severity(low))).toBeLessThanOrEqual(rank(phq9Bands, phq9Severity(high)));
      }),
    );
  });

  it('maps every possible total to exactly one band', () => {
    for (let total = 0; total <= 27; total++) {
      expect(phq9Bands.filter((band) => total >= band.min && total <= band.max)).toHaveLength(1);
    }
  });
});

describe('GAD-7', () => {
  it('bands totals at the published edges', () => {
    const edges: [number, string][] = [
      [0, 'minimal'], [4, 'minimal'], [5, 'mild'], [9, 'mild'], [10, 'moderate'], [14, 'moderate'], [15, 'severe'], [21, 'severe'],
    ];
    for (const [total, band] of edges) expect(gad7Severity(total)).toBe(band);
  });

  it('totals the items and bands monotonically (property)', () => {
    fc.assert(
      fc.property(answers(7, 3), answers(7, 3), (first, second) => {
        const a = scoreGad7(first);
        const b = scoreGad7(second);
        expect(a.total).toBe(first.reduce((x, y) => x + y, 0));
        if (a.total <= b.total) expect(rank(gad7Bands, a.severity)).toBeLessThanOrEqual(rank(gad7Bands, b.severity));
      }),
    );
  });

  it('maps every possible total to exactly one band', () => {
    for (let total = 0; total <= 21; total++) {
      expect(gad7Bands.filter((band) => total >= band.min && total <= band.max)).toHaveLength(1);
    }
  });

  it('refuses an answer of 4', () => {
    expect(issuesOf(() => scoreGad7([0, 0, 4, 0, 0, 0, 0]))[0]?.field).toBe('item3');
  });
});

describe('AUDIT-C', () => {
  it('screens men positive at 4 and women at 3', () => {
    expect(scoreAuditC([1, 1, 1], 'male').isPositive).toBe(false);
    expect(scoreAuditC([2, 1, 1], 'male').isPositive).toBe(true);
    expect(scoreAuditC([1, 1, 0], 'female').isPositive).toBe(false);
    expect(scoreAuditC([1, 1, 1], 'female').isPositive).toBe(true);
    expect(scoreAuditC([1, 1, 1], 'unknown').isPositive).toBe(true);
  });

  it('accepts items 0–4 and refuses 5', () => {
    expect(scoreAuditC([4, 4, 4], 'male').total).toBe(12);
    expect(issuesOf(() => scoreAuditC([5, 0, 0], 'male'))[0]?.field).toBe('item1');
  });

  it('totals the items and is positive exactly from the cut-point up (property)', () => {
    fc.assert(
      fc.property(answers(3, 4), fc.constantFrom('male' as const, 'female' as const), (items, sex) => {
        const result = scoreAuditC(items, sex);
        expect(result.total).toBe(items.reduce((a, b) => a + b, 0));
        expect(result.isPositive).toBe(result.total >= (sex === 'male' ? 4 : 3));
      }),
    );
  });
});

describe('fall risk (CDC STEADI three key questions)', () => {
  it('is at risk when any answer is yes', () => {
    expect(screenFallRisk({ hasFallenInPastYear: false, feelsUnsteady: false, worriesAboutFalling: false }).isAtRisk).toBe(false);
    expect(screenFallRisk({ hasFallenInPastYear: false, feelsUnsteady: false, worriesAboutFalling: true })).toEqual({
      isAtRisk: true,
      positiveAnswers: ['worriesAboutFalling'],
    });
  });

  it('names the unanswered question', () => {
    expect(issuesOf(() => screenFallRisk({ hasFallenInPastYear: true, feelsUnsteady: false }))).toEqual([
      { field: 'worriesAboutFalling', message: 'Answer yes or no.' },
    ]);
  });
});

describe('tobacco use', () => {
  it('computes pack-years as packs per day × years', () => {
    expect(assessTobaccoUse({ status: 'current', packsPerDay: 1, yearsSmoked: 20 })).toEqual({ status: 'current', packYears: 20 });
    expect(assessTobaccoUse({ status: 'former', packsPerDay: 0.5, yearsSmoked: 30 }).packYears).toBe(15);
    expect(assessTobaccoUse({ status: 'never' })).toEqual({ status: 'never', packYears: 0 });
  });

  it('asks a smoker for packs per day and years, and refuses an unknown status', () => {
    expect(issuesOf(() => assessTobaccoUse({ status: 'current', packsPerDay: -1 })).map((issue) => issue.field)).toEqual([
      'packsPerDay',
      'yearsSmoked',
    ]);
    expect(issuesOf(() => assessTobaccoUse({ status: 'sometimes' }))[0]?.field).toBe('status');
  });
});
