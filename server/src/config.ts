import path from 'node:path';
import { z } from 'zod';

const environmentSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['true', 'false']).default('true'),
  DEMO_PATIENTS: z.coerce.number().int().min(0).default(500),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().default('Medassist <no-reply@medassist.invalid>'),
  PUBLIC_BASE_URL: z.string().optional(),
  REMINDER_INTERVAL_MS: z.coerce.number().int().min(0).default(5000),
  VITAL_ALERT_ESCALATION_INTERVAL_MS: z.coerce.number().int().min(0).default(15000),
});

export interface Config {
  host: string;
  port: number;
  /** PostgreSQL connection string; when absent the embedded PGlite database under dataDir is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  seedDemo: boolean;
  demoPatients: number;
  cookieSecure: boolean;
  auditSealIntervalMs: number;
  /** smtp(s)://user:pass@host:port for patient email; when absent, messages go to the in-app dev sink. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Where patients reach the server (for the links in reminders). */
  publicBaseUrl: string;
  /** How often the reminder worker looks for due messages; 0 turns it off. */
  reminderIntervalMs: number;
  /** How often unacknowledged critical-vital alerts are checked for escalation; 0 turns it off. */
  vitalAlertEscalationIntervalMs: number;
  /** Folder of the built web app, served at `/`. */
  webRoot: string;
}

/** Reads the environment once; the result is frozen and passed down, never read globally. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = environmentSchema.parse(environment);
  return Object.freeze({
    host: parsed.HOST,
    port: parsed.PORT,
    databaseUrl: parsed.DATABASE_URL || undefined,
    dataDir: path.resolve(parsed.DATA_DIR),
    logLevel: parsed.LOG_LEVEL,
    seedDemo: parsed.SEED_DEMO === 'true',
    demoPatients: parsed.DEMO_PATIENTS,
    cookieSecure: parsed.COOKIE_SECURE === 'true',
    auditSealIntervalMs: parsed.AUDIT_SEAL_INTERVAL_MS,
    smtpUrl: parsed.SMTP_URL || undefined,
    smtpFrom: parsed.SMTP_FROM,
    publicBaseUrl: (parsed.PUBLIC_BASE_URL || `http://${parsed.HOST}:${parsed.PORT}`).replace(/\/$/, ''),
    reminderIntervalMs: parsed.REMINDER_INTERVAL_MS,
    vitalAlertEscalationIntervalMs: parsed.VITAL_ALERT_ESCALATION_INTERVAL_MS,
    webRoot: path.resolve('dist/web'),
    ...overrides,
  });
}
