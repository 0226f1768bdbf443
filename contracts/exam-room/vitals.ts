import { z } from 'zod';

/**
 * Vital signs: one set per request (US or metric entry), readings with their FHIR interpretation,
 * trends, growth charts, corrections, provider reinterpretation and critical-value alerts.
 * Units are UCUM codes: 'Cel' / '[degF]', 'cm' / '[in_i]', 'kg' / 'g' / '[lb_av]' / '[oz_av]'.
 */

const uuid = (what: string) => z.uuid(`Not a ${what} id.`);
const version = z.number({ error: 'Send the version you are changing.' }).int().positive();
const measured = (what: string) => z.number({ error: `Enter the ${what} as a number.` }).finite();
const dateTime = z.iso.datetime({ offset: true, error: 'Use an ISO date-time, e.g. 2026-11-24T09:30:00Z.' });

export const interpretationCodes = ['N', 'L', 'H', 'LL', 'HH', 'A', 'AA'] as const;
export const interpretationCodeSchema = z.enum(interpretationCodes);
export type InterpretationCode = z.infer<typeof interpretationCodeSchema>;

export const bloodPressurePositions = ['sitting', 'standing', 'lying'] as const;
export const bloodPressureArms = ['left', 'right'] as const;
export const cuffSizes = ['infant', 'child', 'small-adult', 'adult', 'large-adult', 'thigh'] as const;
export const temperatureRoutes = ['oral', 'rectal', 'axillary', 'tympanic', 'temporal'] as const;
export const temperatureUnits = ['Cel', '[degF]'] as const;
export const lengthUnits = ['cm', '[in_i]'] as const;
export const massUnits = ['kg', 'g', '[lb_av]', '[oz_av]'] as const;
export const orthostaticPositions = ['lying', 'sitting', 'standing'] as const;

export const bloodPressureEntrySchema = z.strictObject({
  systolic: measured('systolic (top number)'),
  diastolic: measured('diastolic (bottom number)'),
  position: z.enum(bloodPressurePositions).optional(),
  arm: z.enum(bloodPressureArms).optional(),
  cuffSize: z.enum(cuffSizes).optional(),
});

export const temperatureEntrySchema = z.strictObject({
  value: measured('temperature'),
  unit: z.enum(temperatureUnits, { error: 'Choose °C (Cel) or °F ([degF]).' }),
  route: z.enum(temperatureRoutes).default('oral'),
});

export const spo2EntrySchema = z.strictObject({
  percent: measured('oxygen saturation'),
  oxygen: z.union([z.literal('room-air'), z.strictObject({ flowLitresPerMinute: z.number().positive().max(60) })]).default('room-air'),
});

export const heightEntrySchema = z.strictObject({
  value: measured('height'),
  unit: z.enum(lengthUnits, { error: 'Choose cm or in ([in_i]).' }),
  /** true: recumbent length (infants), false/absent: standing height. */
  isLength: z.boolean().optional(),
});

export const weightEntrySchema = z.strictObject({
  value: measured('weight'),
  unit: z.enum(massUnits, { error: 'Choose kg, g, lb ([lb_av]) or oz ([oz_av]).' }),
});

export const headCircumferenceEntrySchema = z.strictObject({
  value: measured('head circumference'),
  unit: z.enum(lengthUnits, { error: 'Choose cm or in ([in_i]).' }),
});

export const orthostaticEntrySchema = z.strictObject({
  position: z.enum(orthostaticPositions),
  systolic: measured('systolic (top number)'),
  diastolic: measured('diastolic (bottom number)'),
  pulse: measured('pulse'),
});

export const recordVitalsRequestSchema = z.strictObject({
  bloodPressure: bloodPressureEntrySchema.optional(),
  pulse: measured('pulse').optional(),
  respirations: measured('respirations').optional(),
  temperature: temperatureEntrySchema.optional(),
  spo2: spo2EntrySchema.optional(),
  height: heightEntrySchema.optional(),
  weight: weightEntrySchema.optional(),
  headCircumference: headCircumferenceEntrySchema.optional(),
  pain: z.number({ error: 'Enter the pain score 0-10.' }).int('Pain is a whole number 0-10.').min(0).max(10).optional(),
  effectiveAt: dateTime.optional(),
  /** A repeat (elevated BP after rest) or re-measure of a critical reading: the earlier observation. */
  repeatOfId: uuid('observation').optional(),
  orthostatic: z.array(orthostaticEntrySchema).min(2, 'Orthostatic vitals need at least two positions.').max(3).optional(),
});
export type RecordVitalsRequest = z.infer<typeof recordVitalsRequestSchema>;

export const encounterParamsSchema = z.object({ encounterId: uuid('encounter') });
export const patientParamsSchema = z.object({ patientId: uuid('patient') });
export const observationParamsSchema = z.object({ observationId: uuid('observation') });
export const alertParamsSchema = z.object({ alertId: uuid('alert') });

export const observationComponentSchema = z.object({
  code: z.string(),
  display: z.string(),
  value: z.number().nullable(),
  unit: z.string().nullable(),
  interpretation: interpretationCodeSchema.nullable(),
  interpretationMessage: z.string().nullable().optional(),
});
export type ObservationComponentView = z.infer<typeof observationComponentSchema>;

export const observationSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  encounterId: z.string().nullable(),
  vitalsSetId: z.string().nullable(),
  orthostaticSetId: z.string().nullable(),
  category: z.string(),
  code: z.string(),
  display: z.string(),
  value: z.number().nullable(),
  unit: z.string().nullable(),
  enteredValue: z.number().nullable(),
  enteredUnit: z.string().nullable(),
  components: z.array(observationComponentSchema),
  interpretation: interpretationCodeSchema.nullable(),
  interpretationMessage: z.string().nullable(),
  isCritical: z.boolean(),
  /** position, arm, cuffSize, route, oxygen, orthostaticPosition, isLength… */
  details: z.record(z.string(), z.unknown()),
  effectiveAt: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string().nullable(),
  source: z.enum(['app', 'fhir', 'import']),
  status: z.enum(['preliminary', 'final', 'amended', 'corrected', 'entered-in-error']),
  repeatOfId: z.string().nullable(),
  replacedById: z.string().nullable(),
  correctionOfId: z.string().nullable(),
  correctionReason: z.string().nullable(),
  interpretationSetBy: z.string().nullable(),
  interpretationReason: z.string().nullable(),
  version: z.number(),
});
export type ObservationView = z.infer<typeof observationSchema>;

export const bmiSchema = z.object({ value: z.number(), category: z.string().nullable() }).nullable();

export const vitalAlertSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  observationId: z.string(),
});

export const vitalsPromptSchema = z.object({
  kind: z.enum(['repeat-blood-pressure', 're-measure-critical']),
  message: z.string(),
  observationId: z.string(),
});

export const recordVitalsResponseSchema = z.object({
  vitalsSetId: z.string(),
  observations: z.array(observationSchema),
  bmi: bmiSchema,
  alerts: z.array(vitalAlertSchema),
  prompts: z.array(vitalsPromptSchema),
});
export type RecordVitalsResponse = z.infer<typeof recordVitalsResponseSchema>;

export const encounterVitalsResponseSchema = z.object({
  encounterId: z.string(),
  observations: z.array(observationSchema),
  /** Alerts raised by this encounter's readings (open or closed). */
  alerts: z.array(z.object({
    id: z.string(),
    observationId: z.string(),
    taskId: z.string(),
    acknowledgedAt: z.string().nullable(),
    escalatedAt: z.string().nullable(),
    remeasureObservationId: z.string().nullable(),
  })),
});

export const vitalTrendQuerySchema = z.object({
  code: z.string().trim().min(1).max(64).optional(),
  from: dateTime.optional(),
  to: dateTime.optional(),
});
export const vitalTrendResponseSchema = z.object({
  patientId: z.string(),
  series: z.array(z.object({
    code: z.string(),
    display: z.string(),
    unit: z.string().nullable(),
    points: z.array(z.object({
      observationId: z.string(),
      effectiveAt: z.string(),
      value: z.number().nullable(),
      components: z.array(observationComponentSchema),
      interpretation: interpretationCodeSchema.nullable(),
      isCritical: z.boolean(),
    })),
  })),
});

export const growthChartKinds = ['weight-for-age', 'length-or-stature-for-age', 'bmi-for-age', 'head-circumference-for-age'] as const;
export const growthChartsResponseSchema = z.object({
  patientId: z.string(),
  sex: z.enum(['male', 'female']).nullable(),
  charts: z.array(z.object({
    kind: z.enum(growthChartKinds),
    unit: z.string(),
    points: z.array(z.object({
      observationId: z.string(),
      effectiveAt: z.string(),
      ageMonths: z.number(),
      value: z.number(),
      unit: z.string(),
      percentile: z.number().nullable(),
      z: z.number().nullable(),
      table: z.string().nullable(),
    })),
    /** One curve per percentile label (P3…P97), points by age in months. */
    curves: z.array(z.object({
      percentile: z.string(),
      points: z.array(z.object({ ageMonths: z.number(), value: z.number() })),
    })),
  })),
});

/** A single-value reading takes value + unit (any allowed entry unit); a blood pressure takes systolic + diastolic. */
export const correctObservationRequestSchema = z.strictObject({
  value: measured('corrected value').optional(),
  unit: z.string().trim().min(1, 'Enter the unit.').max(32).optional(),
  systolic: measured('systolic (top number)').optional(),
  diastolic: measured('diastolic (bottom number)').optional(),
  reason: z.string().trim().min(3, 'Say why the reading is corrected.').max(500),
  version,
});
export type CorrectObservationRequest = z.infer<typeof correctObservationRequestSchema>;
export const correctObservationResponseSchema = z.object({ previous: observationSchema, correction: observationSchema });

export const reinterpretRequestSchema = z.strictObject({
  interpretation: interpretationCodeSchema,
  reason: z.string().trim().min(3, 'Say why the interpretation changes.').max(500),
  version,
});

export const acknowledgeAlertResponseSchema = z.object({
  id: z.string(),
  observationId: z.string(),
  taskId: z.string(),
  acknowledgedAt: z.string(),
  acknowledgedBy: z.string(),
});
