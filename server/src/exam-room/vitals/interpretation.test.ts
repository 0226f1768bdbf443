import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  classifyAdultBloodPressure,
  DEFAULT_VITAL_THRESHOLDS,
  findAgeBand,
  interpretBloodPressure,
  interpretHeartRate,
  interpretOxygenSaturation,
  interpretRespiratoryRate,
  interpretTemperature,
  needsRepeatBloodPressure,
  severityRank,
  type PatientAge,
  type TemperatureRoute,
  type VitalThresholds,
} from './interpretation.js';

const adult = ageOn('1980-05-01', '2026-11-24');
const newborn = ageOn('2026-11-14', '2026-11-24'); // 10 days
const sixWeeks = ageOn('2026-10-13', '2026-11-24'); // 42 days, 1 month
const sixMonths = ageOn('2026-05-20', '2026-11-24');
const fourMonths = ageOn('2026-07-20', '2026-11-24');
const twoYears = ageOn('2024-09-01', '2026-11-24');
const fourYears = ageOn('2022-06-01', '2026-11-24');
const fourteenYears = ageOn('2012-01-15', '2026-11-24');

const codes = (interpret: (value: number) => { code: string }, values: number[]) => values.map((value) => interpret(value).code);

describe('ageOn and age bands (PALS, by days, months and years)', () => {
  it('counts completed days, months and years', () => {
    expect(ageOn('2024-01-31', '2024-02-29')).toEqual({ days: 29, months: 0, years: 0 });
    expect(ageOn('2020-02-29', '2026-02-28')).toEqual({ days: 2191, months: 71, years: 5 });
    expect(adult.years).toBe(46);
    expect(() => ageOn('2026-11-25', '2026-11-24')).toThrow(/before the date of birth/);
  });

  it('moves from newborn to infant after day 28 and to toddler at 12 months', () => {
    expect(findAgeBand(ageOn('2026-01-01', '2026-01-29')).name).toBe('a newborn (0–28 days)');
    expect(findAgeBand(ageOn('2026-01-01', '2026-01-30')).name).toBe('an infant (1–12 months)');
    expect(findAgeBand(ageOn('2025-01-01', '2025-12-31')).name).toBe('an infant (1–12 months)');
    expect(findAgeBand(ageOn('2025-01-01', '2026-01-01')).name).toBe('a toddler (1–2 years)');
    expect(findAgeBand(ageOn('2010-11-24', '2026-11-24')).name).toBe('an adult');
    expect(findAgeBand(ageOn('2010-11-25', '2026-11-24')).name).toBe('an adolescent (12–15 years)');
  });
});

describe('adult readings at the band edges (DOMAIN.md §1.3–1.4)', () => {
  it('pulse: < 40 LL, < 60 L, 60–100 N, > 100 H, > 130 HH', () => {
    expect(codes((value) => interpretHeartRate(value, adult), [39, 40, 59, 60, 100, 101, 130, 131])).toEqual(['LL', 'L', 'L', 'N', 'N', 'H', 'H', 'HH']);
    expect(interpretHeartRate(135, adult)).toEqual({ code: 'HH', isCritical: true, message: 'Pulse 135/min is critically high for an adult (above 130/min).' });
  });

  it('respirations: ≤ 8 LL, < 12 L, 12–20 N, > 20 H, ≥ 30 HH', () => {
    expect(codes((value) => interpretRespiratoryRate(value, adult), [8, 9, 11, 12, 20, 21, 29, 30])).toEqual(['LL', 'L', 'L', 'N', 'N', 'H', 'H', 'HH']);
  });

  it('SpO2: < 90 LL, < 95 L, 95–100 N', () => {
    expect(codes((value) => interpretOxygenSaturation(value, adult), [89, 90, 94, 95, 100])).toEqual(['LL', 'L', 'L', 'N', 'N']);
    expect(interpretOxygenSaturation(88, adult).isCritical).toBe(true);
  });

  it('blood pressure per component and overall (ACC/AHA 2017; critical ≥ 180 / ≥ 120)', () => {
    const normal = interpretBloodPressure({ systolic: 119, diastolic: 79 }, adult);
    expect([normal.systolic.code, normal.diastolic.code, normal.overall.code, normal.adultCategory]).toEqual(['N', 'N', 'N', 'normal']);
    const elevated = interpretBloodPressure({ systolic: 120, diastolic: 79 }, adult);
    expect([elevated.systolic.code, elevated.diastolic.code, elevated.overall.code, elevated.adultCategory]).toEqual(['H', 'N', 'H', 'elevated']);
    const justBelowCritical = interpretBloodPressure({ systolic: 179, diastolic: 119 }, adult);
    expect([justBelowCritical.overall.code, justBelowCritical.overall.isCritical]).toEqual(['H', false]);
    const systolicCritical = interpretBloodPressure({ systolic: 180, diastolic: 80 }, adult);
    expect([systolicCritical.systolic.code, systolicCritical.diastolic.code, systolicCritical.overall.code, systolicCritical.overall.isCritical])
      .toEqual(['HH', 'H', 'HH', true]);
    expect(systolicCritical.overall.message).toBe('Blood pressure 180/80: Systolic 180 mm Hg is critically high for an adult (180 mm Hg or higher).');
    const diastolicCritical = interpretBloodPressure({ systolic: 150, diastolic: 120 }, adult);
    expect([diastolicCritical.systolic.code, diastolicCritical.diastolic.code, diastolicCritical.overall.code]).toEqual(['H', 'HH', 'HH']);
    expect(codes((systolic) => interpretBloodPressure({ systolic, diastolic: 60 }, adult).systolic, [79, 80, 89, 90])).toEqual(['LL', 'L', 'L', 'N']);
  });

  it('classifies adult BP by the higher category', () => {
    expect(classifyAdultBloodPressure({ systolic: 128, diastolic: 79 })).toBe('elevated');
    expect(classifyAdultBloodPressure({ systolic: 118, diastolic: 80 })).toBe('stage 1 hypertension');
    expect(classifyAdultBloodPressure({ systolic: 139, diastolic: 89 })).toBe('stage 1 hypertension');
    expect(classifyAdultBloodPressure({ systolic: 125, diastolic: 90 })).toBe('stage 2 hypertension');
    expect(classifyAdultBloodPressure({ systolic: 180, diastolic: 120 })).toBe('stage 2 hypertension');
    expect(classifyAdultBloodPressure({ systolic: 181, diastolic: 100 })).toBe('severe hypertension');
    expect(interpretBloodPressure({ systolic: 100, diastolic: 60 }, fourteenYears).adultCategory).toBeUndefined();
  });

  it('prompts a repeat reading after rest for an elevated or higher BP', () => {
    expect(needsRepeatBloodPressure({ systolic: 118, diastolic: 76 })).toBe(false);
    expect(needsRepeatBloodPressure({ systolic: 120, diastolic: 70 })).toBe(true);
    expect(needsRepeatBloodPressure({ systolic: 112, diastolic: 80 })).toBe(true);
    expect(needsRepeatBloodPressure({ systolic: 185, diastolic: 95 }, adult)).toBe(true);
    expect(needsRepeatBloodPressure({ systolic: 85, diastolic: 50 }, adult)).toBe(false);
    expect(needsRepeatBloodPressure({ systolic: 112, diastolic: 70 }, fourYears)).toBe(false);
    expect(needsRepeatBloodPressure({ systolic: 113, diastolic: 70 }, fourYears)).toBe(true);
  });
});

describe('temperature by route and age (AAP fever guidance; DOMAIN.md §1.4–1.5)', () => {
  const temp = (value: number, unit: 'Cel' | '[degF]', route: TemperatureRoute, age: PatientAge = adult) =>
    interpretTemperature({ value, unit }, route, age).code;

  it('starts fever at each route’s threshold, in °C and °F', () => {
    expect([temp(37.9, 'Cel', 'rectal'), temp(38.0, 'Cel', 'rectal'), temp(100.3, '[degF]', 'rectal'), temp(100.4, '[degF]', 'rectal')]).toEqual(['N', 'H', 'N', 'H']);
    expect([temp(37.7, 'Cel', 'oral'), temp(37.8, 'Cel', 'oral'), temp(99.9, '[degF]', 'oral'), temp(100.0, '[degF]', 'oral')]).toEqual(['N', 'H', 'N', 'H']);
    expect([temp(37.1, 'Cel', 'axillary'), temp(37.2, 'Cel', 'axillary'), temp(99.0, '[degF]', 'axillary')]).toEqual(['N', 'H', 'H']);
    expect([temp(38.0, 'Cel', 'temporal'), temp(38.0, 'Cel', 'tympanic'), temp(37.9, 'Cel', 'tympanic')]).toEqual(['H', 'H', 'N']);
  });

  it('flags ≥ 40 °C and < 35 °C as critical, < 36.1 °C as low', () => {
    expect([temp(39.9, 'Cel', 'oral'), temp(40, 'Cel', 'oral'), temp(104, '[degF]', 'oral')]).toEqual(['H', 'HH', 'HH']);
    expect([temp(34.9, 'Cel', 'oral'), temp(35, 'Cel', 'oral'), temp(36.0, 'Cel', 'oral'), temp(36.1, 'Cel', 'oral'), temp(94.9, '[degF]', 'oral')])
      .toEqual(['LL', 'L', 'L', 'N', 'LL']);
  });

  it('makes any rectal ≥ 38.0 °C in an infant under 3 months critical', () => {
    expect(interpretTemperature({ value: 38.0, unit: 'Cel' }, 'rectal', sixWeeks)).toEqual({
      code: 'HH',
      isCritical: true,
      message: 'Temperature 38 °C (rectal) is a fever in an infant (1–12 months): notify the provider now (rectal fever is 38 °C or higher).',
    });
    expect([temp(100.4, '[degF]', 'rectal', newborn), temp(37.9, 'Cel', 'rectal', newborn), temp(38.0, 'Cel', 'rectal', fourMonths)]).toEqual(['HH', 'N', 'H']);
    expect(temp(38.0, 'Cel', 'rectal', ageOn('2026-08-24', '2026-11-23'))).toBe('HH');
    expect(temp(38.0, 'Cel', 'rectal', ageOn('2026-08-24', '2026-11-24'))).toBe('H');
  });

  it('refuses a reading that is not a temperature', () => {
    expect(() => interpretTemperature({ value: 37, unit: 'kg' }, 'oral', adult)).toThrow(/Cel or \[degF\], not kg/);
  });
});

describe('pediatric readings at the PALS band edges', () => {
  it('newborn (10 days): pulse 100–205, SBP hypotension < 60', () => {
    expect(codes((value) => interpretHeartRate(value, newborn), [99, 100, 205, 206])).toEqual(['L', 'N', 'N', 'H']);
    expect(codes((systolic) => interpretBloodPressure({ systolic, diastolic: 40 }, newborn).systolic, [59, 60, 66, 67, 84, 85])).toEqual(['LL', 'L', 'L', 'N', 'N', 'H']);
  });

  it('infant (6 months): respirations 30–53, SBP 72–104 with hypotension < 70', () => {
    expect(codes((value) => interpretRespiratoryRate(value, sixMonths), [29, 30, 53, 54])).toEqual(['L', 'N', 'N', 'H']);
    expect(codes((systolic) => interpretBloodPressure({ systolic, diastolic: 45 }, sixMonths).systolic, [69, 70, 71, 72, 104, 105])).toEqual(['LL', 'L', 'L', 'N', 'N', 'H']);
    expect(interpretHeartRate(181, sixMonths).message).toBe('Pulse 181/min is high for an infant (1–12 months) (above 180/min).');
  });

  it('toddler (2 years): hypotension below 70 + 2 × age = 74', () => {
    expect(codes((systolic) => interpretBloodPressure({ systolic, diastolic: 50 }, twoYears).systolic, [73, 74, 85, 86])).toEqual(['LL', 'L', 'L', 'N']);
    expect(interpretBloodPressure({ systolic: 73, diastolic: 50 }, twoYears).systolic.message).toBe('Systolic 73 mm Hg is critically low for a toddler (1–2 years) (below 74 mm Hg).');
    expect(codes((value) => interpretHeartRate(value, twoYears), [97, 98, 140, 141])).toEqual(['L', 'N', 'N', 'H']);
  });

  it('preschool (4 years) and adolescent (14 years) pulse', () => {
    expect(codes((value) => interpretHeartRate(value, fourYears), [79, 80, 120, 121])).toEqual(['L', 'N', 'N', 'H']);
    expect(codes((value) => interpretHeartRate(value, fourteenYears), [59, 60, 100, 101])).toEqual(['L', 'N', 'N', 'H']);
  });

  it('marks a BP abnormal (A) when one number is high and the other low', () => {
    const mixed = interpretBloodPressure({ systolic: 110, diastolic: 30 }, sixMonths);
    expect([mixed.systolic.code, mixed.diastolic.code, mixed.overall.code, mixed.overall.isCritical]).toEqual(['H', 'L', 'A', false]);
    const criticalMixed = interpretBloodPressure({ systolic: 65, diastolic: 60 }, sixMonths);
    expect([criticalMixed.systolic.code, criticalMixed.diastolic.code, criticalMixed.overall.code, criticalMixed.overall.isCritical]).toEqual(['LL', 'H', 'AA', true]);
  });
});

describe('thresholds are data the clinic configures', () => {
  it('uses a table passed in instead of the default', () => {
    const adultBand = findAgeBand(adult);
    const stricter: VitalThresholds = {
      ...DEFAULT_VITAL_THRESHOLDS,
      ageBands: [{ ...adultBand, heartRate: { ...adultBand.heartRate, criticalHigh: { atOrAbove: 120 } } }],
      oxygenSaturation: { low: { below: 92 }, criticalLow: { below: 88 } },
    };
    expect(interpretHeartRate(125, adult, stricter).code).toBe('HH');
    expect(interpretHeartRate(125, adult).code).toBe('H');
    expect(interpretOxygenSaturation(89, adult, stricter).code).toBe('L');
    expect(interpretHeartRate(125, newborn, stricter).code).toBe('HH');
  });

  it('refuses a table whose bands leave an age uncovered', () => {
    const gap: VitalThresholds = { ...DEFAULT_VITAL_THRESHOLDS, ageBands: DEFAULT_VITAL_THRESHOLDS.ageBands.slice(0, 2) };
    expect(() => interpretHeartRate(80, adult, gap)).toThrow(/no age band/);
  });
});

describe('properties', () => {
  const anyAge = fc.tuple(fc.date({ min: new Date('1920-01-01'), max: new Date('2026-11-24'), noInvalidDate: true })).map(([birth]) =>
    ageOn(birth.toISOString().slice(0, 10), '2026-11-24'));
  const rank = (code: Parameters<typeof severityRank>[0]) => severityRank(code) ?? Number.NaN;
  const measures = {
    heartRate: (value: number, age: PatientAge) => interpretHeartRate(value, age),
    respiratoryRate: (value: number, age: PatientAge) => interpretRespiratoryRate(value, age),
    oxygenSaturation: (value: number, age: PatientAge) => interpretOxygenSaturation(value, age),
    systolic: (value: number, age: PatientAge) => interpretBloodPressure({ systolic: value, diastolic: 60 }, age).systolic,
    diastolic: (value: number, age: PatientAge) => interpretBloodPressure({ systolic: 120, diastolic: value }, age).diastolic,
    temperatureCel: (value: number, age: PatientAge) => interpretTemperature({ value: value / 5, unit: 'Cel' }, 'oral', age),
    temperatureRectalF: (value: number, age: PatientAge) => interpretTemperature({ value: value / 2, unit: '[degF]' }, 'rectal', age),
  };

  it('raising a reading never lowers its severity (and lowering never raises it)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...Object.values(measures)), anyAge, fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 100 }),
      (interpret, age, value, rise) => {
        expect(rank(interpret(value + rise, age).code)).toBeGreaterThanOrEqual(rank(interpret(value, age).code));
      },
    ), { numRuns: 2000 });
  });

  it('flags a reading as critical exactly when its code is LL, HH or AA', () => {
    fc.assert(fc.property(anyAge, fc.integer({ min: 20, max: 300 }), fc.integer({ min: 10, max: 200 }), (age, systolic, diastolic) => {
      const result = interpretBloodPressure({ systolic, diastolic }, age);
      for (const interpretation of [result.systolic, result.diastolic, result.overall]) {
        expect(interpretation.isCritical).toBe(['LL', 'HH', 'AA'].includes(interpretation.code));
      }
      expect(result.overall.isCritical).toBe(result.systolic.isCritical || result.diastolic.isCritical);
    }));
  });

  it('a fever in a younger infant is never less severe than the same fever later in life', () => {
    fc.assert(fc.property(fc.constantFrom<TemperatureRoute>('oral', 'rectal', 'axillary', 'tympanic', 'temporal'), fc.integer({ min: 350, max: 420 }), anyAge, (route, tenths, age) => {
      const infant = interpretTemperature({ value: tenths / 10, unit: 'Cel' }, route, sixWeeks);
      const older = interpretTemperature({ value: tenths / 10, unit: 'Cel' }, route, age);
      expect(rank(infant.code)).toBeGreaterThanOrEqual(rank(older.code));
    }));
  });
});
