import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type SexAtBirth = 'female' | 'male' | 'unknown';

export interface EmergencyContact {
  name: string;
  relationship: string;
  phone: string;
}

export interface Guarantor {
  relationship: 'self' | 'parent' | 'spouse' | 'other';
  name: string;
  dateOfBirth: string | null;
  phone: string;
  address: string;
}

export interface PatientsTable {
  id: Generated<string>;
  organizationId: string;
  mrn: string;
  givenName: string;
  middleName: Generated<string>;
  familyName: string;
  nameSuffix: Generated<string>;
  preferredName: Generated<string>;
  dateOfBirth: string;
  sexAtBirth: SexAtBirth;
  genderIdentity: Generated<string>;
  pronouns: Generated<string>;
  addressLine1: Generated<string>;
  addressLine2: Generated<string>;
  city: Generated<string>;
  state: Generated<string>;
  postalCode: Generated<string>;
  mobilePhone: Generated<string>;
  homePhone: Generated<string>;
  workPhone: Generated<string>;
  email: Generated<string>;
  preferredLanguage: Generated<string>;
  interpreterNeeded: Generated<boolean>;
  emergencyContact: JSONColumnType<EmergencyContact | null, string | null, string | null>;
  guarantor: JSONColumnType<Guarantor | null, string | null, string | null>;
  privacyNoticeAcknowledgedAt: Date | string | null;
  consentToText: Generated<boolean>;
  consentToEmail: Generated<boolean>;
  isRestricted: Generated<boolean>;
  restrictedStaffMemberId: string | null;
  status: Generated<'active' | 'merged' | 'inactive'>;
  mergedIntoPatientId: string | null;
  searchName: Generated<string>;
  familySoundex: Generated<string>;
  familyMetaphone: Generated<string>;
  givenSoundex: Generated<string>;
  phoneDigits: Generated<string[]>;
  version: Generated<number>;
  createdAt: CreatedAt;
  createdBy: string | null;
  updatedAt: Generated<Date>;
}

export interface MrnCountersTable {
  organizationId: string;
  nextValue: number;
}

export interface PatientPhotosTable {
  patientId: string;
  organizationId: string;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  data: Buffer;
  updatedAt: Generated<Date>;
}

export interface PatientMergesTable {
  id: Generated<string>;
  organizationId: string;
  survivingPatientId: string;
  mergedPatientId: string;
  reason: string;
  mergedBy: string;
  mergedAt: CreatedAt;
}
