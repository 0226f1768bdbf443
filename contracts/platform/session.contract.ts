import { z } from 'zod';

export const roleSchema = z.enum(['front-desk', 'medical-assistant', 'nurse', 'provider', 'biller', 'manager', 'admin']);
export type StaffRole = z.infer<typeof roleSchema>;

export const roleLabels: Record<StaffRole, string> = {
  'front-desk': 'Front desk',
  'medical-assistant': 'Medical assistant',
  nurse: 'Nurse',
  provider: 'Provider',
  biller: 'Biller',
  manager: 'Practice manager',
  admin: 'Administrator',
};

export const signInRequestSchema = z.strictObject({
  username: z.string().trim().min(1, 'Enter your username.').max(64),
  password: z.string().min(1, 'Enter your password.').max(256),
  totpCode: z
    .string()
    .regex(/^\d{6}$/, 'The code is 6 digits.')
    .optional(),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const sessionViewSchema = z.object({
  staffMember: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    credentials: z.string(),
    roles: z.array(roleSchema),
    organizationId: z.string(),
    organizationName: z.string(),
    secondFactorEnabled: z.boolean(),
  }),
  csrfToken: z.string(),
  inactivityTimeoutMinutes: z.number(),
  secondFactorSetupRequired: z.boolean(),
  /** Policy actions this person may perform, so the app shows only what they can do. */
  allowedActions: z.array(z.string()),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

export const secondFactorSetupSchema = z.object({ secret: z.string(), otpauthUri: z.string() });
export const secondFactorConfirmSchema = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'The code is 6 digits.') });
