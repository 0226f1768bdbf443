// The rooming checklists every clinic starts with, by visit type, as data. A new organization (and
// the demo clinic) gets these rows in rooming_checklist_items; the manager edits them from then on.
// Specialty extras (visual acuity, fundal height, hearing) are rows too, off until the clinic turns them on.

export interface DefaultChecklistItem {
  key: string;
  label: string;
  isSpecialtyExtra?: boolean;
}

export interface VisitTypeDefinition {
  key: string;
  label: string;
  items: readonly DefaultChecklistItem[];
}

const vitals = { key: 'vitals', label: 'Vital signs' };
const chiefComplaint = { key: 'chief-complaint', label: 'Chief complaint in the patient’s words' };
const allergies = { key: 'allergies-reviewed', label: 'Allergies reviewed' };
const medications = { key: 'medications-reconciled', label: 'Medications reconciled' };
const histories = { key: 'histories-reviewed', label: 'Medical, surgical, family and social history reviewed' };
const immunizations = { key: 'immunizations-reviewed', label: 'Immunization history reviewed' };
const tobacco = { key: 'tobacco-screening', label: 'Tobacco use asked' };
const visualAcuity = { key: 'visual-acuity', label: 'Visual acuity (Snellen)', isSpecialtyExtra: true };
const hearing = { key: 'hearing-screen', label: 'Hearing screen', isSpecialtyExtra: true };

export const defaultVisitTypeDefinitions: readonly VisitTypeDefinition[] = [
  {
    key: 'new-patient',
    label: 'New patient',
    items: [chiefComplaint, vitals, allergies, medications, histories, immunizations, tobacco, visualAcuity],
  },
  {
    key: 'annual-physical',
    label: 'Annual physical',
    items: [
      vitals, allergies, medications, histories, immunizations,
      { key: 'phq-2', label: 'PHQ-2 depression screen' },
      tobacco,
      { key: 'audit-c', label: 'AUDIT-C alcohol screen' },
      { key: 'fall-risk', label: 'Fall-risk questions (65 and older)' },
      visualAcuity, hearing,
    ],
  },
  {
    key: 'well-child',
    label: 'Well child',
    items: [
      vitals,
      { key: 'growth-measurements', label: 'Length or height and weight for the growth chart' },
      { key: 'head-circumference', label: 'Head circumference (under 3 years)' },
      allergies, medications, immunizations,
      { key: 'developmental-questionnaire', label: 'Developmental questionnaire handed out' },
      visualAcuity, hearing,
    ],
  },
  {
    key: 'sick-visit',
    label: 'Sick visit',
    items: [chiefComplaint, vitals, allergies, medications, { key: 'poc-test-prep', label: 'Point-of-care test ready (strep, flu, COVID) if ordered', isSpecialtyExtra: true }],
  },
  {
    key: 'follow-up',
    label: 'Follow-up',
    items: [chiefComplaint, vitals, allergies, medications],
  },
  {
    key: 'diabetic-follow-up',
    label: 'Diabetic follow-up',
    items: [
      vitals, allergies, medications,
      { key: 'a1c-poc', label: 'A1c point-of-care test' },
      { key: 'foot-exam-prep', label: 'Foot exam prep (shoes and socks off)' },
      { key: 'glucose-log-reviewed', label: 'Glucose log or meter reviewed' },
      { key: 'eye-exam-status', label: 'Date of last dilated eye exam asked' },
      { key: 'monofilament', label: 'Monofilament kit in the room', isSpecialtyExtra: true },
    ],
  },
  {
    key: 'prenatal',
    label: 'Prenatal visit',
    items: [
      vitals, allergies, medications,
      { key: 'urine-dip', label: 'Urine dipstick (protein, glucose)' },
      { key: 'fundal-height', label: 'Fundal height', isSpecialtyExtra: true },
      { key: 'fetal-heart-tones', label: 'Fetal heart tones (Doppler ready)', isSpecialtyExtra: true },
    ],
  },
  {
    key: 'nurse-visit',
    label: 'Nurse/MA visit',
    items: [chiefComplaint, vitals, allergies],
  },
];

/** Items that apply only at some ages (the checklist of a 5-year-old has no head circumference). */
export const checklistItemAgeRules: Readonly<Record<string, { maxAgeMonths?: number; minAgeMonths?: number }>> = {
  'head-circumference': { maxAgeMonths: 36 },
  'fall-risk': { minAgeMonths: 65 * 12 },
};

export function checklistItemAppliesAt(itemKey: string, ageMonths: number | null): boolean {
  const rule = checklistItemAgeRules[itemKey];
  if (!rule || ageMonths === null) return true;
  if (rule.maxAgeMonths !== undefined && ageMonths >= rule.maxAgeMonths) return false;
  if (rule.minAgeMonths !== undefined && ageMonths < rule.minAgeMonths) return false;
  return true;
}

/** The visit type's label; a clinic's own visit types read from their key (e.g. `sports-physical` → "Sports physical"). */
export function visitTypeLabel(key: string): string {
  const known = defaultVisitTypeDefinitions.find((definition) => definition.key === key);
  if (known) return known.label;
  const words = key.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The rows a new organization's rooming checklists start with. Specialty extras start switched off. */
export function defaultChecklistRows(organizationId: string) {
  return defaultVisitTypeDefinitions.flatMap((definition) =>
    definition.items.map((item, position) => ({
      organizationId,
      visitType: definition.key,
      itemKey: item.key,
      label: item.label,
      position,
      isSpecialtyExtra: item.isSpecialtyExtra ?? false,
      isActive: !(item.isSpecialtyExtra ?? false),
    })),
  );
}

const childAgeMonths = 18 * 12;

/**
 * The visit type a visit starts with, from its appointment type (name and scheduling kind), the
 * reason given at booking, and the patient's age: "Annual physical" is a well-child visit for a
 * child, a follow-up booked for diabetes is a diabetic follow-up, a walk-in is a sick visit.
 */
export function visitTypeForAppointment(input: {
  appointmentTypeName: string | null;
  visitKind: string | null;
  reasonForVisit: string;
  isWalkIn: boolean;
  ageMonths: number | null;
}): string {
  const name = (input.appointmentTypeName ?? '').toLowerCase();
  const reason = input.reasonForVisit.toLowerCase();
  const isChild = input.ageMonths !== null && input.ageMonths < childAgeMonths;
  const mentionsDiabetes = /diabet|\ba1c\b|glucose/.test(`${name} ${reason}`);
  if (/well[- ]?(child|baby)|infant check/.test(name)) return 'well-child';
  if (/prenatal|antenatal|\bob\b|obstetric/.test(name)) return 'prenatal';
  if (/annual|physical|wellness|preventive|check-?up/.test(name) || (name === '' && input.visitKind === 'CHECKUP')) {
    return isChild ? 'well-child' : 'annual-physical';
  }
  if (/diabet/.test(name)) return 'diabetic-follow-up';
  if (/sick|acute|urgent|same[- ]day/.test(name)) return 'sick-visit';
  if (/new patient/.test(name)) return 'new-patient';
  if (/nurse|\bma\b|injection|blood pressure check/.test(name)) return 'nurse-visit';
  if (/follow/.test(name) || input.visitKind === 'FOLLOWUP') return mentionsDiabetes ? 'diabetic-follow-up' : 'follow-up';
  if (input.visitKind === 'CHECKUP') return isChild ? 'well-child' : 'annual-physical';
  if (input.isWalkIn || input.visitKind === 'EMERGENCY' || input.visitKind === 'WALKIN' || name === '') return 'sick-visit';
  return mentionsDiabetes ? 'diabetic-follow-up' : 'follow-up';
}

/** Whole months from a date of birth (YYYY-MM-DD) to a moment. */
export function ageInMonths(dateOfBirth: string | Date | null, at: Date): number | null {
  if (!dateOfBirth) return null;
  const birth = typeof dateOfBirth === 'string' ? new Date(`${dateOfBirth.slice(0, 10)}T00:00:00Z`) : dateOfBirth;
  let months = (at.getUTCFullYear() - birth.getUTCFullYear()) * 12 + (at.getUTCMonth() - birth.getUTCMonth());
  if (at.getUTCDate() < birth.getUTCDate()) months -= 1;
  return Math.max(0, months);
}
