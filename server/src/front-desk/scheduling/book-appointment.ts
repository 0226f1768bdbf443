import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError, publishLiveEvents, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { decide } from '../../platform/policy/policy-table.js';
import { scheduleAppointmentReminders } from '../reminders/index.js';
import type { SchedulingContext } from './appointment-view.js';
import { findBookingParties, findExceptionRanges, findHolder, findTemplateBlocks, isExclusionViolation, transitionRow, type HolderProbe, type AppointmentRow } from './scheduling.repository.js';
import { templateFor } from './slots.js';

export type { AppointmentRow } from './scheduling.repository.js';
export type AppointmentSource = 'app' | 'fhir' | 'walk-in' | 'waitlist' | 'follow-up' | 'series';

export interface BookAppointmentInput {
  /** The new appointment's id (a FHIR create chooses it, so the FHIR id and the row id are one); generated when absent. */
  id?: string;
  patientId: string;
  providerId: string;
  locationId: string;
  appointmentTypeId?: string | null;
  startsAt: Date | string;
  /** Defaults to the start plus the appointment type's duration. */
  endsAt?: Date | string | null;
  reasonForVisit?: string;
  isOverbook?: boolean;
  overbookReason?: string | null;
  isWalkIn?: boolean;
  roomId?: string | null;
  telehealthJoinUrl?: string | null;
  source?: AppointmentSource;
  /** Book outside the provider's template (integration clients, walk-ins) and mark it so, instead of refusing. */
  allowOutsideTemplate?: boolean;
  seriesId?: string | null;
  rescheduledFromId?: string | null;
  followUpOfId?: string | null;
  /** The waitlist entry this booking fulfils (marked booked in the same transaction). */
  waitlistEntryId?: string | null;
}

/** A booking in the past is refused; this much clock skew between a browser and the server is tolerated. */
const PAST_TOLERANCE_MS = 60_000;

/**
 * Books a patient with a provider at a location, inside the caller's transaction: checks the type,
 * the provider, the template and overlaps, writes the appointment and its first status, audits it,
 * schedules its reminders and tells the schedule and flow-board screens. Refusals name the field.
 */
export async function bookAppointment(trx: Transaction<Database>, context: SchedulingContext, input: BookAppointmentInput): Promise<AppointmentRow> {
  const { organizationId } = context;
  const roles = context.actor?.roles ?? [];
  const now = new Date();
  const { location, type, provider, patient } = await findBookingParties(trx, organizationId, {
    locationId: input.locationId, appointmentTypeId: input.appointmentTypeId ?? null, providerId: input.providerId, patientId: input.patientId,
  });
  if (!location) throw new AppError('LOCATION_NOT_FOUND', { field: 'locationId' });
  if (input.appointmentTypeId && !type) throw new AppError('APPOINTMENT_TYPE_NOT_FOUND', { field: 'appointmentTypeId' });
  if (type && !type.isActive) throw new AppError('APPOINTMENT_TYPE_NOT_BOOKABLE', { field: 'appointmentTypeId', message: `“${type.name}” is no longer offered.` });
  if (type && context.actor && !roles.some((role) => type.bookableByRoles.includes(role))) {
    throw new AppError('APPOINTMENT_TYPE_NOT_BOOKABLE', { field: 'appointmentTypeId', message: `Your role cannot book “${type.name}”. Ask ${type.bookableByRoles.join(' or ')}.` });
  }

  const startsAt = new Date(input.startsAt);
  const endsAt = input.endsAt ? new Date(input.endsAt) : type ? new Date(startsAt.getTime() + type.durationMinutes * 60_000) : null;
  if (!endsAt) throw new AppError('VALIDATION_FAILED', { field: 'endsAt', message: 'Give an end time or an appointment type.' });
  if (endsAt <= startsAt) throw new AppError('VALIDATION_FAILED', { field: 'endsAt', message: 'The appointment must end after it starts.' });
  if (!input.isWalkIn && startsAt.getTime() < now.getTime() - PAST_TOLERANCE_MS) throw new AppError('APPOINTMENT_IN_PAST', { field: 'startsAt' });

  if (!provider) throw new AppError('STAFF_NOT_FOUND', { field: 'providerId' });
  if (!provider.isActive) throw new AppError('PROVIDER_INACTIVE', { field: 'providerId' });
  if (!provider.roles.includes('provider')) throw new AppError('PROVIDER_INACTIVE', { field: 'providerId', message: 'That staff member is not a provider and cannot be booked.' });

  if (!patient) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
  if (patient.status === 'merged') throw new AppError('PATIENT_ALREADY_MERGED', { field: 'patientId' });

  if (input.roomId) {
    const room = await trx.selectFrom('examRooms').select('id').where('id', '=', input.roomId).where('locationId', '=', location.id).executeTakeFirst();
    if (!room) throw new AppError('NOT_FOUND', { field: 'roomId', message: 'No such exam room at this location.' });
  }

  const isOverbook = input.isOverbook ?? false;
  const overbookReason = input.overbookReason?.trim() || null;
  if (isOverbook) {
    const decision = decide('appointment.overbook', roles);
    if (context.actor && !decision.allowed) throw new AppError('FORBIDDEN_BY_POLICY', { field: 'isOverbook', message: decision.reason });
    if (!overbookReason) throw new AppError('OVERBOOK_REASON_REQUIRED', { field: 'overbookReason' });
  }

  const telehealthJoinUrl = input.telehealthJoinUrl ?? null;
  if (telehealthJoinUrl && type && !type.isTelehealth) throw new AppError('VALIDATION_FAILED', { field: 'telehealthJoinUrl', message: 'Only telehealth visits carry a join link.' });

  const templates = await findTemplateBlocks(trx, organizationId, { locationId: location.id, providerId: provider.id });
  const exceptions = await findExceptionRanges(trx, organizationId, location.id, startsAt, endsAt);
  const block = templateFor(templates, exceptions, { providerId: provider.id, appointmentTypeId: type?.id ?? null, startsAt, endsAt, now, timeZone: location.timeZone });
  const isOutsideTemplate = block === null;
  if (isOutsideTemplate && !input.allowOutsideTemplate && !isOverbook && !input.isWalkIn) {
    throw new AppError('APPOINTMENT_OUTSIDE_TEMPLATE', { field: 'startsAt' });
  }

  const probe = { providerId: provider.id, patientId: patient.id, roomId: input.roomId ?? null, startsAt, endsAt, isOverbook };
  const holder = await findHolder(trx, organizationId, probe);
  if (holder) throw slotTaken(holder);

  // the appointment and its first recorded status in one statement
  const appointmentId = input.id ?? randomUUID();
  const changedByClient = context.actor?.kind === 'client' ? context.actor.id : null;
  const appointment = await trx.with('booked', (db) => db.insertInto('appointments').values({
    id: appointmentId,
    organizationId,
    locationId: location.id,
    patientId: patient.id,
    providerId: provider.id,
    roomId: input.roomId ?? null,
    appointmentTypeId: type?.id ?? null,
    startsAt,
    endsAt,
    reasonForVisit: input.reasonForVisit ?? '',
    isOverbook,
    overbookReason,
    isOutsideTemplate,
    isWalkIn: input.isWalkIn ?? false,
    telehealthJoinUrl,
    seriesId: input.seriesId ?? null,
    rescheduledFromId: input.rescheduledFromId ?? null,
    cancellationReason: null,
    cancellationNote: null,
    currentRoomId: null,
    medicalAssistantId: null,
    followUpOfId: input.followUpOfId ?? null,
    source: input.source ?? 'app',
    bookedBy: context.staffMemberId,
    bookedByClient: changedByClient,
  }).returningAll())
    .with('firstStatus', (db) => db.insertInto('appointmentStatusChanges').values(transitionRow(appointmentId, {
      organizationId, fromStatus: null, toStatus: 'scheduled', changedAt: now, changedBy: context.staffMemberId, changedByClient,
    })))
    .selectFrom('booked')
    .selectAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, context, {
    action: 'create', recordType: 'Appointment', recordId: appointment.id, patientId: patient.id,
    details: { source: appointment.source, isOverbook, isOutsideTemplate, isWalkIn: appointment.isWalkIn, ...(input.rescheduledFromId ? { rescheduledFromId: input.rescheduledFromId } : {}) },
  });
  if (input.waitlistEntryId) {
    const entry = await trx
      .updateTable('waitlistEntries')
      .set((eb) => ({ status: 'booked', bookedAppointmentId: appointment.id, version: eb('version', '+', 1) }))
      .where('id', '=', input.waitlistEntryId)
      .where('organizationId', '=', organizationId)
      .where('patientId', '=', patient.id)
      .where('status', 'in', ['waiting', 'offered'])
      .returning('id')
      .executeTakeFirst();
    if (!entry) throw new AppError('WAITLIST_ENTRY_NOT_FOUND', { field: 'waitlistEntryId', message: 'This patient has no open waitlist entry with that id.' });
  }
  await scheduleAppointmentReminders(trx, appointment.id);
  await announceAppointment(trx, appointment, 'appointment.booked');
  return appointment;
}

/** Tells open schedule and flow-board screens of this location that an appointment changed (ids and status only). */
export async function announceAppointment(trx: Transaction<Database>, appointment: AppointmentRow, type: string): Promise<void> {
  const payload = { appointmentId: appointment.id, providerId: appointment.providerId, status: appointment.status, version: appointment.version };
  await publishLiveEvents(trx, [`schedule:${appointment.locationId}`, `flow-board:${appointment.locationId}`].map((topic) => ({ organizationId: appointment.organizationId, topic, type, payload })));
}

type Holder = NonNullable<Awaited<ReturnType<typeof findHolder>>>;

export function slotTaken(holder: Holder): AppError {
  const message = holder.conflict === 'patient'
    ? 'The patient already has an appointment at that time.'
    : holder.conflict === 'room'
      ? 'That room is already booked at that time.'
      : 'The provider is already booked at that time. Choose another slot, or overbook with a reason.';
  return new AppError('SLOT_TAKEN', { field: holder.conflict === 'patient' ? 'patientId' : holder.conflict === 'room' ? 'roomId' : 'startsAt', message, details: { slot: holder } });
}

/** Deadlock (40P01) or serialization failure (40001): the transaction was rolled back and may simply run again. */
function isRetryableConflict(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '40P01' || code === '40001';
}

const BOOKING_ATTEMPTS = 3;

/**
 * Runs a booking transaction; when the database's exclusion constraint refuses it (another booking
 * committed first), answers 409 with the appointment that now holds the time instead of a 500.
 * Two bookings racing for overlapping times can each wait on the other's uncommitted row under
 * different exclusion constraints (provider, patient, room); PostgreSQL breaks that deadlock by
 * rolling one back, which is run again — it then meets the committed booking and answers 409.
 */
export async function withSlotGuard<T>(
  db: Kysely<Database>,
  organizationId: string,
  probe: () => HolderProbe | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await run();
      } catch (error) {
        if (attempt >= BOOKING_ATTEMPTS || !isRetryableConflict(error)) throw error;
      }
    }
  } catch (error) {
    if (!isExclusionViolation(error)) throw error;
    const wanted = probe();
    const holder = wanted ? await findHolder(db, organizationId, wanted) : undefined;
    if (holder) throw slotTaken(holder);
    throw new AppError('SLOT_TAKEN');
  }
}
