import { z } from 'zod';
import { visitSchema } from './flow.contract.js';

export const copayMethods = ['cash', 'card', 'check'] as const;

export const checkInRequestSchema = z.strictObject({
  version: z.number({ error: 'Send the version you are changing.' }).int().positive(),
  demographicsVerified: z.boolean(),
  insuranceCardVerified: z.boolean(),
  copay: z
    .strictObject({
      amountCents: z.number().int().min(1, 'Enter the amount collected.').max(10_000_000, 'That amount is too large for a copay.'),
      method: z.enum(copayMethods, 'Choose cash, card or check.'),
    })
    .optional(),
});
export type CheckInRequest = z.infer<typeof checkInRequestSchema>;

export const checkInSchema = z.object({
  arrivedAt: z.string(),
  demographicsVerifiedAt: z.string().nullable(),
  demographicsVerifiedBy: z.string().nullable(),
  insuranceCardVerifiedAt: z.string().nullable(),
  insuranceCardVerifiedBy: z.string().nullable(),
  intakeStatus: z.enum(['not-started', 'sent', 'in-progress', 'complete']),
});

export const copayPaymentSchema = z.object({
  id: z.string(),
  amountCents: z.number(),
  method: z.enum(copayMethods),
  receiptNumber: z.string(),
  collectedAt: z.string(),
  receiptUrl: z.string(),
});

export const checkInResponseSchema = z.object({ visit: visitSchema, checkIn: checkInSchema, copay: copayPaymentSchema.nullable() });
export type CheckInResponse = z.infer<typeof checkInResponseSchema>;

export const copayPaymentParamsSchema = z.object({ paymentId: z.uuid('Not a payment id.') });
