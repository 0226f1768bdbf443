import { describe, expect, it } from 'vitest';
import { describeVital, patientUnit, summaryLabels } from './after-visit-labels.js';

const base = { codeDisplay: 'x', value: null, unit: null, enteredValue: null, enteredUnit: null, components: [], interpretation: null };

describe('a vital as the summary prints it', () => {
  it('shows what the MA entered (lb, °F) rather than the stored unit', () => {
    expect(describeVital({ ...base, code: '29463-7', value: 74.842741, unit: 'kg', enteredValue: 165, enteredUnit: '[lb_av]', interpretation: 'N' }, summaryLabels.en))
      .toEqual({ name: 'Weight', value: '165 lb', flag: '' });
    expect(describeVital({ ...base, code: '8310-5', value: 38.444, unit: 'Cel', enteredValue: 101.2, enteredUnit: '[degF]', interpretation: 'HH' }, summaryLabels.es))
      .toEqual({ name: 'Temperatura', value: '101.2 °F', flag: 'Muy alto (crítico)' });
  });

  it('prints blood pressure from its components and falls back to the stored value and the code display', () => {
    const components = [{ code: '8480-6', value: 182, unit: 'mm[Hg]' }, { code: '8462-4', value: 121, unit: 'mm[Hg]' }];
    expect(describeVital({ ...base, code: '85354-9', components, interpretation: 'HH' }, summaryLabels.en)).toEqual({ name: 'Blood pressure', value: '182/121 mmHg', flag: 'Critically high' });
    expect(describeVital({ ...base, code: '1234-5', codeDisplay: 'Something else', value: 12.345, unit: 'mg' }, summaryLabels.en)).toEqual({ name: 'Something else', value: '12.3 mg', flag: '' });
  });

  it('has every label in both languages', () => {
    expect(Object.keys(summaryLabels.es).sort()).toEqual(Object.keys(summaryLabels.en).sort());
    expect(Object.keys(summaryLabels.es.vitalNames).sort()).toEqual(Object.keys(summaryLabels.en.vitalNames).sort());
    expect(patientUnit('mm[Hg]')).toBe('mmHg');
  });
});
