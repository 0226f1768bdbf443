import type { Patient, RegisterPatientRequest } from '../../../../contracts/front-desk/patient.contract.js';
import { formatDate, languageLabels } from '../../platform/format.js';

/** The form's values: every field a string or boolean so inputs stay controlled. */
export interface PatientFormValues {
  givenName: string;
  middleName: string;
  familyName: string;
  nameSuffix: string;
  preferredName: string;
  dateOfBirth: string;
  sexAtBirth: '' | 'female' | 'male' | 'unknown';
  genderIdentity: string;
  pronouns: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  state: string;
  postalCode: string;
  mobilePhone: string;
  homePhone: string;
  workPhone: string;
  email: string;
  preferredLanguage: string;
  otherLanguage: string;
  interpreterNeeded: boolean;
  emergencyContact: { name: string; relationship: string; phone: string };
  guarantor: {
    relationship: 'self' | 'parent' | 'spouse' | 'other';
    name: string;
    dateOfBirth: string;
    phone: string;
    address: string;
  };
  privacyNoticeAcknowledged: boolean;
  consentToText: boolean;
  consentToEmail: boolean;
}

const listedLanguages = new Set(Object.keys(languageLabels));

export function emptyPatientForm(): PatientFormValues {
  return {
    givenName: '', middleName: '', familyName: '', nameSuffix: '', preferredName: '',
    dateOfBirth: '', sexAtBirth: '', genderIdentity: '', pronouns: '',
    addressLine1: '', addressLine2: '', city: '', state: '', postalCode: '',
    mobilePhone: '', homePhone: '', workPhone: '', email: '',
    preferredLanguage: 'en', otherLanguage: '', interpreterNeeded: false,
    emergencyContact: { name: '', relationship: '', phone: '' },
    guarantor: { relationship: 'self', name: '', dateOfBirth: '', phone: '', address: '' },
    privacyNoticeAcknowledged: false, consentToText: false, consentToEmail: false,
  };
}

export function patientToForm(patient: Patient): PatientFormValues {
  const isCommon = listedLanguages.has(patient.preferredLanguage);
  return {
    givenName: patient.givenName, middleName: patient.middleName, familyName: patient.familyName,
    nameSuffix: patient.nameSuffix, preferredName: patient.preferredName,
    dateOfBirth: formatDate(patient.dateOfBirth), sexAtBirth: patient.sexAtBirth, genderIdentity: patient.genderIdentity, pronouns: patient.pronouns,
    addressLine1: patient.addressLine1, addressLine2: patient.addressLine2, city: patient.city, state: patient.state, postalCode: patient.postalCode,
    mobilePhone: patient.mobilePhone, homePhone: patient.homePhone, workPhone: patient.workPhone, email: patient.email,
    preferredLanguage: isCommon ? patient.preferredLanguage : 'other',
    otherLanguage: isCommon ? '' : patient.preferredLanguage,
    interpreterNeeded: patient.interpreterNeeded,
    emergencyContact: patient.emergencyContact ?? { name: '', relationship: '', phone: '' },
    guarantor: patient.guarantor
      ? { ...patient.guarantor, dateOfBirth: patient.guarantor.dateOfBirth ? formatDate(patient.guarantor.dateOfBirth) : '' }
      : { relationship: 'self', name: '', dateOfBirth: '', phone: '', address: '' },
    privacyNoticeAcknowledged: patient.privacyNoticeAcknowledgedAt !== null,
    consentToText: patient.consentToText,
    consentToEmail: patient.consentToEmail,
  };
}

/** The request body the contract expects (without register-only or update-only fields). */
export function formToPatientFields(values: PatientFormValues): Omit<RegisterPatientRequest, 'duplicatesReviewed' | 'mrn'> {
  const { otherLanguage, emergencyContact, guarantor, sexAtBirth, preferredLanguage, dateOfBirth, ...rest } = values;
  const hasEmergencyContact = [emergencyContact.name, emergencyContact.relationship, emergencyContact.phone].some((part) => part.trim() !== '');
  return {
    ...rest,
    dateOfBirth: toIsoDate(dateOfBirth) ?? dateOfBirth,
    // An empty choice goes to the server as-is so its message appears under "Sex at birth".
    sexAtBirth: sexAtBirth as 'female' | 'male' | 'unknown',
    preferredLanguage: preferredLanguage === 'other' ? otherLanguage.trim().toLowerCase() : preferredLanguage,
    emergencyContact: hasEmergencyContact ? emergencyContact : null,
    guarantor: guarantor.relationship === 'self'
      ? { relationship: 'self', name: '', dateOfBirth: null, phone: '', address: '' }
      : { ...guarantor, dateOfBirth: guarantor.dateOfBirth ? toIsoDate(guarantor.dateOfBirth) ?? guarantor.dateOfBirth : null },
  };
}

/** Server field paths that differ from the form's own paths. */
export function formPathForServerField(field: string): string {
  if (field === 'preferredLanguage') return 'otherLanguage';
  return field;
}

/**
 * Reads a date typed the way the front desk types it: MM/DD/YYYY, M/D/YYYY, MMDDYYYY or YYYY-MM-DD.
 * Answers YYYY-MM-DD, or null when the text is not a date in one of those shapes.
 */
export function toIsoDate(text: string): string | null {
  const value = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const us = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(value);
  if (!us) return null;
  return `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`;
}

/** Whether a dotted server field path (e.g. "emergencyContact.phone") names an input on this form. */
export function isFormPath(values: PatientFormValues, path: string): boolean {
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(part in current)) return false;
    current = (current as Record<string, unknown>)[part];
  }
  return true;
}
