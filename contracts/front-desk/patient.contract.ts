import { z } from 'zod';

const trimmed = (max: number) => z.string().trim().max(max, `At most ${max} characters.`);
const phone = z
  .string()
  .trim()
  .max(32)
  .refine((value) => value === '' || /^[+()\d\s.-]{7,}$/.test(value) && value.replace(/\D/g, '').length >= 10, 'Enter a phone number with area code, e.g. 555-201-3344.');

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the date format YYYY-MM-DD.')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, 'This is not a real calendar date.');

export const birthDate = isoDate
  .refine((value) => value <= new Date().toISOString().slice(0, 10), 'Date of birth cannot be in the future.')
  .refine((value) => value >= '1900-01-01', 'Date of birth must be after 1900.');

export const sexAtBirthSchema = z.enum(['female', 'male', 'unknown']);

export const emergencyContactSchema = z.strictObject({
  name: trimmed(200).min(1, 'Enter the contact’s name.'),
  relationship: trimmed(60),
  phone,
});

export const guarantorSchema = z.strictObject({
  relationship: z.enum(['self', 'parent', 'spouse', 'other']),
  name: trimmed(200),
  dateOfBirth: birthDate.nullable(),
  phone,
  address: trimmed(400),
});

export const patientFieldsSchema = z.strictObject({
  givenName: trimmed(100).min(1, 'Enter the first (given) name.'),
  middleName: trimmed(100).default(''),
  familyName: trimmed(100).min(1, 'Enter the last (family) name.'),
  nameSuffix: trimmed(20).default(''),
  preferredName: trimmed(100).default(''),
  dateOfBirth: birthDate,
  sexAtBirth: sexAtBirthSchema,
  genderIdentity: trimmed(100).default(''),
  pronouns: trimmed(40).default(''),
  addressLine1: trimmed(200).default(''),
  addressLine2: trimmed(200).default(''),
  city: trimmed(100).default(''),
  state: z.string().trim().toUpperCase().regex(/^([A-Z]{2})?$/, 'Use the 2-letter state code.').default(''),
  postalCode: z.string().trim().regex(/^(\d{5}(-\d{4})?)?$/, 'Use a 5-digit ZIP code (or ZIP+4).').default(''),
  mobilePhone: phone.default(''),
  homePhone: phone.default(''),
  workPhone: phone.default(''),
  email: z.union([z.literal(''), z.email('Enter a valid email address.').max(254)]).default(''),
  preferredLanguage: z.string().trim().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Use a language code such as en or es.').default('en'),
  interpreterNeeded: z.boolean().default(false),
  emergencyContact: emergencyContactSchema.nullable().default(null),
  guarantor: guarantorSchema.nullable().default(null),
  privacyNoticeAcknowledged: z.boolean().default(false),
  consentToText: z.boolean().default(false),
  consentToEmail: z.boolean().default(false),
});

export const registerPatientRequestSchema = patientFieldsSchema.extend({
  /** Set when the clerk saw the likely duplicates and chose to register anyway. */
  duplicatesReviewed: z.boolean().default(false),
  /** An MRN carried over from another system; otherwise the clinic assigns one. */
  mrn: z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'MRN: letters, digits and dashes only.').optional(),
});
export type RegisterPatientRequest = z.input<typeof registerPatientRequestSchema>;

export const updatePatientRequestSchema = patientFieldsSchema.extend({ version: z.number().int().positive() });
export type UpdatePatientRequest = z.input<typeof updatePatientRequestSchema>;

export const patientSchema = z.object({
  id: z.string(),
  mrn: z.string(),
  givenName: z.string(),
  middleName: z.string(),
  familyName: z.string(),
  nameSuffix: z.string(),
  preferredName: z.string(),
  dateOfBirth: z.string(),
  sexAtBirth: sexAtBirthSchema,
  genderIdentity: z.string(),
  pronouns: z.string(),
  addressLine1: z.string(),
  addressLine2: z.string(),
  city: z.string(),
  state: z.string(),
  postalCode: z.string(),
  mobilePhone: z.string(),
  homePhone: z.string(),
  workPhone: z.string(),
  email: z.string(),
  preferredLanguage: z.string(),
  interpreterNeeded: z.boolean(),
  emergencyContact: emergencyContactSchema.nullable(),
  guarantor: guarantorSchema.nullable(),
  privacyNoticeAcknowledgedAt: z.string().nullable(),
  consentToText: z.boolean(),
  consentToEmail: z.boolean(),
  isRestricted: z.boolean(),
  status: z.enum(['active', 'merged', 'inactive']),
  mergedIntoPatientId: z.string().nullable(),
  hasPhoto: z.boolean(),
  /** Active allergies from the exam room's histories (banner); empty with status unknown when none recorded yet. */
  allergies: z.array(z.object({ substance: z.string(), reaction: z.string(), severity: z.string() })),
  allergyStatus: z.enum(['unknown', 'no-known-drug-allergies', 'no-known-allergies', 'has-allergies']),
  /** The "no known (drug) allergies" statement on file, with who made it and when; null when none. */
  allergyStatement: z.object({
    statement: z.enum(['no-known-drug-allergies', 'no-known-allergies']),
    statedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    statedAt: z.string(),
  }).nullable(),
  version: z.number(),
  createdAt: z.string(),
});
export type Patient = z.infer<typeof patientSchema>;

export const patientSummarySchema = z.object({
  id: z.string(),
  mrn: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  preferredName: z.string(),
  dateOfBirth: z.string(),
  sexAtBirth: sexAtBirthSchema,
  mobilePhone: z.string(),
  homePhone: z.string(),
  city: z.string(),
  isRestricted: z.boolean(),
  status: z.enum(['active', 'merged', 'inactive']),
});
export type PatientSummary = z.infer<typeof patientSummarySchema>;

export const duplicateCandidateSchema = patientSummarySchema.extend({
  reasons: z.array(z.enum(['same-birth-date-similar-name', 'same-phone', 'same-name-and-birth-date'])),
  score: z.number(),
});
export type DuplicateCandidate = z.infer<typeof duplicateCandidateSchema>;

export const duplicateCheckRequestSchema = z.strictObject({
  givenName: trimmed(100).min(1, 'Enter the first (given) name.'),
  familyName: trimmed(100).min(1, 'Enter the last (family) name.'),
  dateOfBirth: birthDate.optional(),
  phones: z.array(z.string().max(32)).max(3).default([]),
});
export const duplicateCheckResponseSchema = z.object({ candidates: z.array(duplicateCandidateSchema) });

export const searchQuerySchema = z.strictObject({
  q: z.string().trim().min(1, 'Type a name, date of birth, phone or MRN.').max(100),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const searchResultSchema = z.object({
  kind: z.enum(['name', 'birth-date', 'phone', 'mrn']),
  results: z.array(patientSummarySchema.extend({ rank: z.number() })),
});
export type PatientSearchResult = z.infer<typeof searchResultSchema>;

export const mergePatientsRequestSchema = z.strictObject({
  survivingPatientId: z.uuid('Choose the record to keep.'),
  mergedPatientId: z.uuid('Choose the duplicate record.'),
  reason: trimmed(500).min(3, 'Say why these are the same person.'),
  survivingVersion: z.number().int().positive(),
  mergedVersion: z.number().int().positive(),
});

export const breakTheGlassRequestSchema = z.strictObject({
  reason: trimmed(500).min(10, 'Describe why you need this chart (at least 10 characters).'),
});

export const restrictChartRequestSchema = z.strictObject({
  isRestricted: z.boolean(),
  reason: trimmed(500).min(5, 'Say why the chart is (or is no longer) restricted.'),
  version: z.number().int().positive(),
});
