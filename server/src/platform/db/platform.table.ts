import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type StaffRole = 'front-desk' | 'medical-assistant' | 'nurse' | 'provider' | 'biller' | 'manager' | 'admin';
export type ClientRole = 'integration';
export type Role = StaffRole | ClientRole;

export interface OpeningHours {
  weekday: number;
  opens: string;
  closes: string;
}

export interface OrganizationsTable {
  id: Generated<string>;
  name: string;
  createdAt: CreatedAt;
}

export interface OrganizationSettingsTable {
  organizationId: string;
  inactivityTimeoutMinutes: Generated<number>;
  lockoutThreshold: Generated<number>;
  lockoutMinutes: Generated<number>;
  secondFactorRequiredRoles: Generated<string[]>;
  noShowAfterMinutes: Generated<number>;
  flowAmberMinutes: Generated<number>;
  flowRedMinutes: Generated<number>;
  /** Minutes before an appointment's start at which reminders go out (default 48 h and 2 h). */
  reminderOffsetsMinutes: Generated<number[]>;
  confirmationLinkValidHours: Generated<number>;
  /** Minutes an unacknowledged critical-vital alert waits before it escalates (default 5). */
  criticalAlertEscalateMinutes: Generated<number>;
  /** The clinic's vital-sign thresholds (null: the defaults in exam-room/vitals/thresholds.ts). */
  vitalThresholds: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  version: Generated<number>;
  updatedAt: Generated<Date>;
}

export interface LocationsTable {
  id: Generated<string>;
  organizationId: string;
  name: string;
  addressLine1: Generated<string>;
  addressLine2: Generated<string>;
  city: Generated<string>;
  state: Generated<string>;
  postalCode: Generated<string>;
  phone: Generated<string>;
  timeZone: string;
  openingHours: JSONColumnType<OpeningHours[], string | undefined, string>;
  isActive: Generated<boolean>;
  version: Generated<number>;
  createdAt: CreatedAt;
}

export interface ExamRoomsTable {
  id: Generated<string>;
  organizationId: string;
  locationId: string;
  name: string;
  displayOrder: Generated<number>;
  isActive: Generated<boolean>;
  version: Generated<number>;
  state: Generated<'ready' | 'occupied' | 'needs-cleaning' | 'out-of-service'>;
  currentAppointmentId: string | null;
  stateChangedAt: Generated<Date>;
}

export interface StaffMembersTable {
  id: Generated<string>;
  organizationId: string;
  username: string;
  displayName: string;
  credentials: Generated<string>;
  roles: StaffRole[];
  passwordHash: string;
  totpSecret: string | null;
  totpEnabled: Generated<boolean>;
  failedSignInCount: Generated<number>;
  lockedUntil: Date | null;
  homeLocationId: string | null;
  npi: string | null;
  isActive: Generated<boolean>;
  version: Generated<number>;
  createdAt: CreatedAt;
}

export interface StaffSessionsTable {
  id: Generated<string>;
  organizationId: string;
  staffMemberId: string;
  tokenHash: string;
  csrfToken: string;
  secondFactorPassed: boolean;
  clientAddress: Generated<string>;
  createdAt: CreatedAt;
  lastSeenAt: Timestamp;
  endedAt: Date | null;
  endReason: string | null;
}

export interface OauthClientsTable {
  id: Generated<string>;
  organizationId: string;
  clientId: string;
  secretHash: string;
  name: string;
  roles: ClientRole[];
  allowedScopes: string[];
  isActive: Generated<boolean>;
  createdAt: CreatedAt;
}

export interface AccessTokensTable {
  tokenHash: string;
  organizationId: string;
  oauthClientId: string;
  scopes: string[];
  issuedAt: CreatedAt;
  expiresAt: Date;
}

export interface AuditEventsTable {
  id: Generated<number>;
  organizationId: string | null;
  occurredAt: Timestamp;
  actorKind: 'staff' | 'client' | 'anonymous' | 'system';
  actorId: string | null;
  actorName: string;
  actorRoles: string[];
  action: string;
  outcome: 'success' | 'refused' | 'failure';
  recordType: string | null;
  recordId: string | null;
  patientId: string | null;
  clientAddress: string;
  reason: string | null;
  requestId: string | null;
  details: JSONColumnType<Record<string, unknown>, string, string>;
  contentHash: string;
  chainPosition: number | null;
  previousHash: string | null;
  entryHash: string | null;
}

export interface AuditChainHeadTable {
  singleton: boolean;
  lastPosition: number;
  lastHash: string;
}

export interface DisclosuresTable {
  id: Generated<string>;
  organizationId: string;
  patientId: string;
  disclosedAt: Date | string;
  recipient: string;
  description: string;
  purpose: string;
  recordedBy: string;
  createdAt: CreatedAt;
}

export interface ManagerAlertsTable {
  id: Generated<string>;
  organizationId: string;
  kind: string;
  message: string;
  patientId: string | null;
  staffMemberId: string | null;
  createdAt: CreatedAt;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}
