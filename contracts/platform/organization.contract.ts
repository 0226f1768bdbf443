import { z } from 'zod';
import { roleSchema } from './session.contract.js';

export const organizationViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  settings: z.object({
    inactivityTimeoutMinutes: z.number(),
    lockoutThreshold: z.number(),
    lockoutMinutes: z.number(),
    secondFactorRequiredRoles: z.array(z.string()),
    version: z.number(),
  }),
  locations: z.array(z.object({
    id: z.string(),
    name: z.string(),
    addressLine1: z.string(),
    city: z.string(),
    state: z.string(),
    postalCode: z.string(),
    phone: z.string(),
    timeZone: z.string(),
    examRooms: z.array(z.object({ id: z.string(), name: z.string(), isActive: z.boolean() })),
  })),
});

export const updateSettingsSchema = z.strictObject({
  inactivityTimeoutMinutes: z.number().int().min(1, 'At least 1 minute.').max(720, 'At most 12 hours.'),
  lockoutThreshold: z.number().int().min(1).max(100),
  lockoutMinutes: z.number().int().min(1).max(1440),
  secondFactorRequiredRoles: z.array(roleSchema),
  /** Flow board: minutes in one status before amber and red, and minutes past the start before a no-show is suggested. */
  flowAmberMinutes: z.number().int().min(1).max(240).optional(),
  flowRedMinutes: z.number().int().min(1).max(480).optional(),
  noShowAfterMinutes: z.number().int().min(1).max(240).optional(),
  /** Reminders: minutes before the start at which each goes out (e.g. [2880, 120] = 48 h and 2 h). */
  reminderOffsetsMinutes: z.array(z.number().int().min(15, 'At least 15 minutes before.').max(20_160, 'At most 14 days before.')).max(5, 'At most five reminders.').optional(),
  confirmationLinkValidHours: z.number().int().min(1).max(720).optional(),
  version: z.number().int().positive(),
});

export const staffDirectoryEntrySchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  credentials: z.string(),
  roles: z.array(z.string()),
  isActive: z.boolean(),
  isLocked: z.boolean(),
  secondFactorEnabled: z.boolean(),
});

export const createStaffMemberSchema = z.strictObject({
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9._-]{2,64}$/, 'Letters, digits, dot, dash or underscore (2–64).'),
  displayName: z.string().trim().min(2, 'Enter the person’s name.').max(200),
  credentials: z.string().trim().max(40).default(''),
  roles: z.array(roleSchema).min(1, 'Give at least one role.'),
  password: z.string().min(12, 'Use at least 12 characters.').max(256),
  npi: z.string().regex(/^\d{10}$/, 'An NPI is 10 digits.').optional(),
});
