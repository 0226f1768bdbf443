import { describe, expect, it } from 'vitest';
import { ageInMonths, checklistItemAppliesAt, defaultChecklistRows, defaultVisitTypeDefinitions, visitTypeForAppointment, visitTypeLabel } from './visit-types.js';
import { defaultVisitTypes } from '../../../../contracts/exam-room/encounters.js';

const visit = (appointmentTypeName: string | null, overrides: Partial<Parameters<typeof visitTypeForAppointment>[0]> = {}) =>
  visitTypeForAppointment({ appointmentTypeName, visitKind: null, reasonForVisit: '', isWalkIn: false, ageMonths: 40 * 12, ...overrides });

describe('visit type from the booking', () => {
  it('maps the clinic’s appointment type names to visit types', () => {
    expect(visit('Annual physical')).toBe('annual-physical');
    expect(visit('Annual physical', { ageMonths: 30 })).toBe('well-child');
    expect(visit('Well child 12 months', { ageMonths: 12 })).toBe('well-child');
    expect(visit('Sick visit')).toBe('sick-visit');
    expect(visit('Same-day sick')).toBe('sick-visit');
    expect(visit('Diabetic follow-up')).toBe('diabetic-follow-up');
    expect(visit('Follow-up', { reasonForVisit: 'Diabetes check' })).toBe('diabetic-follow-up');
    expect(visit('Follow-up', { reasonForVisit: 'Knee pain' })).toBe('follow-up');
    expect(visit('Telehealth follow-up')).toBe('follow-up');
    expect(visit('New patient')).toBe('new-patient');
    expect(visit('Nurse/MA visit')).toBe('nurse-visit');
    expect(visit('Prenatal visit')).toBe('prenatal');
  });

  it('falls back on the scheduling kind, and a walk-in without a type is a sick visit', () => {
    expect(visit(null, { isWalkIn: true })).toBe('sick-visit');
    expect(visit('Wellness exam', { visitKind: 'CHECKUP' })).toBe('annual-physical');
    expect(visit('Recheck', { visitKind: 'FOLLOWUP' })).toBe('follow-up');
    expect(visit('Procedure', { visitKind: 'EMERGENCY' })).toBe('sick-visit');
  });
});

describe('default checklists as data', () => {
  it('has a checklist for every default visit type, with the items the clinic expects', () => {
    expect(defaultVisitTypeDefinitions.map((definition) => definition.key).sort()).toEqual([...defaultVisitTypes].sort());
    const items = (key: string) => defaultVisitTypeDefinitions.find((definition) => definition.key === key)!.items.map((item) => item.key);
    expect(items('annual-physical')).toEqual(expect.arrayContaining(['vitals', 'allergies-reviewed', 'medications-reconciled', 'phq-2']));
    expect(items('diabetic-follow-up')).toEqual(expect.arrayContaining(['foot-exam-prep', 'a1c-poc']));
    expect(items('well-child')).toEqual(expect.arrayContaining(['growth-measurements', 'head-circumference']));
  });

  it('starts specialty extras switched off and keeps keys unique per visit type', () => {
    const rows = defaultChecklistRows('org');
    for (const row of rows) expect(row.isActive).toBe(!row.isSpecialtyExtra);
    expect(rows.filter((row) => row.itemKey === 'visual-acuity').every((row) => row.isSpecialtyExtra)).toBe(true);
    expect(rows.some((row) => row.itemKey === 'fundal-height' && row.isSpecialtyExtra)).toBe(true);
    const pairs = rows.map((row) => `${row.visitType}/${row.itemKey}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const row of rows) expect(row.itemKey).toMatch(/^[a-z][a-z0-9-]{0,49}$/);
  });

  it('applies age-bound items only at those ages', () => {
    expect(checklistItemAppliesAt('head-circumference', 35)).toBe(true);
    expect(checklistItemAppliesAt('head-circumference', 36)).toBe(false);
    expect(checklistItemAppliesAt('fall-risk', 64 * 12 + 11)).toBe(false);
    expect(checklistItemAppliesAt('fall-risk', 65 * 12)).toBe(true);
    expect(checklistItemAppliesAt('vitals', 0)).toBe(true);
  });

  it('counts whole months of age and labels a clinic’s own visit types from their key', () => {
    expect(ageInMonths('2024-03-15', new Date('2027-03-14T12:00:00Z'))).toBe(35);
    expect(ageInMonths('2024-03-15', new Date('2027-03-15T12:00:00Z'))).toBe(36);
    expect(ageInMonths(null, new Date())).toBeNull();
    expect(visitTypeLabel('sports-physical')).toBe('Sports physical');
    expect(visitTypeLabel('well-child')).toBe('Well child');
  });
});
