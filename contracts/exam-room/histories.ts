import { z } from 'zod';

// Histories: allergies (and "no known drug allergies" as a statement), the medication list with
// reconciliation, the problem list, past medical/surgical/family/social history entries, social
// history (tobacco, alcohol) and historical immunizations. Codes are checked for shape (and the
// check digit where the code system has one); a bad code answers 400 naming the field.

const version = z.number({ error: 'Send the version you are changing.' }).int().min(0);
const uuid = (what: string) => z.uuid(`Not a ${what} id.`);
const text = (max: number) => z.string().trim().max(max, `At most ${max} characters.`);

/** Who did something, as the screens show it. */
export const staffRefSchema = z.object({ id: z.string(), name: z.string() });
export type StaffRef = z.infer<typeof staffRefSchema>;

export const patientParamsSchema = z.object({ patientId: uuid('patient') });
export const allergyParamsSchema = z.object({ allergyId: uuid('allergy') });
export const problemParamsSchema = z.object({ problemId: uuid('problem') });

/** A date that may be partial, as histories often are: YYYY, YYYY-MM or YYYY-MM-DD, not in the future. */
export const partialDateSchema = z
  .string()
  .trim()
  .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'Use YYYY, YYYY-MM or YYYY-MM-DD.')
  .refine((value) => {
    const [year, month, day] = value.split('-').map(Number);
    if (year! < 1900) return false;
    if (month !== undefined && (month < 1 || month > 12)) return false;
    if (day !== undefined) {
      const date = new Date(Date.UTC(year!, month! - 1, day));
      if (date.getUTCDate() !== day) return false;
    }
    return true;
  }, 'This is not a real date (from 1900).')
  .refine((value) => value <= new Date().toISOString().slice(0, value.length), 'The date cannot be in the future.');

// ---- Code systems

export const codeSystems = {
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  snomed: 'http://snomed.info/sct',
  unii: 'http://fdasis.nlm.nih.gov',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  cvx: 'http://hl7.org/fhir/sid/cvx',
} as const;

const verhoeffD = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const verhoeffP = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** True when a digit string passes the Verhoeff check (its last digit is the check digit). */
export function passesVerhoeff(digits: string): boolean {
  let check = 0;
  const reversed = [...digits].reverse();
  reversed.forEach((digit, index) => {
    check = verhoeffD[check]![verhoeffP[index % 8]![Number(digit)]!]!;
  });
  return check === 0;
}

/**
 * Why a code is not a valid code of its system, or null when it is. SNOMED CT concept ids are 6-18
 * digits with partition identifier 00 or 10 and a Verhoeff check digit; RxNorm RXCUIs are digits;
 * UNIIs are 10 upper-case letters or digits; ICD-10-CM is letter, digit, alphanumeric, then up to
 * 4 more after the dot.
 */
export function codeProblem(system: string, code: string): string | null {
  switch (system) {
    case codeSystems.rxnorm:
      return /^[1-9]\d{0,9}$/.test(code) ? null : 'An RxNorm code (RXCUI) is 1 to 10 digits.';
    case codeSystems.snomed: {
      if (!/^[1-9]\d{5,17}$/.test(code)) return 'A SNOMED CT code is 6 to 18 digits.';
      const partition = code.slice(-3, -1);
      if (partition !== '00' && partition !== '10') return 'This SNOMED CT id is not a concept id.';
      return passesVerhoeff(code) ? null : 'This SNOMED CT code has a wrong check digit; check for a typo.';
    }
    case codeSystems.unii:
      return /^[A-Z0-9]{10}$/.test(code) ? null : 'A UNII is 10 letters or digits.';
    case codeSystems.icd10cm:
      return /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/.test(code) ? null : 'Not an ICD-10-CM code (e.g. E11.9; letter, digit, character, then a dot and up to 4 more).';
    default:
      return 'Unknown code system.';
  }
}

/** A coded concept: both system and code, checked together (the error names `code`). */
function codingSchema<const Systems extends readonly [string, ...string[]]>(systems: Systems, systemMessage: string) {
  return z
    .strictObject({
      system: z.enum(systems, systemMessage),
      code: z.string().trim().min(1, 'Enter the code.').max(20, 'At most 20 characters.'),
    })
    .superRefine((value, context) => {
      const problem = codeProblem(value.system, value.code);
      if (problem) context.addIssue({ code: 'custom', path: ['code'], message: problem });
    });
}

// ---- Allergies

export const allergySubstanceSystems = [codeSystems.rxnorm, codeSystems.snomed, codeSystems.unii] as const;
export const allergyCategories = ['medication', 'food', 'environment', 'biologic'] as const;
export const allergySeverities = ['mild', 'moderate', 'severe'] as const;
export const allergyCriticalities = ['low', 'high', 'unable-to-assess'] as const;
export const allergyStatuses = ['unknown', 'no-known-drug-allergies', 'no-known-allergies', 'has-allergies'] as const;
export type AllergyStatus = (typeof allergyStatuses)[number];

/** What the patient reacts to: its name and, when known, a code (RxNorm, SNOMED CT or UNII). */
export const allergySubstanceSchema = z
  .strictObject({
    text: text(200).min(1, 'Enter the substance.'),
    system: z.enum(allergySubstanceSystems, 'Use RxNorm, SNOMED CT or UNII.').optional(),
    code: z.string().trim().max(20, 'At most 20 characters.').optional(),
  })
  .superRefine((value, context) => {
    if (value.system && !value.code) context.addIssue({ code: 'custom', path: ['code'], message: 'Enter the code, or leave out the code system.' });
    if (!value.system && value.code) context.addIssue({ code: 'custom', path: ['system'], message: 'Say which code system the code is from.' });
    if (value.system && value.code) {
      const problem = codeProblem(value.system, value.code);
      if (problem) context.addIssue({ code: 'custom', path: ['code'], message: problem });
    }
  });

export const recordAllergyRequestSchema = z.strictObject({
  substance: allergySubstanceSchema,
  category: z.enum(allergyCategories, 'Choose medication, food, environment or biologic.').nullable().default(null),
  reaction: text(500).default(''),
  severity: z.enum(allergySeverities, 'Choose mild, moderate or severe.').nullable().default(null),
  criticality: z.enum(allergyCriticalities, 'Choose low, high or unable to assess.').nullable().default(null),
  clinicalStatus: z.enum(['active', 'inactive', 'resolved']).default('active'),
  onset: partialDateSchema.nullable().default(null),
});
export type RecordAllergyRequest = z.input<typeof recordAllergyRequestSchema>;

export const allergyStatementRequestSchema = z.strictObject({
  statement: z.enum(['no-known-drug-allergies', 'no-known-allergies'], 'Choose no known drug allergies or no known allergies.'),
});
export type AllergyStatementRequest = z.infer<typeof allergyStatementRequestSchema>;

export const enteredInErrorRequestSchema = z.strictObject({ version, reason: text(500).optional() });

export const allergySchema = z.object({
  id: z.string(),
  substance: z.object({ text: z.string(), system: z.string().nullable(), code: z.string().nullable() }),
  category: z.enum(allergyCategories).nullable(),
  reaction: z.string(),
  severity: z.enum(allergySeverities).nullable(),
  criticality: z.enum(allergyCriticalities).nullable(),
  clinicalStatus: z.enum(['active', 'inactive', 'resolved']),
  status: z.enum(['active', 'entered-in-error']),
  onset: z.string().nullable(),
  recordedBy: staffRefSchema.nullable(),
  recordedAt: z.string(),
  source: z.enum(['app', 'fhir', 'import']),
  version: z.number(),
});
export type Allergy = z.infer<typeof allergySchema>;

/** GET /api/patients/:patientId/allergies (and the answer of every allergy write). */
export const allergyListSchema = z.object({
  status: z.enum(allergyStatuses),
  /** The explicit statement on file (kept with who and when), or null. */
  statement: z.enum(['no-known-drug-allergies', 'no-known-allergies']).nullable(),
  statedBy: staffRefSchema.nullable(),
  statedAt: z.string().nullable(),
  /** Active (not entered-in-error) allergies, newest first. */
  allergies: z.array(allergySchema),
});
export type AllergyList = z.infer<typeof allergyListSchema>;

// ---- Medications

export const medicationReconciliations = ['taking', 'not-taking', 'changed'] as const;
export type MedicationReconciliationChoice = (typeof medicationReconciliations)[number];

export const medicationInputSchema = z.strictObject({
  name: text(300).min(1, 'Enter the medication name.'),
  rxnormCode: z.string().trim().regex(/^[1-9]\d{0,9}$/, 'An RxNorm code (RXCUI) is 1 to 10 digits.').nullable().default(null),
  dose: text(200).default(''),
  route: text(100).default(''),
  frequency: text(200).default(''),
  startedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the date format YYYY-MM-DD.').refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  }, 'This is not a real calendar date.').nullable().default(null),
});
export type MedicationInput = z.input<typeof medicationInputSchema>;

export const addMedicationRequestSchema = z.strictObject({
  /** The list version the person was looking at (0 for a patient with no list yet). */
  listVersion: version.optional(),
  medication: medicationInputSchema,
});
export type AddMedicationRequest = z.input<typeof addMedicationRequestSchema>;

export const reconciliationItemSchema = z
  .strictObject({
    medicationId: uuid('medication'),
    reconciliation: z.enum(medicationReconciliations, 'Choose taking, not taking or changed.'),
    note: text(500).optional(),
    dose: text(200).optional(),
    frequency: text(200).optional(),
  })
  .superRefine((item, context) => {
    if (item.reconciliation === 'changed' && !item.dose && !item.frequency) {
      context.addIssue({ code: 'custom', path: ['dose'], message: 'Enter the new dose or frequency the patient takes now.' });
    }
    if (item.reconciliation !== 'changed' && (item.dose !== undefined || item.frequency !== undefined)) {
      context.addIssue({ code: 'custom', path: ['reconciliation'], message: 'A new dose or frequency means the medication changed: choose changed.' });
    }
  });

export const reconcileMedicationsRequestSchema = z.strictObject({
  listVersion: version.optional(),
  items: z.array(reconciliationItemSchema).min(1, 'Mark at least one medication.').max(200),
});
export type ReconcileMedicationsRequest = z.input<typeof reconcileMedicationsRequestSchema>;

export const medicationSchema = z.object({
  id: z.string(),
  name: z.string(),
  rxnormCode: z.string().nullable(),
  dose: z.string(),
  route: z.string(),
  frequency: z.string(),
  status: z.enum(['active', 'stopped', 'completed', 'entered-in-error']),
  reconciliation: z.enum(medicationReconciliations).nullable(),
  reconciliationNote: z.string().nullable(),
  reconciledBy: staffRefSchema.nullable(),
  reconciledAt: z.string().nullable(),
  startedOn: z.string().nullable(),
  recordedBy: staffRefSchema.nullable(),
  recordedAt: z.string(),
  source: z.enum(['app', 'fhir', 'import']),
  version: z.number(),
});
export type Medication = z.infer<typeof medicationSchema>;

export const medicationListSchema = z.object({
  patientId: z.string(),
  /** Send it back with every change; 0 means no list yet. A stale one answers 409. */
  listVersion: z.number(),
  lastReconciledAt: z.string().nullable(),
  lastReconciledBy: staffRefSchema.nullable(),
  /** Active first, then stopped; entered-in-error rows are left out. */
  medications: z.array(medicationSchema),
});
export type MedicationList = z.infer<typeof medicationListSchema>;

// ---- Problems

export const problemDiagnosisSystems = [codeSystems.icd10cm, codeSystems.snomed] as const;
export const problemClinicalStatuses = ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'] as const;

/** What the patient reports (an MA may record it; it stays "patient-reported" until a provider confirms). */
export const recordProblemRequestSchema = z.strictObject({
  description: text(300).min(1, 'Describe the problem in the patient’s words.'),
  clinicalStatus: z.enum(problemClinicalStatuses).default('active'),
  onset: partialDateSchema.nullable().default(null),
  encounterId: uuid('encounter').nullable().default(null),
});
export type RecordProblemRequest = z.input<typeof recordProblemRequestSchema>;

export const confirmDiagnosisRequestSchema = z.strictObject({
  version,
  code: codingSchema(problemDiagnosisSystems, 'Use ICD-10-CM or SNOMED CT.').optional(),
  description: text(300).min(1).optional(),
});
export type ConfirmDiagnosisRequest = z.input<typeof confirmDiagnosisRequestSchema>;

export const problemSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  encounterId: z.string().nullable(),
  description: z.string(),
  codeSystem: z.string().nullable(),
  code: z.string().nullable(),
  category: z.string(),
  verification: z.enum(['patient-reported', 'confirmed', 'refuted', 'entered-in-error']),
  clinicalStatus: z.enum(problemClinicalStatuses),
  onset: z.string().nullable(),
  reportedBy: staffRefSchema.nullable(),
  reportedAt: z.string(),
  confirmedBy: staffRefSchema.nullable(),
  confirmedAt: z.string().nullable(),
  source: z.enum(['app', 'fhir', 'import']),
  version: z.number(),
});
export type Problem = z.infer<typeof problemSchema>;
export const problemListSchema = z.object({ problems: z.array(problemSchema) });

// ---- Past medical / surgical / family / social history entries

export const historyKinds = ['past-medical', 'past-surgical', 'family', 'social'] as const;
export type HistoryKindName = (typeof historyKinds)[number];
export const familyRelations = [
  'mother', 'father', 'sister', 'brother', 'daughter', 'son', 'maternal-grandmother', 'maternal-grandfather',
  'paternal-grandmother', 'paternal-grandfather', 'aunt', 'uncle', 'cousin', 'other',
] as const;

export const recordHistoryEntryRequestSchema = z
  .strictObject({
    kind: z.enum(historyKinds, 'Choose past medical, past surgical, family or social.'),
    description: text(500).min(1, 'Describe the history.'),
    /** Family history: whose condition it is. */
    relation: z.enum(familyRelations, 'Choose the relative.').nullable().default(null),
    occurred: partialDateSchema.nullable().default(null),
    code: codingSchema([codeSystems.icd10cm, codeSystems.snomed], 'Use ICD-10-CM or SNOMED CT.').nullable().default(null),
    /** Family history: age at onset; surgery: where. Free-form extras. */
    details: z.record(z.string(), z.union([z.string().max(200), z.number(), z.boolean()])).default({}),
  })
  .superRefine((entry, context) => {
    if (entry.kind === 'family' && !entry.relation) context.addIssue({ code: 'custom', path: ['relation'], message: 'Family history needs the relative.' });
    if (entry.kind !== 'family' && entry.relation) context.addIssue({ code: 'custom', path: ['relation'], message: 'Only family history names a relative.' });
  });
export type RecordHistoryEntryRequest = z.input<typeof recordHistoryEntryRequestSchema>;

export const historyEntriesQuerySchema = z.strictObject({ kind: z.enum(historyKinds).optional() });

export const historyEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(historyKinds),
  description: z.string(),
  codeSystem: z.string().nullable(),
  code: z.string().nullable(),
  relation: z.string().nullable(),
  occurred: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  recordedBy: staffRefSchema.nullable(),
  recordedAt: z.string(),
  version: z.number(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export const historyEntryListSchema = z.object({ entries: z.array(historyEntrySchema) });

// ---- Social history (one current record per patient, versioned)

export const tobaccoStatuses = ['current', 'former', 'never'] as const;

export const saveSocialHistoryRequestSchema = z.strictObject({
  /** The version shown (0 when nothing was recorded yet). Missing → 428, stale → 409. */
  version: version.optional(),
  tobacco: z
    .strictObject({
      status: z.enum(tobaccoStatuses, 'Choose current, former or never.'),
      packsPerDay: z.number().min(0).max(10).optional(),
      yearsSmoked: z.number().min(0).max(100).optional(),
      quitYear: z.number().int().min(1900).max(2100).optional(),
    })
    .nullable()
    .default(null),
  alcoholDrinksPerWeek: z.number().min(0, 'Cannot be negative.').max(200, 'At most 200 drinks a week.').nullable().default(null),
  notes: text(2000).default(''),
});
export type SaveSocialHistoryRequest = z.input<typeof saveSocialHistoryRequestSchema>;

export const socialHistorySchema = z.object({
  patientId: z.string(),
  tobaccoStatus: z.enum(tobaccoStatuses).nullable(),
  packsPerDay: z.number().nullable(),
  yearsSmoked: z.number().nullable(),
  /** Packs per day × years smoked, computed by the server (never typed). */
  packYears: z.number().nullable(),
  quitYear: z.number().nullable(),
  alcoholDrinksPerWeek: z.number().nullable(),
  notes: z.string(),
  recordedBy: staffRefSchema.nullable(),
  recordedAt: z.string().nullable(),
  /** 0 when nothing was recorded yet. */
  version: z.number(),
});
export type SocialHistory = z.infer<typeof socialHistorySchema>;

// ---- Historical immunizations

/** Where a historical dose's record came from (HL7 NIP001 immunization information source). */
export const immunizationInformationSources = [
  'unspecified', 'other-provider', 'parent-written-record', 'parent-recall', 'other-registry', 'birth-certificate', 'school-record', 'public-agency',
] as const;

export const recordImmunizationRequestSchema = z.strictObject({
  cvxCode: z.string().trim().regex(/^\d{1,3}$/, 'A CVX code is 1 to 3 digits.'),
  /** A partial date is fine for a historical dose: YYYY, YYYY-MM or YYYY-MM-DD. */
  occurred: partialDateSchema,
  lotNumber: text(40).nullable().default(null),
  manufacturerMvx: z.string().trim().regex(/^[A-Z]{2,3}$/, 'An MVX code is 2 or 3 capital letters.').nullable().default(null),
  informationSource: z.enum(immunizationInformationSources, 'Say where this record came from.').default('unspecified'),
  encounterId: uuid('encounter').nullable().default(null),
});
export type RecordImmunizationRequest = z.input<typeof recordImmunizationRequestSchema>;

export const immunizationSchema = z.object({
  id: z.string(),
  cvxCode: z.string(),
  vaccineName: z.string(),
  occurred: z.string(),
  status: z.enum(['completed', 'not-done', 'entered-in-error']),
  isPrimarySource: z.boolean(),
  informationSource: z.string().nullable(),
  lotNumber: z.string().nullable(),
  manufacturerMvx: z.string().nullable(),
  recordedBy: staffRefSchema.nullable(),
  recordedAt: z.string(),
  source: z.enum(['app', 'fhir', 'import']),
  version: z.number(),
});
export type Immunization = z.infer<typeof immunizationSchema>;
export const immunizationListSchema = z.object({ immunizations: z.array(immunizationSchema) });
