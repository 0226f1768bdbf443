import { z } from 'zod';

// Encounters, rooming checklists, the hand-off to the provider and the chart summary.
// Server and web import the same schemas.

const uuid = (what: string) => z.uuid(`Not a ${what} id.`);
/** The version a client is changing; optional in the body because `If-Match` may carry it instead (missing → 428). */
const version = z.number({ error: 'Send the version you are changing.' }).int().positive();
const text = (max: number) => z.string().trim().max(max, `At most ${max} characters.`);

/** A visit type or checklist item key: lower-case words joined by dashes (e.g. `annual-physical`, `visual-acuity`). */
export const codeKeySchema = z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'Use lower-case letters, digits and dashes, e.g. annual-physical.');

/** The visit types every clinic starts with (a clinic may add its own through the checklist editor). */
export const defaultVisitTypes = ['new-patient', 'annual-physical', 'well-child', 'sick-visit', 'follow-up', 'diabetic-follow-up', 'prenatal', 'nurse-visit'] as const;

export const encounterStatuses = ['planned', 'in-progress', 'finished', 'cancelled', 'entered-in-error'] as const;

export const encounterParamsSchema = z.object({ encounterId: uuid('encounter') });
export const appointmentEncounterParamsSchema = z.object({ appointmentId: uuid('appointment') });
export const patientChartParamsSchema = z.object({ patientId: uuid('patient') });
export const visitTypeParamsSchema = z.object({ visitType: codeKeySchema });

export const staffRefSchema = z.object({ id: z.string(), name: z.string() });

/** One line of the rooming checklist as the MA sees it on this encounter. */
export const encounterChecklistItemSchema = z.object({
  key: z.string(),
  label: z.string(),
  isSpecialtyExtra: z.boolean(),
  isDone: z.boolean(),
});

export const encounterSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  appointmentId: z.string().nullable(),
  locationId: z.string().nullable(),
  providerId: z.string().nullable(),
  visitType: z.string(),
  visitTypeLabel: z.string(),
  status: z.enum(encounterStatuses),
  /** In the patient's own words. */
  chiefComplaint: z.string(),
  reasonForVisit: z.string(),
  checklist: z.array(encounterChecklistItemSchema),
  /** Keys of the checklist items ticked so far. */
  checklistDone: z.array(z.string()),
  startedAt: z.string(),
  roomedBy: staffRefSchema.nullable(),
  roomedAt: z.string().nullable(),
  readyForProviderBy: staffRefSchema.nullable(),
  readyForProviderAt: z.string().nullable(),
  summarySignedOffBy: staffRefSchema.nullable(),
  summarySignedOffAt: z.string().nullable(),
  version: z.number(),
});
export type Encounter = z.infer<typeof encounterSchema>;

/** POST /api/encounters: opens the visit's encounter, or returns it if it is already open. */
export const openEncounterRequestSchema = z.strictObject({
  appointmentId: uuid('appointment'),
  visitType: codeKeySchema.optional(),
  chiefComplaint: text(1000).optional(),
  reasonForVisit: text(1000).optional(),
});
export type OpenEncounterRequest = z.infer<typeof openEncounterRequestSchema>;

/** PATCH /api/encounters/:encounterId (version in the body or `If-Match`). */
export const updateEncounterRequestSchema = z.strictObject({
  chiefComplaint: text(1000).optional(),
  reasonForVisit: text(1000).optional(),
  visitType: codeKeySchema.optional(),
  /** The full set of ticked checklist item keys (replaces the previous set). */
  checklistDone: z.array(codeKeySchema).max(100).optional(),
  version: version.optional(),
});
export type UpdateEncounterRequest = z.infer<typeof updateEncounterRequestSchema>;

/** POST /api/encounters/:encounterId/ready-for-provider and /sign-off. */
export const encounterVersionRequestSchema = z.strictObject({ version: version.optional() });

export const readyForProviderResponseSchema = z.object({
  encounter: encounterSchema,
  visit: z.object({ id: z.string(), status: z.string(), statusChangedAt: z.string(), currentRoomId: z.string().nullable(), medicalAssistantId: z.string().nullable(), version: z.number() }),
});

// ---- Rooming checklists (what each visit type's checklist holds; the manager edits them)

export const roomingChecklistItemSchema = z.object({
  key: z.string(),
  label: z.string(),
  position: z.number(),
  isSpecialtyExtra: z.boolean(),
  isActive: z.boolean(),
});
export const roomingChecklistSchema = z.object({
  visitType: z.string(),
  label: z.string(),
  items: z.array(roomingChecklistItemSchema),
  /** Send it back with PUT; changes when anyone edits this visit type's checklist. */
  version: z.number(),
});
export type RoomingChecklist = z.infer<typeof roomingChecklistSchema>;
export const roomingChecklistsSchema = z.object({ checklists: z.array(roomingChecklistSchema) });

/** PUT /api/rooming-checklists/:visitType: the whole list in order (items left out are deactivated, never deleted). */
export const putRoomingChecklistRequestSchema = z.strictObject({
  items: z
    .array(z.strictObject({
      key: codeKeySchema,
      label: z.string().trim().min(1, 'Enter the item’s label.').max(200, 'At most 200 characters.'),
      isSpecialtyExtra: z.boolean().optional(),
      isActive: z.boolean().optional(),
    }))
    .min(1, 'A checklist needs at least one item.')
    .max(50)
    .refine((items) => new Set(items.map((item) => item.key)).size === items.length, 'Each item key may appear once.'),
  /** Required when the visit type already has a checklist (0 or absent for a new visit type). */
  version: z.number().int().min(0).optional(),
});
export type PutRoomingChecklistRequest = z.infer<typeof putRoomingChecklistRequestSchema>;

// ---- Shared clinical pieces

const interpretation = z.enum(['N', 'L', 'H', 'LL', 'HH', 'A', 'AA']).nullable();
export const observationComponentSchema = z.object({
  code: z.string(),
  display: z.string(),
  value: z.number().nullable(),
  unit: z.string().nullable(),
  interpretation,
  interpretationMessage: z.string().nullable().optional(),
});

export const vitalReadingSchema = z.object({
  id: z.string(),
  code: z.string(),
  display: z.string(),
  value: z.number().nullable(),
  unit: z.string().nullable(),
  enteredValue: z.number().nullable(),
  enteredUnit: z.string().nullable(),
  components: z.array(observationComponentSchema),
  interpretation,
  interpretationMessage: z.string().nullable(),
  isCritical: z.boolean(),
  status: z.string(),
  repeatOfId: z.string().nullable(),
  effectiveAt: z.string(),
  encounterId: z.string().nullable(),
});
export type VitalReading = z.infer<typeof vitalReadingSchema>;

export const allergyStatuses = ['unknown', 'no-known-drug-allergies', 'no-known-allergies', 'has-allergies'] as const;
export const allergyOverviewSchema = z.object({
  status: z.enum(allergyStatuses),
  statedBy: staffRefSchema.nullable(),
  statedAt: z.string().nullable(),
  items: z.array(z.object({
    id: z.string(),
    substance: z.string(),
    category: z.string().nullable(),
    reaction: z.string(),
    severity: z.string().nullable(),
    criticality: z.string().nullable(),
    clinicalStatus: z.string(),
  })),
});

// ---- The provider's one-screen rooming summary

/** A vital measured last visit and now: how it moved (blood pressure per component). */
export const vitalChangeSchema = z.object({
  code: z.string(),
  display: z.string(),
  unit: z.string().nullable(),
  previous: z.number().nullable(),
  current: z.number().nullable(),
  change: z.number().nullable(),
  components: z.array(z.object({ code: z.string(), display: z.string(), previous: z.number().nullable(), current: z.number().nullable(), change: z.number().nullable() })),
});

export const roomingSummarySchema = z.object({
  encounter: encounterSchema,
  vitals: z.array(vitalReadingSchema),
  /** null when this is the patient's first visit with vitals. */
  changesSinceLastVisit: z.object({
    previousEncounterId: z.string(),
    previousVisitAt: z.string(),
    changes: z.array(vitalChangeSchema),
  }).nullable(),
  allergies: allergyOverviewSchema,
  /** Medications reconciled during this visit whose status is news to the provider: changed, not taking, or new. */
  medicationChanges: z.array(z.object({
    id: z.string(),
    name: z.string(),
    dose: z.string(),
    route: z.string(),
    frequency: z.string(),
    change: z.enum(['changed', 'not-taking', 'new']),
    note: z.string().nullable(),
    reconciledBy: staffRefSchema.nullable(),
    reconciledAt: z.string().nullable(),
  })),
  screenings: z.array(z.object({
    id: z.string(),
    instrument: z.string(),
    total: z.number().nullable(),
    band: z.string().nullable(),
    isPositive: z.boolean(),
    needsUrgentFollowUp: z.boolean(),
    recordedAt: z.string(),
  })),
  checklistProgress: z.object({ done: z.number(), total: z.number() }),
});
export type RoomingSummary = z.infer<typeof roomingSummarySchema>;

// ---- The chart summary (one screen over years of history)

export const chartSummarySchema = z.object({
  patientId: z.string(),
  /** The newest reading of each vital sign code. */
  latestVitals: z.array(vitalReadingSchema),
  problems: z.array(z.object({
    id: z.string(),
    description: z.string(),
    codeSystem: z.string().nullable(),
    code: z.string().nullable(),
    verification: z.string(),
    clinicalStatus: z.string(),
    onset: z.string().nullable(),
  })),
  medications: z.array(z.object({
    id: z.string(),
    name: z.string(),
    rxnormCode: z.string().nullable(),
    dose: z.string(),
    route: z.string(),
    frequency: z.string(),
    reconciliation: z.string().nullable(),
    reconciledAt: z.string().nullable(),
  })),
  allergies: allergyOverviewSchema,
  immunizations: z.array(z.object({ id: z.string(), cvxCode: z.string(), vaccineName: z.string(), occurred: z.string(), status: z.string() })),
  /** The last 10 encounters, newest first. */
  recentEncounters: z.array(z.object({
    id: z.string(),
    appointmentId: z.string().nullable(),
    visitType: z.string(),
    visitTypeLabel: z.string(),
    status: z.string(),
    chiefComplaint: z.string(),
    reasonForVisit: z.string(),
    startedAt: z.string(),
    providerId: z.string().nullable(),
  })),
  encounterCount: z.number(),
});
export type ChartSummary = z.infer<typeof chartSummarySchema>;
