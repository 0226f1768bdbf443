import type { DuplicateCandidate, Patient, PatientSummary } from '../../../../contracts/front-desk/patient.contract.js';
import type { PatientRow, PatientSummaryRow } from './patients.repository.js';

/** What the banner shows about allergies (from the exam room's histories); a new patient has none recorded. */
export type AllergyBannerView = Pick<Patient, 'allergies' | 'allergyStatus' | 'allergyStatement'>;
const noAllergiesRecorded: AllergyBannerView = { allergies: [], allergyStatus: 'unknown', allergyStatement: null };

export function toPatientView(row: PatientRow, hasPhoto: boolean, allergyBanner: AllergyBannerView = noAllergiesRecorded): Patient {
  return {
    id: row.id, mrn: row.mrn, givenName: row.givenName, middleName: row.middleName, familyName: row.familyName,
    nameSuffix: row.nameSuffix, preferredName: row.preferredName, dateOfBirth: row.dateOfBirth, sexAtBirth: row.sexAtBirth,
    genderIdentity: row.genderIdentity, pronouns: row.pronouns, addressLine1: row.addressLine1, addressLine2: row.addressLine2,
    city: row.city, state: row.state, postalCode: row.postalCode, mobilePhone: row.mobilePhone, homePhone: row.homePhone,
    workPhone: row.workPhone, email: row.email, preferredLanguage: row.preferredLanguage, interpreterNeeded: row.interpreterNeeded,
    emergencyContact: row.emergencyContact, guarantor: row.guarantor,
    privacyNoticeAcknowledgedAt: row.privacyNoticeAcknowledgedAt ? new Date(row.privacyNoticeAcknowledgedAt).toISOString() : null,
    consentToText: row.consentToText, consentToEmail: row.consentToEmail, isRestricted: row.isRestricted, status: row.status,
    mergedIntoPatientId: row.mergedIntoPatientId, hasPhoto,
    ...allergyBanner,
    version: row.version, createdAt: row.createdAt.toISOString(),
  };
}

export function toSummary(row: Omit<PatientSummaryRow, 'rank'>): PatientSummary {
  return {
    id: row.id, mrn: row.mrn, givenName: row.givenName, familyName: row.familyName, preferredName: row.preferredName,
    dateOfBirth: row.dateOfBirth, sexAtBirth: row.sexAtBirth, mobilePhone: row.mobilePhone, homePhone: row.homePhone,
    city: row.city, isRestricted: row.isRestricted, status: row.status,
  };
}

export function toDuplicateCandidate(
  row: Omit<PatientSummaryRow, 'rank'> & { sameBirthDate: boolean; samePhone: boolean; nameSimilarity: number },
): DuplicateCandidate {
  const reasons: DuplicateCandidate['reasons'] = [];
  if (row.sameBirthDate) reasons.push(row.nameSimilarity >= 0.99 ? 'same-name-and-birth-date' : 'same-birth-date-similar-name');
  if (row.samePhone) reasons.push('same-phone');
  return { ...toSummary(row), reasons, score: Math.round((row.nameSimilarity + (row.sameBirthDate ? 1 : 0) + (row.samePhone ? 0.5 : 0)) * 100) / 100 };
}
