import { z } from 'zod';
import { isoDate } from './patient.contract.js';

export const patientMessageStatuses = ['scheduled', 'sent', 'failed', 'cancelled', 'skipped-no-consent'] as const;

export const outboxQuerySchema = z.object({
  status: z.enum(patientMessageStatuses).optional(),
  date: isoDate.optional(),
  appointmentId: z.uuid('Not an appointment id.').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const patientMessageSchema = z.object({
  id: z.string(),
  appointmentId: z.string().nullable(),
  patientId: z.string(),
  channel: z.enum(['sms', 'email']),
  language: z.enum(['en', 'es']),
  recipient: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  scheduledFor: z.string(),
  status: z.enum(patientMessageStatuses),
  attempts: z.number(),
  sentAt: z.string().nullable(),
  error: z.string().nullable(),
  transport: z.enum(['smtp', 'dev-sink']).nullable(),
});
export type PatientMessage = z.infer<typeof patientMessageSchema>;
export const outboxSchema = z.object({ messages: z.array(patientMessageSchema) });

export const confirmationAnswerSchema = z.strictObject({ action: z.enum(['confirm', 'cancel'], 'Choose confirm or cancel.') });
