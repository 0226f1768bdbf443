import { describe, expect, it } from 'vitest';
import { findImplausibleVitals } from './plausibility.js';

const fieldsOf = (problems: ReturnType<typeof findImplausibleVitals>) => problems.map((problem) => problem.field);

describe('findImplausibleVitals', () => {
  it('accepts an ordinary adult visit', () => {
    expect(findImplausibleVitals({
      weight: { value: 180, unit: '[lb_av]' },
      height: { value: 70, unit: '[in_i]' },
      temperature: { value: 98.6, unit: '[degF]' },
      systolic: 128, diastolic: 82, heartRate: 72, respiratoryRate: 16, oxygenSaturation: 98, painScore: 0,
    })).toEqual([]);
  });

  it('accepts true extremes a clinic can see', () => {
    expect(findImplausibleVitals({ weight: { value: 600, unit: 'kg' }, temperature: { value: 25, unit: 'Cel' }, systolic: 300, diastolic: 10, heartRate: 20 })).toEqual([]);
    expect(findImplausibleVitals({ weight: { value: 450, unit: 'g' }, height: { value: 30, unit: 'cm' }, heartRate: 300, oxygenSaturation: 100 })).toEqual([]);
  });

  it('flags a weight over 700 kg and a 1500 lb weight, suggesting lb for a kg typo', () => {
    const [kg] = findImplausibleVitals({ weight: { value: 701, unit: 'kg' } });
    expect(kg).toEqual({ field: 'weight', message: expect.stringContaining('Weight of 701 kg looks like a typo: expected 0.2–650 kg') });
    expect(kg?.message).toContain('Was it weighed in lb?');
    expect(findImplausibleVitals({ weight: { value: 1500, unit: '[lb_av]' } })).toEqual([
      { field: 'weight', message: 'Weight of 1500 lb looks like a typo: expected 0.44–1433 lb. Please check and re-enter.' },
    ]);
  });

  it('flags temperatures outside 25–45 °C and spots a °F number entered as °C', () => {
    expect(fieldsOf(findImplausibleVitals({ temperature: { value: 45.1, unit: 'Cel' } }))).toEqual(['temperature']);
    expect(fieldsOf(findImplausibleVitals({ temperature: { value: 24.9, unit: 'Cel' } }))).toEqual(['temperature']);
    expect(findImplausibleVitals({ temperature: { value: 45, unit: 'Cel' } })).toEqual([]);
    expect(findImplausibleVitals({ temperature: { value: 98.6, unit: 'Cel' } })[0]?.message).toContain('Was it taken in °F?');
    expect(findImplausibleVitals({ temperature: { value: 37, unit: '[degF]' } })[0]?.message).toContain('Was it taken in °C?');
    expect(findImplausibleVitals({ temperature: { value: 114, unit: '[degF]' } })).toHaveLength(1);
  });

  it('flags systolic outside 40–300', () => {
    expect(findImplausibleVitals({ systolic: 39, diastolic: 20 })).toEqual([
      { field: 'systolic', message: 'Systolic (top number) of 39 mm Hg looks like a typo: expected 40–300 mm Hg. Please check and re-enter.' },
    ]);
    expect(fieldsOf(findImplausibleVitals({ systolic: 1200, diastolic: 80 }))).toEqual(['systolic']);
  });

  it('flags a diastolic above or equal to the systolic as a likely swap', () => {
    const problems = findImplausibleVitals({ systolic: 80, diastolic: 120 });
    expect(problems).toEqual([{ field: 'diastolic', message: 'Diastolic (bottom number) 120 is not lower than systolic (top number) 80. Were they swapped?' }]);
    expect(fieldsOf(findImplausibleVitals({ systolic: 90, diastolic: 90 }))).toEqual(['diastolic']);
  });

  it('asks for the other blood pressure number when only one is entered', () => {
    expect(findImplausibleVitals({ systolic: 120 })).toEqual([{ field: 'diastolic', message: 'Enter both blood pressure numbers: Diastolic (bottom number) is missing.' }]);
  });

  it('flags SpO2 above 100 % and pulse outside 20–300', () => {
    expect(findImplausibleVitals({ oxygenSaturation: 101 })).toEqual([
      { field: 'oxygenSaturation', message: "Oxygen saturation can't be above 100 %. Please check the oximeter and re-enter." },
    ]);
    expect(fieldsOf(findImplausibleVitals({ heartRate: 19 }))).toEqual(['heartRate']);
    expect(fieldsOf(findImplausibleVitals({ heartRate: 301 }))).toEqual(['heartRate']);
    expect(fieldsOf(findImplausibleVitals({ heartRate: 720, respiratoryRate: 160, painScore: 11 }))).toEqual(['heartRate', 'respiratoryRate', 'painScore']);
  });

  it('flags a number that is not a number and a unit of the wrong kind', () => {
    expect(findImplausibleVitals({ heartRate: Number.NaN })[0]?.message).toBe('Pulse is not a number. Please re-enter it.');
    expect(findImplausibleVitals({ weight: { value: 70, unit: 'cm' } })[0]?.message).toBe("Weight can't be recorded in cm. Choose a mass unit.");
  });

  it('suggests cm when a height in inches is really centimetres', () => {
    expect(findImplausibleVitals({ height: { value: 175, unit: '[in_i]' } })[0]?.message).toContain('Was it measured in cm?');
  });
});
