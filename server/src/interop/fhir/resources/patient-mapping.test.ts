import { describe, expect, it } from 'vitest';
import { isFhirDate, isFhirDateTime } from '../core/fhir-values.js';
import { mapPatient, MRN_SYSTEM, patientFromRow, type PatientRowView } from './patient-mapping.js';
import { rangeOf } from '../search/search-sql.js';

const row: PatientRowView = {
  id: 'p1', mrn: '1000123', givenName: 'Ann', middleName: 'Marie', familyName: 'Lee', nameSuffix: '', preferredName: 'Annie',
  dateOfBirth: '1950-03-04', sexAtBirth: 'female', addressLine1: '1 Main St', addressLine2: '', city: 'Springfield', state: 'IL', postalCode: '62701',
  mobilePhone: '217-555-0101', homePhone: '', workPhone: '', email: 'ann@example.com', preferredLanguage: 'es', status: 'active',
};

describe('Patient mapping', () => {
  it('maps the official name, phones by use, home address, preferred language and the clinic MRN', () => {
    const mapping = mapPatient({
      resourceType: 'Patient',
      identifier: [{ system: MRN_SYSTEM, value: '777' }],
      name: [{ use: 'usual', given: ['Jim'] }, { use: 'official', family: 'Chalmers', given: ['Peter', 'James'] }],
      telecom: [{ system: 'phone', value: '(03) 5555 6473', use: 'work' }, { system: 'phone', value: '0412 345 678', use: 'mobile' }, { system: 'phone', value: 'old', use: 'old' }],
      address: [{ use: 'work', line: ['Work St'] }, { use: 'home', line: ['534 Erewhon St', 'Unit 2'], city: 'PleasantVille', state: 'Vic', postalCode: '3999' }],
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'nl' }] }, preferred: true }],
      gender: 'other',
      birthDate: '1974-12-25',
    });
    expect(mapping).toMatchObject({
      onRegister: true, mrn: '777',
      fields: {
        givenName: 'Peter', middleName: 'James', familyName: 'Chalmers', sexAtBirth: 'unknown', dateOfBirth: '1974-12-25',
        mobilePhone: '0412 345 678', workPhone: '(03) 5555 6473', homePhone: '', addressLine1: '534 Erewhon St', addressLine2: 'Unit 2', city: 'PleasantVille', preferredLanguage: 'nl',
      },
    });
  });

  it('keeps a patient without a full birth date or a family name off the register, naming what is missing', () => {
    expect(mapPatient({ resourceType: 'Patient', name: [{ family: 'Duck', given: ['Donald'] }] })).toEqual({ onRegister: false, missing: ['Patient.birthDate'] });
    expect(mapPatient({ resourceType: 'Patient', birthDate: '2017-09-05' })).toEqual({ onRegister: false, missing: ['Patient.name.family', 'Patient.name.given'] });
  });

  it('generates a Patient from the row, and over earlier JSON replaces only the mapped elements', () => {
    const generated = patientFromRow(row, null);
    expect(generated).toMatchObject({
      resourceType: 'Patient', active: true, gender: 'female', birthDate: '1950-03-04',
      identifier: [{ system: MRN_SYSTEM, value: '1000123' }],
      name: [{ use: 'official', family: 'Lee', given: ['Ann', 'Marie'] }, { use: 'nickname', given: ['Annie'] }],
      telecom: [{ system: 'phone', value: '217-555-0101', use: 'mobile' }, { system: 'email', value: 'ann@example.com' }],
      address: [{ use: 'home', line: ['1 Main St'], city: 'Springfield', state: 'IL', postalCode: '62701' }],
      communication: [{ language: { coding: [{ code: 'es' }] }, preferred: true }],
    });
    const over = patientFromRow(row, { resourceType: 'Patient', maritalStatus: { text: 'Widowed' }, identifier: [{ system: 'urn:x', value: 'X1' }, { system: MRN_SYSTEM, value: 'old' }], gender: 'other' });
    expect(over.maritalStatus).toEqual({ text: 'Widowed' });
    expect(over.identifier).toEqual([{ system: 'urn:x', value: 'X1' }, expect.objectContaining({ system: MRN_SYSTEM, value: '1000123' })]);
    expect(over.gender).toBe('female');
  });
});

describe('FHIR dates', () => {
  it('accepts partial dates and real calendar days only', () => {
    expect(['1974', '1974-12', '1974-12-25', '2024-02-29'].every(isFhirDate)).toBe(true);
    expect(['1974-13', '1974-02-30', '2023-02-29', '74-12-25', '1974-12-25T10:00:00Z'].some(isFhirDate)).toBe(false);
    expect(isFhirDateTime('2015-02-07T13:28:17-05:00')).toBe(true);
    expect(isFhirDateTime('2015-02-07T13:28:17')).toBe(false);
  });

  it('turns a search date into the range it covers', () => {
    expect(rangeOf('1974', 'birthdate')).toEqual({ low: new Date('1974-01-01T00:00:00Z'), high: new Date('1975-01-01T00:00:00Z') });
    expect(rangeOf('1974-12', 'birthdate')).toEqual({ low: new Date('1974-12-01T00:00:00Z'), high: new Date('1975-01-01T00:00:00Z') });
    expect(rangeOf('1974-12-31', 'birthdate')).toEqual({ low: new Date('1974-12-31T00:00:00Z'), high: new Date('1975-01-01T00:00:00Z') });
    expect(() => rangeOf('1974-02-30', 'birthdate')).toThrow();
  });
});
