import type { Kysely } from 'kysely';
import { AppError, publishLiveEvents, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Role } from '../../platform/db/platform.table.js';
import type { Database } from '../../platform/db/schema.js';
import { cancelAppointmentReminders } from '../reminders/schedule-reminders.js';
import type { AppointmentStatus } from '../scheduling/scheduling.table.js';
import { decideTransition, inRoomStatuses } from './flow-state-machine.js';
import { lockAppointment, updateWithTransition, type AppointmentRow as LockedAppointment } from '../scheduling/index.js';
import { lockRoom, setRoomState } from './flow.repository.js';
import { openEncounterForVisit } from '../../exam-room/encounters/index.js';

/** Who is moving the visit: the request's audit context plus the roles the state machine checks. */
export interface FlowContext extends AuditContext {
  organizationId: string;
  staffMemberId: string | null;
  roles: readonly Role[];
}

/** Locks the visit and checks the version the client saw (404 / 409 otherwise). */
export async function lockVisit(trx: Kysely<Database>, context: FlowContext, appointmentId: string, version: number | null): Promise<LockedAppointment> {
  const appointment = await lockAppointment(trx, context.organizationId, appointmentId);
  if (!appointment) throw new AppError('APPOINTMENT_NOT_FOUND');
  if (version !== null && appointment.version !== version) {
    throw new AppError('VERSION_CONFLICT', { field: 'version', details: { currentVersion: appointment.version, status: appointment.status } });
  }
  return appointment;
}

const releasesReminders: readonly AppointmentStatus[] = ['cancelled', 'no-show', 'entered-in-error'];

export interface MoveOptions {
  roomId?: string | undefined;
  note?: string | undefined;
  /** For the patient's own confirmation link: the patient is not on a clinic team. */
  skipTeamCheck?: boolean;
  /** Extra columns the caller changes with the move (e.g. cancellation reason). */
  extra?: { cancellationReason?: string; cancellationNote?: string };
}

/**
 * Moves a locked visit to its next status inside the caller's transaction: checks the state
 * machine and the mover's team, rooms the patient into a ready room (or releases the room for
 * cleaning when the patient leaves it), records the timestamped transition, audits it, and
 * publishes the change to the flow board and room grid.
 */
export async function moveVisit(trx: Kysely<Database>, context: FlowContext, appointment: LockedAppointment, to: AppointmentStatus, options: MoveOptions = {}) {
  const from = appointment.status;
  const decision = decideTransition(from, to, options.skipTeamCheck ? ['manager'] : context.roles);
  if (!decision.allowed && decision.reason === 'invalid-transition') {
    const next = decision.allowedNext.length > 0 ? decision.allowedNext.join(', ') : 'nothing (the visit is over)';
    throw new AppError('INVALID_STATUS_TRANSITION', {
      field: 'to',
      message: `A visit that is ${from} cannot move to ${to}. Allowed next: ${next}.`,
      details: { from, to, allowedNext: decision.allowedNext },
    });
  }
  if (!decision.allowed) {
    const who = decision.teams.includes('front-desk') ? 'the front desk' : 'clinical staff (MA, nurse or provider)';
    throw new AppError('FORBIDDEN_BY_POLICY', { message: `Moving a visit from ${from} to ${to} is done by ${who}.`, details: { from, to } });
  }

  const now = new Date();
  const wasInRoom = inRoomStatuses.includes(from) && appointment.currentRoomId !== null;
  const willBeInRoom = inRoomStatuses.includes(to);
  const roomChanges: { roomId: string; state: string }[] = [];
  let currentRoomId = appointment.currentRoomId;
  let medicalAssistantId = appointment.medicalAssistantId;

  if (willBeInRoom && !wasInRoom) {
    // a room reserved with the booking (procedure rooms) is the default
    const roomIdAsked = options.roomId ?? appointment.roomId ?? undefined;
    if (!roomIdAsked) throw new AppError('VALIDATION_FAILED', { field: 'roomId', message: 'Choose the exam room the patient goes into.', issues: [{ field: 'roomId', message: 'Choose a room.' }] });
    const room = await lockRoom(trx, context.organizationId, roomIdAsked);
    if (!room || room.locationId !== appointment.locationId || !room.isActive) throw new AppError('ROOM_NOT_FOUND', { field: 'roomId' });
    if (room.state !== 'ready') {
      throw new AppError('ROOM_NOT_READY', { field: 'roomId', message: `${room.name} is ${room.state}, not ready.`, details: { roomId: room.id, state: room.state } });
    }
    await setRoomState(trx, room.id, 'occupied', appointment.id);
    roomChanges.push({ roomId: room.id, state: 'occupied' });
    currentRoomId = room.id;
    if (to === 'roomed' && context.staffMemberId && context.roles.some((role) => role !== 'front-desk')) medicalAssistantId = context.staffMemberId;
  } else if (!willBeInRoom && wasInRoom && appointment.currentRoomId) {
    const room = await lockRoom(trx, context.organizationId, appointment.currentRoomId);
    if (room && room.currentAppointmentId === appointment.id) {
      await setRoomState(trx, room.id, 'needs-cleaning', null);
      roomChanges.push({ roomId: room.id, state: 'needs-cleaning' });
    }
    currentRoomId = null;
  }

  // rooming opens the visit's encounter (once: rooming again returns the same one)
  if (to === 'roomed') await openEncounterForVisit(trx, context, { ...appointment, status: to });
  const roomId = currentRoomId ?? appointment.currentRoomId;
  const updated = await updateWithTransition(trx, appointment, {
    status: to, statusChangedAt: now, currentRoomId, medicalAssistantId, version: appointment.version + 1, updatedAt: now, ...options.extra,
  }, {
    organizationId: context.organizationId,
    fromStatus: from,
    toStatus: to,
    changedAt: now,
    changedBy: context.staffMemberId,
    changedByClient: context.actor?.kind === 'client' ? context.actor.id : null,
    roomId,
    note: options.note ?? null,
  });
  if (releasesReminders.includes(to)) await cancelAppointmentReminders(trx, appointment.id);
  await recordAudit(trx, context, {
    action: 'update', recordType: 'Appointment', recordId: appointment.id, patientId: appointment.patientId,
    details: { from, to, roomId, ...(roomChanges.length > 0 ? { rooms: roomChanges } : {}) },
  });
  await publishLiveEvents(trx, [
    {
      organizationId: context.organizationId,
      topic: `flow-board:${appointment.locationId}`,
      type: `appointment.${to}`,
      payload: { appointmentId: appointment.id, from, status: to, roomId, version: updated.version },
    },
    ...roomChanges.map((change) => ({
      organizationId: context.organizationId,
      topic: `rooms:${appointment.locationId}`,
      type: `room.${change.state}`,
      payload: { roomId: change.roomId, state: change.state, appointmentId: change.state === 'occupied' ? appointment.id : null },
    })),
  ]);
  return toVisit(updated);
}

export function toVisit(row: { id: string; status: AppointmentStatus; statusChangedAt: Date | string; currentRoomId: string | null; medicalAssistantId: string | null; version: number }) {
  return {
    id: row.id,
    status: row.status,
    statusChangedAt: new Date(row.statusChangedAt).toISOString(),
    currentRoomId: row.currentRoomId,
    medicalAssistantId: row.medicalAssistantId,
    version: row.version,
  };
}

/** Moves a visit to the status the client asked for, if it has not changed since the client saw it. */
export async function changeVisitStatus(
  db: Kysely<Database>,
  context: FlowContext,
  appointmentId: string,
  input: { to: AppointmentStatus; version: number; roomId?: string | undefined; note?: string | undefined },
) {
  return db.transaction().execute(async (trx) => {
    const appointment = await lockVisit(trx, context, appointmentId, input.version);
    return moveVisit(trx, context, appointment, input.to, { roomId: input.roomId, note: input.note });
  });
}
