import { z } from 'zod';
import { isoDate } from './patient.contract.js';

const id = (what: string) => z.uuid(`Not a ${what} id.`);
const instant = z.iso.datetime({ offset: true, message: 'Use an ISO date-time with offset, e.g. 2026-03-09T08:00:00-05:00.' });
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:00)?$/, 'Use the 24-hour time HH:MM.');
const version = z.number().int().positive();
const staffRoleOrIntegration = z.enum(['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager', 'admin', 'integration']);

export const visitKinds = ['CHECKUP', 'EMERGENCY', 'FOLLOWUP', 'ROUTINE', 'WALKIN'] as const;

export const appointmentTypeSchema = z.object({
  id: z.string(),
  name: z.string(),
  durationMinutes: z.number(),
  isNewPatient: z.boolean(),
  isTelehealth: z.boolean(),
  visitKind: z.enum(visitKinds),
  color: z.string(),
  bookableByRoles: z.array(z.string()),
  isActive: z.boolean(),
  version: z.number(),
});
export type AppointmentType = z.infer<typeof appointmentTypeSchema>;

export const appointmentTypeRequestSchema = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name.').max(100),
  durationMinutes: z.number().int().min(5, 'At least 5 minutes.').max(480, 'At most 8 hours.'),
  isNewPatient: z.boolean().default(false),
  isTelehealth: z.boolean().default(false),
  visitKind: z.enum(visitKinds).default('ROUTINE'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #1c7ed6.').default('#1c7ed6'),
  bookableByRoles: z.array(staffRoleOrIntegration).min(1, 'At least one role must be able to book it.').default(['front-desk', 'medical-assistant', 'nurse', 'manager', 'integration']),
  isActive: z.boolean().default(true),
});
export const updateAppointmentTypeRequestSchema = appointmentTypeRequestSchema.extend({ version });

export const scheduleTemplateSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  providerId: z.string(),
  weekday: z.number(),
  startsAtLocal: z.string(),
  endsAtLocal: z.string(),
  slotMinutes: z.number(),
  appointmentTypeIds: z.array(z.string()),
  label: z.string(),
  isSameDayHold: z.boolean(),
  effectiveFrom: z.string(),
  effectiveUntil: z.string().nullable(),
  version: z.number(),
});

export const scheduleTemplateRequestSchema = z
  .strictObject({
    locationId: id('location'),
    providerId: id('provider'),
    weekday: z.number().int().min(0, '0 = Sunday … 6 = Saturday.').max(6, '0 = Sunday … 6 = Saturday.'),
    startsAtLocal: localTime,
    endsAtLocal: localTime,
    slotMinutes: z.number().int().min(5).max(240),
    appointmentTypeIds: z.array(id('appointment type')).min(1, 'Choose at least one appointment type.'),
    label: z.string().trim().max(100).default(''),
    isSameDayHold: z.boolean().default(false),
    effectiveFrom: isoDate,
    effectiveUntil: isoDate.nullable().default(null),
  })
  .refine((value) => value.endsAtLocal > value.startsAtLocal, { path: ['endsAtLocal'], message: 'The block must end after it starts.' })
  .refine((value) => value.effectiveUntil === null || value.effectiveUntil >= value.effectiveFrom, { path: ['effectiveUntil'], message: 'Must be on or after the first day.' });
export const updateScheduleTemplateRequestSchema = z.strictObject({
  startsAtLocal: localTime,
  endsAtLocal: localTime,
  slotMinutes: z.number().int().min(5).max(240),
  appointmentTypeIds: z.array(id('appointment type')).min(1, 'Choose at least one appointment type.'),
  label: z.string().trim().max(100).default(''),
  isSameDayHold: z.boolean().default(false),
  effectiveUntil: isoDate.nullable().default(null),
  version,
}).refine((value) => value.endsAtLocal > value.startsAtLocal, { path: ['endsAtLocal'], message: 'The block must end after it starts.' });

export const scheduleExceptionSchema = z.object({
  id: z.string(),
  locationId: z.string().nullable(),
  providerId: z.string().nullable(),
  kind: z.enum(['vacation', 'meeting', 'closure', 'other']),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string(),
});
export const scheduleExceptionRequestSchema = z
  .strictObject({
    locationId: id('location').nullable().default(null),
    providerId: id('provider').nullable().default(null),
    kind: z.enum(['vacation', 'meeting', 'closure', 'other']),
    startsAt: instant,
    endsAt: instant,
    reason: z.string().trim().max(200).default(''),
  })
  .refine((value) => new Date(value.endsAt) > new Date(value.startsAt), { path: ['endsAt'], message: 'Must end after it starts.' })
  .refine((value) => value.providerId !== null || value.kind === 'closure', { path: ['providerId'], message: 'Choose a provider, or make it a clinic closure.' });

export const openSlotsQuerySchema = z.object({
  locationId: id('location'),
  appointmentTypeId: id('appointment type'),
  providerId: id('provider').optional(),
  preferredProviderId: id('provider').optional(),
  /** The patient the slot is for: times when they are already booked are left out. */
  patientId: id('patient').optional(),
  after: instant.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});
export const openSlotSchema = z.object({
  providerId: z.string(),
  providerName: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  isSameDayHold: z.boolean(),
});

export const appointmentSources = ['app', 'fhir', 'walk-in', 'waitlist', 'follow-up', 'series'] as const;
export const appointmentSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  patientId: z.string(),
  providerId: z.string(),
  roomId: z.string().nullable(),
  appointmentTypeId: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: z.string(),
  reasonForVisit: z.string(),
  isOverbook: z.boolean(),
  overbookReason: z.string().nullable(),
  isOutsideTemplate: z.boolean(),
  isWalkIn: z.boolean(),
  telehealthJoinUrl: z.string().nullable(),
  seriesId: z.string().nullable(),
  rescheduledFromId: z.string().nullable(),
  cancellationReason: z.string().nullable(),
  cancellationNote: z.string().nullable(),
  source: z.string(),
  version: z.number(),
});
export type Appointment = z.infer<typeof appointmentSchema>;

const bookingFields = {
  patientId: id('patient'),
  providerId: id('provider'),
  locationId: id('location'),
  appointmentTypeId: id('appointment type').nullable().default(null),
  reasonForVisit: z.string().trim().max(500).default(''),
  isOverbook: z.boolean().default(false),
  overbookReason: z.string().trim().max(200).nullable().default(null),
  roomId: id('room').nullable().default(null),
  telehealthJoinUrl: z.url('Enter the full join link, starting with https://').max(500).nullable().default(null),
};
export const bookAppointmentRequestSchema = z.strictObject({
  ...bookingFields,
  startsAt: instant,
  endsAt: instant.nullable().default(null),
  /** Booking a waitlist offer: the entry is marked booked with this appointment. */
  waitlistEntryId: id('waitlist entry').nullable().default(null),
});
export const walkInRequestSchema = z.strictObject({ ...bookingFields, appointmentTypeId: id('appointment type') });
export const rescheduleRequestSchema = z.strictObject({ startsAt: instant, providerId: id('provider').optional(), version });

/** FHIR appointment-cancellation-reason codes (http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason). */
export const cancellationReasons = [
  'pat', 'pat-crs', 'pat-cpp', 'pat-dec', 'pat-fb', 'pat-lt', 'pat-mt', 'pat-mv', 'pat-preg', 'pat-swl', 'pat-ucp',
  'prov', 'prov-pers', 'prov-dch', 'prov-edu', 'prov-hosp', 'prov-labs', 'prov-mri', 'prov-onc',
  'maint', 'meds-inc', 'other', 'oth-cms', 'oth-err', 'oth-fin', 'oth-iv', 'oth-int', 'oth-mu', 'oth-room', 'oth-oerr', 'oth-swie', 'oth-weath',
] as const;
export const cancelRequestSchema = z.strictObject({ reason: z.enum(cancellationReasons, 'Choose a cancellation reason.'), note: z.string().trim().max(500).default(''), version });
export const noShowRequestSchema = z.strictObject({ version });

export const seriesRequestSchema = z.strictObject({
  ...bookingFields,
  startsAt: instant,
  frequency: z.literal('weekly').default('weekly'),
  occurrences: z.number().int().min(2, 'At least 2 visits.').max(52, 'At most 52 visits.'),
});

export const waitlistEntrySchema = z.object({
  id: z.string(),
  locationId: z.string(),
  patientId: z.string(),
  providerId: z.string().nullable(),
  appointmentTypeId: z.string(),
  earliestDate: z.string(),
  latestDate: z.string(),
  notes: z.string(),
  status: z.string(),
  offeredStartsAt: z.string().nullable(),
  offeredProviderId: z.string().nullable(),
  version: z.number(),
});
export const waitlistRequestSchema = z
  .strictObject({
    locationId: id('location'),
    patientId: id('patient'),
    providerId: id('provider').nullable().default(null),
    appointmentTypeId: id('appointment type'),
    earliestDate: isoDate,
    latestDate: isoDate,
    notes: z.string().trim().max(500).default(''),
  })
  .refine((value) => value.latestDate >= value.earliestDate, { path: ['latestDate'], message: 'Must be on or after the earliest date.' });

export const dayScheduleQuerySchema = z.object({ locationId: id('location'), date: isoDate });
export const dayAppointmentSchema = appointmentSchema.extend({
  patientName: z.string(),
  patientDateOfBirth: z.string(),
  providerName: z.string(),
  appointmentTypeName: z.string().nullable(),
  color: z.string().nullable(),
  /** The exam room the patient is in now (null unless roomed); the by-room view places the visit here rather than under the booked room. */
  currentRoomId: z.string().nullable(),
});
export const dayScheduleSchema = z.object({
  locationId: z.string(),
  date: z.string(),
  timeZone: z.string(),
  byProvider: z.array(z.object({ providerId: z.string(), providerName: z.string(), appointments: z.array(dayAppointmentSchema) })),
  byRoom: z.array(z.object({ roomId: z.string().nullable(), roomName: z.string(), appointments: z.array(dayAppointmentSchema) })),
});
export const suggestedNoShowsQuerySchema = z.object({ locationId: id('location') });
