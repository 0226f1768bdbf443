import { z } from 'zod';
import { isoDate } from './patient.contract.js';

export const visitStatuses = [
  'scheduled', 'arrived', 'roomed', 'ready-for-provider', 'with-provider', 'checkout', 'done',
  'no-show', 'cancelled', 'left-without-being-seen', 'entered-in-error',
] as const;
export const visitStatusSchema = z.enum(visitStatuses);
export type VisitStatus = z.infer<typeof visitStatusSchema>;

export const roomStates = ['ready', 'occupied', 'needs-cleaning', 'out-of-service'] as const;
export type RoomState = (typeof roomStates)[number];

const version = z.number({ error: 'Send the version you are changing.' }).int().positive();
const uuid = (what: string) => z.uuid(`Not a ${what} id.`);

export const appointmentParamsSchema = z.object({ appointmentId: uuid('appointment') });
export const roomParamsSchema = z.object({ roomId: uuid('room') });

export const changeStatusRequestSchema = z.strictObject({
  to: visitStatusSchema,
  version,
  roomId: uuid('room').optional(),
  note: z.string().trim().max(500).optional(),
});
export type ChangeStatusRequest = z.infer<typeof changeStatusRequestSchema>;

export const roomPatientRequestSchema = z.strictObject({ roomId: uuid('room'), version });

/** The visit as the flow screens see it after a change. */
export const visitSchema = z.object({
  id: z.string(),
  status: visitStatusSchema,
  statusChangedAt: z.string(),
  currentRoomId: z.string().nullable(),
  medicalAssistantId: z.string().nullable(),
  version: z.number(),
});
export type Visit = z.infer<typeof visitSchema>;

export const followUpRequestSchema = z
  .strictObject({
    appointmentTypeId: uuid('appointment type'),
    afterDate: isoDate.optional(),
    inWeeks: z.number().int().min(1).max(104).optional(),
    inMonths: z.number().int().min(1).max(24).optional(),
  })
  .refine((value) => [value.afterDate, value.inWeeks, value.inMonths].filter((v) => v !== undefined).length === 1, {
    message: 'Give exactly one of afterDate, inWeeks or inMonths.',
    path: ['afterDate'],
  });

export const checkoutRequestSchema = z.strictObject({ version, followUp: followUpRequestSchema.optional() });
export const checkoutResponseSchema = z.object({
  visit: visitSchema,
  followUp: z.object({ appointmentId: z.string(), startsAt: z.string(), providerId: z.string() }).nullable(),
});

export const roomSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(roomStates),
  stateChangedAt: z.string(),
  minutesInState: z.number(),
  /** Only while occupied: who is in it, as initials and MRN (minimum necessary for a wall display). */
  occupant: z.object({ appointmentId: z.string(), initials: z.string(), mrn: z.string(), status: visitStatusSchema }).nullable(),
  version: z.number(),
});
export const roomGridQuerySchema = z.object({ locationId: uuid('location') });
export const roomGridSchema = z.object({ locationId: z.string(), rooms: z.array(roomSchema) });

export const flowBoardQuerySchema = z.object({ locationId: uuid('location'), date: isoDate.optional() });
export const flowUrgency = ['normal', 'amber', 'red'] as const;
export const flowBoardRowSchema = z.object({
  appointmentId: z.string(),
  version: z.number(),
  patient: z.object({ id: z.string(), name: z.string(), mrn: z.string(), dateOfBirth: z.string() }),
  startsAt: z.string(),
  endsAt: z.string(),
  appointmentTypeName: z.string().nullable(),
  isWalkIn: z.boolean(),
  status: visitStatusSchema,
  statusChangedAt: z.string(),
  minutesInStatus: z.number(),
  urgency: z.enum(flowUrgency),
  room: z.object({ id: z.string(), name: z.string() }).nullable(),
  medicalAssistant: z.object({ id: z.string(), name: z.string() }).nullable(),
  provider: z.object({ id: z.string(), name: z.string() }),
  flags: z.array(z.enum(['interpreter-needed', 'allergy-alert', 'abnormal-vitals'])),
  interpreterLanguage: z.string().nullable(),
  arrivedAt: z.string().nullable(),
  doorToRoomMinutes: z.number().nullable(),
  isSuggestedNoShow: z.boolean(),
  isConfirmed: z.boolean(),
  intakeStatus: z.enum(['not-started', 'sent', 'in-progress', 'complete']).nullable(),
  /** A critical vital sign of this visit is waiting for a provider's acknowledgement. */
  hasCriticalAlert: z.boolean(),
  allowedNext: z.array(visitStatusSchema),
  /** The subset of `allowedNext` the caller's roles may perform (the server's state machine decides; the web only shows these). */
  allowedNextForYou: z.array(visitStatusSchema),
});
export type FlowBoardRow = z.infer<typeof flowBoardRowSchema>;
export const flowBoardSchema = z.object({
  locationId: z.string(),
  date: z.string(),
  thresholds: z.object({ amberMinutes: z.number(), redMinutes: z.number(), noShowAfterMinutes: z.number() }),
  rows: z.array(flowBoardRowSchema),
});
export type FlowBoard = z.infer<typeof flowBoardSchema>;
