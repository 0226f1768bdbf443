import { z } from 'zod';
import { isoDate } from '../front-desk/patient.contract.js';

export const auditQuerySchema = z.strictObject({
  patientId: z.uuid('Choose a patient from the search.').optional(),
  staffMemberId: z.uuid('Choose a staff member.').optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  action: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});

export const auditEntrySchema = z.object({
  id: z.number(),
  occurredAt: z.string(),
  actorKind: z.string(),
  actorName: z.string(),
  actorRoles: z.array(z.string()),
  action: z.string(),
  outcome: z.string(),
  recordType: z.string().nullable(),
  recordId: z.string().nullable(),
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
  clientAddress: z.string(),
  reason: z.string().nullable(),
  sealed: z.boolean(),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
export const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), nextBefore: z.number().nullable() });

export const chainVerificationSchema = z.object({
  ok: z.boolean(),
  sealedEntries: z.number(),
  unsealedEntries: z.number(),
  firstBroken: z.object({ id: z.number(), chainPosition: z.number(), problem: z.string() }).nullable(),
});

export const recordDisclosureSchema = z.strictObject({
  patientId: z.uuid(),
  disclosedAt: z.iso.datetime({ offset: true, message: 'Use a date and time such as 2026-11-24T10:30:00Z.' }),
  recipient: z.string().trim().min(2, 'Name the recipient.').max(300),
  description: z.string().trim().min(2, 'Describe what was disclosed.').max(1000),
  purpose: z.string().trim().min(2, 'State the purpose.').max(500),
});

export const disclosureReportSchema = z.object({
  patientId: z.string(),
  from: z.string(),
  to: z.string(),
  disclosures: z.array(z.object({
    disclosedAt: z.string(),
    recipient: z.string(),
    description: z.string(),
    purpose: z.string(),
    recordedBy: z.string(),
    source: z.enum(['recorded-disclosure', 'system-export']),
  })),
});
