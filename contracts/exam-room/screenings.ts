import { z } from 'zod';

/** The screening instruments the exam room scores (DOMAIN.md §4). */
export const screeningInstruments = ['phq-2', 'phq-9', 'gad-7', 'audit-c', 'fall-risk', 'tobacco'] as const;
export type ScreeningInstrumentName = (typeof screeningInstruments)[number];

/**
 * Answers per instrument. Questionnaires (PHQ-2/9, GAD-7, AUDIT-C) take one whole number per item in
 * order (item1 first); the server checks each item and answers 400 naming `answers.itemN`.
 * fall-risk takes the three STEADI yes/no questions; tobacco takes status and, for current or
 * former smokers, packsPerDay and yearsSmoked. AUDIT-C takes the patient's sex for its cut-point
 * (the patient record's sex is used when omitted).
 */
export const recordScreeningRequestSchema = z.strictObject({
  instrument: z.enum(screeningInstruments, 'Choose a screening.'),
  answers: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())], 'Send the answers.'),
  sex: z.enum(['male', 'female', 'unknown']).optional(),
});
export type RecordScreeningRequest = z.infer<typeof recordScreeningRequestSchema>;

export const screeningSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  encounterId: z.string().nullable(),
  instrument: z.enum(screeningInstruments),
  answers: z.unknown(),
  /** Questionnaire total; pack-years for tobacco; number of "yes" answers for fall-risk. */
  total: z.number().nullable(),
  /** Severity band (phq-9: none-minimal|mild|moderate|moderately-severe|severe; gad-7: minimal|mild|moderate|severe),
   * or positive/negative (phq-2, audit-c), at-risk/not-at-risk (fall-risk), current/former/never (tobacco). */
  band: z.string().nullable(),
  isPositive: z.boolean(),
  /** PHQ-9 item 9 above 0: an urgent task was created; the MA stays with the patient until the provider comes. */
  needsUrgentFollowUp: z.boolean(),
  /** The task that flags the provider (urgent for item 9, routine for other positive screens). */
  taskId: z.string().nullable(),
  recordedBy: z.string().nullable(),
  recordedAt: z.string(),
});
export type Screening = z.infer<typeof screeningSchema>;

export const recordScreeningResponseSchema = z.object({
  screening: screeningSchema,
  /** A positive PHQ-2: ask the full PHQ-9 next. */
  nextInstrument: z.enum(screeningInstruments).nullable(),
  /** What the UI tells the MA, e.g. "Stay with the patient…" for a positive item 9. Null when nothing to do. */
  message: z.string().nullable(),
});
export type RecordScreeningResponse = z.infer<typeof recordScreeningResponseSchema>;

export const patientScreeningsQuerySchema = z.object({
  instrument: z.enum(screeningInstruments).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const patientScreeningsResponseSchema = z.object({ screenings: z.array(screeningSchema) });
export type PatientScreeningsResponse = z.infer<typeof patientScreeningsResponseSchema>;

export const screeningEncounterParamsSchema = z.object({ encounterId: z.uuid('Not an encounter id.') });
export const screeningPatientParamsSchema = z.object({ patientId: z.uuid('Not a patient id.') });
