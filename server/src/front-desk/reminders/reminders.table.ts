import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export const messageChannels = ['sms', 'email'] as const;
export type MessageChannel = (typeof messageChannels)[number];
export const messageLanguages = ['en', 'es'] as const;
export type MessageLanguage = (typeof messageLanguages)[number];
export const patientMessageStatuses = ['scheduled', 'sent', 'failed', 'cancelled', 'skipped-no-consent'] as const;
export type PatientMessageStatus = (typeof patientMessageStatuses)[number];
export type MessageTransport = 'smtp' | 'dev-sink';

export interface MessageTemplatesTable {
  id: Generated<string>;
  organizationId: string;
  kind: 'appointment-reminder';
  channel: MessageChannel;
  language: MessageLanguage;
  subject: Generated<string>;
  body: string;
  version: Generated<number>;
  updatedAt: Generated<Date>;
}

export interface PatientMessagesTable {
  id: Generated<string>;
  organizationId: string;
  appointmentId: string | null;
  patientId: string;
  kind: Generated<'appointment-reminder' | 'after-visit-summary'>;
  channel: MessageChannel;
  language: MessageLanguage;
  recipient: string | null;
  subject: Generated<string>;
  body: Generated<string>;
  scheduledFor: Date | string;
  status: Generated<PatientMessageStatus>;
  attempts: Generated<number>;
  sentAt: Date | string | null;
  error: string | null;
  transport: MessageTransport | null;
  createdAt: CreatedAt;
  updatedAt: Generated<Date>;
}

export interface AppointmentConfirmationTokensTable {
  tokenHash: string;
  organizationId: string;
  appointmentId: string;
  patientMessageId: string | null;
  expiresAt: Date | string;
  usedAt: Date | string | null;
  action: 'confirm' | 'cancel' | null;
  createdAt: CreatedAt;
}
