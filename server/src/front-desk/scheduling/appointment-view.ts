import type { Appointment } from '../../../../contracts/front-desk/scheduling.contract.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { AppointmentRow } from './scheduling.repository.js';

/** Who is booking: the request's audit context plus the organization and the staff member (null for a system client). */
export type SchedulingContext = AuditContext & { organizationId: string; staffMemberId: string | null };

const iso = (value: Date | string) => new Date(value).toISOString();

export function toAppointmentView(row: AppointmentRow): Appointment {
  return {
    id: row.id,
    locationId: row.locationId,
    patientId: row.patientId,
    providerId: row.providerId,
    roomId: row.roomId,
    appointmentTypeId: row.appointmentTypeId,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    status: row.status,
    reasonForVisit: row.reasonForVisit,
    isOverbook: row.isOverbook,
    overbookReason: row.overbookReason,
    isOutsideTemplate: row.isOutsideTemplate,
    isWalkIn: row.isWalkIn,
    telehealthJoinUrl: row.telehealthJoinUrl,
    seriesId: row.seriesId,
    rescheduledFromId: row.rescheduledFromId,
    cancellationReason: row.cancellationReason,
    cancellationNote: row.cancellationNote,
    source: row.source,
    version: row.version,
  };
}
