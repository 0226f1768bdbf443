import { describe, expect, it } from 'vitest';
import {
  bmiForAge,
  headCircumferenceForAge,
  lengthOrStatureForAge,
  pediatricBmiCategory,
  percentileFromZ,
  weightForAge,
  zFromLms,
  type GrowthMeasurement,
  type GrowthPercentile,
} from './growth-percentiles.js';
import { lmsAt, lmsTableNames, loadLmsTable, parseLmsCsv, type LmsTableName } from './lms-table.js';
import { erf, normalCdf } from './normal-distribution.js';

describe('normal distribution', () => {
  it('matches reference values of erf and Φ to better than 1e-7', () => {
    const erfs: [number, number][] = [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [3.5, 0.9999992569016276], [-1, -0.8427007929497149]];
    for (const [x, expected] of erfs) expect(Math.abs(erf(x) - expected)).toBeLessThan(1e-12);
    const cdfs: [number, number][] = [
      [0, 0.5], [1, 0.8413447460685429], [1.959963984540054, 0.975], [-1.6448536269514722, 0.05], [-3, 0.0013498980316301],
      [5, 0.9999997133484281], [-6, 9.865876450377e-10], [2.5, 0.9937903346742238],
    ];
    for (const [z, expected] of cdfs) expect(Math.abs(normalCdf(z) - expected)).toBeLessThan(1e-12);
  });

  it('is monotone and symmetric over a fine grid', () => {
    let previous = 0;
    for (let z = -8; z <= 8; z += 0.01) {
      const p = normalCdf(z);
      expect(p).toBeGreaterThanOrEqual(previous);
      expect(Math.abs(p + normalCdf(-z) - 1)).toBeLessThan(1e-12);
      previous = p;
    }
  });
});

describe('LMS table loader', () => {
  it('skips a header repeated mid-file and reads sex 1 as male, 2 as female', () => {
    const table = parseLmsCsv(
      'bmiagerev',
      'Sex,Agemos,L,M,S,P50\n1,24,-2,16.5,0.08,16.5\nSex,Agemos,L,M,S,P50\r\n2,24,-1,16.4,0.085,16.4\n',
    );
    expect(table.rows.male).toHaveLength(1);
    expect(table.rows.female[0]).toMatchObject({ ageMonths: 24, l: -1, m: 16.4, s: 0.085, percentiles: { P50: 16.4 } });
  });

  it('loads all six tables with both sexes over the expected ages', () => {
    const expected: Record<LmsTableName, [number, number]> = {
      wtageinf: [0, 36], lenageinf: [0, 35.5], hcageinf: [0, 36], wtage: [24, 240], statage: [24, 240], bmiagerev: [24, 240.5],
    };
    for (const name of lmsTableNames) {
      const table = loadLmsTable(name);
      for (const sex of ['male', 'female'] as const) {
        const rows = table.rows[sex];
        expect([rows[0]?.ageMonths, rows[rows.length - 1]?.ageMonths]).toEqual(expected[name]);
      }
    }
  });

  it('interpolates L, M and S linearly between tabulated ages', () => {
    const table = loadLmsTable('wtage');
    const first = table.rows.male[0]!;
    const second = table.rows.male[1]!;
    const middle = lmsAt(table, 'male', (first.ageMonths + second.ageMonths) / 2)!;
    expect(middle.m).toBeCloseTo((first.m + second.m) / 2, 12);
    expect(middle.l).toBeCloseTo((first.l + second.l) / 2, 12);
    expect(middle.s).toBeCloseTo((first.s + second.s) / 2, 12);
    expect(lmsAt(table, 'male', 23.9)).toBeUndefined();
  });
});

describe('growth percentiles against the CDC published percentile columns', () => {
  const cases: [LmsTableName, (m: GrowthMeasurement) => GrowthPercentile][] = [
    ['wtageinf', weightForAge],
    ['lenageinf', lengthOrStatureForAge],
    ['hcageinf', headCircumferenceForAge],
    ['wtage', weightForAge],
    ['statage', lengthOrStatureForAge],
    ['bmiagerev', bmiForAge],
  ];

  for (const [name, compute] of cases) {
    it(`returns P5/P50/P95 as 5/50/95 at every row of ${name}`, () => {
      let checked = 0;
      for (const sex of ['male', 'female'] as const) {
        for (const row of loadLmsTable(name).rows[sex]) {
          // From 36 months weight goes to the 2–20 year chart; under 36 months the infant charts are used.
          if (name === 'wtageinf' && row.ageMonths === 36) continue;
          if ((name === 'wtage' || name === 'statage') && row.ageMonths < 36) continue;
          for (const [column, expected] of [['P5', 5], ['P50', 50], ['P95', 95]] as const) {
            const result = compute({ sex, ageMonths: row.ageMonths, value: row.percentiles[column]! });
            expect(result.table).toBe(name);
            expect(Math.abs(result.percentile - expected)).toBeLessThan(0.01);
            if (column === 'P50') expect(Math.abs(result.z)).toBeLessThan(1e-6);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
    });
  }

  it('matches the 2–20 year table at 24.5 months, an age the infant chart is chosen for', () => {
    const table = loadLmsTable('wtage');
    const row = table.rows.female.find((candidate) => candidate.ageMonths === 24.5)!;
    const z = zFromLms(row.percentiles.P95!, lmsAt(table, 'female', 24.5)!);
    expect(percentileFromZ(z)).toBeCloseTo(95, 2);
  });

  it('handles L = 0 with the log form', () => {
    expect(zFromLms(Math.E * 10, { l: 0, m: 10, s: 0.5 })).toBeCloseTo(2, 12);
  });

  it('picks the infant chart under 36 months and the 2–20 year chart from 36 months', () => {
    expect(weightForAge({ sex: 'male', ageMonths: 35, value: 14 }).table).toBe('wtageinf');
    expect(weightForAge({ sex: 'male', ageMonths: 36, value: 14 }).table).toBe('wtage');
    expect(lengthOrStatureForAge({ sex: 'female', ageMonths: 35.8, value: 95 }).table).toBe('statage');
  });

  it('refuses ages outside a chart and non-positive measurements with field-level issues', () => {
    expect(() => bmiForAge({ sex: 'male', ageMonths: 12, value: 17 })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'ageMonths' })] }));
    expect(() => headCircumferenceForAge({ sex: 'male', ageMonths: 48, value: 50 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => weightForAge({ sex: 'female', ageMonths: 6, value: 0 })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'weightKg' })] }));
  });
});

describe('pediatric BMI category (DOMAIN.md §1.7)', () => {
  it('cuts at the 5th, 85th and 95th percentiles', () => {
    expect(pediatricBmiCategory(4.99)).toBe('underweight');
    expect(pediatricBmiCategory(5)).toBe('healthy');
    expect(pediatricBmiCategory(84.99)).toBe('healthy');
    expect(pediatricBmiCategory(85)).toBe('overweight');
    expect(pediatricBmiCategory(94.99)).toBe('overweight');
    expect(pediatricBmiCategory(95)).toBe('obesity');
  });

  it('classifies a 10-year-old boy at the table P85 and P97 values', () => {
    const row = loadLmsTable('bmiagerev').rows.male.find((candidate) => candidate.ageMonths === 120.5)!;
    expect(pediatricBmiCategory(bmiForAge({ sex: 'male', ageMonths: 120.5, value: row.percentiles.P97! }).percentile)).toBe('obesity');
    expect(pediatricBmiCategory(bmiForAge({ sex: 'male', ageMonths: 120.5, value: row.percentiles.P10! }).percentile)).toBe('healthy');
    expect(pediatricBmiCategory(bmiForAge({ sex: 'male', ageMonths: 120.5, value: row.percentiles.P3! }).percentile)).toBe('underweight');
  });
});
