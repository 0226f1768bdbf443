import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export const appointmentStatuses = [
  'scheduled', 'arrived', 'roomed', 'ready-for-provider', 'with-provider', 'checkout', 'done',
  'no-show', 'cancelled', 'left-without-being-seen', 'entered-in-error',
] as const;
export type AppointmentStatus = (typeof appointmentStatuses)[number];
export type VisitKind = 'CHECKUP' | 'EMERGENCY' | 'FOLLOWUP' | 'ROUTINE' | 'WALKIN';
export type RoomState = 'ready' | 'occupied' | 'needs-cleaning' | 'out-of-service';

export interface AppointmentTypesTable {
  id: Generated<string>;
  organizationId: string;
  name: string;
  durationMinutes: number;
  isNewPatient: Generated<boolean>;
  isTelehealth: Generated<boolean>;
  visitKind: Generated<VisitKind>;
  color: Generated<string>;
  bookableByRoles: Generated<string[]>;
  isActive: Generated<boolean>;
  version: Generated<number>;
  createdAt: CreatedAt;
}

export interface ScheduleTemplatesTable {
  id: Generated<string>;
  organizationId: string;
  locationId: string;
  providerId: string;
  /** 0 = Sunday … 6 = Saturday, as JavaScript counts them. */
  weekday: number;
  /** 'HH:MM' or 'HH:MM:SS' in the location's time zone. */
  startsAtLocal: string;
  endsAtLocal: string;
  slotMinutes: number;
  appointmentTypeIds: string[];
  label: Generated<string>;
  isSameDayHold: Generated<boolean>;
  effectiveFrom: string;
  effectiveUntil: string | null;
  version: Generated<number>;
}

export interface ScheduleExceptionsTable {
  id: Generated<string>;
  organizationId: string;
  locationId: string | null;
  providerId: string | null;
  kind: 'vacation' | 'meeting' | 'closure' | 'other';
  startsAt: Date | string;
  endsAt: Date | string;
  reason: Generated<string>;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface AppointmentSeriesTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  frequency: 'daily' | 'weekly' | 'monthly';
  intervalCount: Generated<number>;
  occurrences: number;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface AppointmentsTable {
  id: Generated<string>;
  organizationId: string;
  locationId: string;
  patientId: string;
  providerId: string;
  roomId: string | null;
  appointmentTypeId: string | null;
  startsAt: Date | string;
  endsAt: Date | string;
  status: Generated<AppointmentStatus>;
  statusChangedAt: Generated<Date>;
  reasonForVisit: Generated<string>;
  isOverbook: Generated<boolean>;
  overbookReason: string | null;
  isOutsideTemplate: Generated<boolean>;
  isWalkIn: Generated<boolean>;
  telehealthJoinUrl: string | null;
  seriesId: string | null;
  rescheduledFromId: string | null;
  cancellationReason: string | null;
  cancellationNote: string | null;
  currentRoomId: string | null;
  medicalAssistantId: string | null;
  followUpOfId: string | null;
  source: Generated<'app' | 'fhir' | 'walk-in' | 'waitlist' | 'follow-up' | 'series'>;
  bookedBy: string | null;
  bookedByClient: string | null;
  version: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface AppointmentStatusChangesTable {
  id: Generated<number>;
  organizationId: string;
  appointmentId: string;
  fromStatus: AppointmentStatus | null;
  toStatus: AppointmentStatus;
  changedAt: Generated<Date>;
  changedBy: string | null;
  changedByClient: string | null;
  roomId: string | null;
  note: string | null;
}

export interface CheckInsTable {
  appointmentId: string;
  organizationId: string;
  arrivedAt: Date | string;
  demographicsVerifiedAt: Date | string | null;
  demographicsVerifiedBy: string | null;
  insuranceCardVerifiedAt: Date | string | null;
  insuranceCardVerifiedBy: string | null;
  intakeStatus: Generated<'not-started' | 'sent' | 'in-progress' | 'complete'>;
  version: Generated<number>;
}

export interface CopayPaymentsTable {
  id: Generated<string>;
  organizationId: string;
  appointmentId: string;
  patientId: string;
  amountCents: number;
  method: 'cash' | 'card' | 'check';
  receiptNumber: string;
  collectedBy: string;
  collectedAt: Generated<Date>;
}

export interface WaitlistEntriesTable {
  id: Generated<string>;
  organizationId: string;
  locationId: string;
  patientId: string;
  providerId: string | null;
  appointmentTypeId: string;
  earliestDate: string;
  latestDate: string;
  notes: Generated<string>;
  status: Generated<'waiting' | 'offered' | 'booked' | 'removed'>;
  offeredStartsAt: Date | null;
  offeredProviderId: string | null;
  offeredAt: Date | null;
  bookedAppointmentId: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  version: Generated<number>;
}
