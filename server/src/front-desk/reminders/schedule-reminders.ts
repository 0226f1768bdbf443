import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../../platform/db/schema.js';
import { defaultReminderTemplates, fillTemplate } from './message-templates.js';
import type { MessageChannel, MessageLanguage } from './reminders.table.js';

const DEFAULT_OFFSETS_MINUTES = [2880, 120];

/** Spanish for a patient who prefers Spanish, English otherwise (the two languages with templates). */
export function messageLanguageFor(preferredLanguage: string): MessageLanguage {
  return preferredLanguage.trim().toLowerCase().startsWith('es') ? 'es' : 'en';
}

/**
 * Which channel reaches a patient: text when they consented to texts and have a mobile number,
 * else email when they consented to email and have an address; null when neither (DOMAIN.md §3:
 * consent is stored per channel and honoured).
 */
export function reminderChannelFor(patient: {
  consentToText: boolean;
  consentToEmail: boolean;
  mobilePhone: string;
  email: string;
}): { channel: MessageChannel; recipient: string } | null {
  if (patient.consentToText && patient.mobilePhone.trim()) return { channel: 'sms', recipient: patient.mobilePhone.trim() };
  if (patient.consentToEmail && patient.email.trim()) return { channel: 'email', recipient: patient.email.trim() };
  return null;
}

/**
 * Writes an appointment's reminders into the patient-message outbox, in the caller's transaction:
 * one per configured offset (default 48 h and 2 h before) still in the future, in the patient's
 * language, or 'skipped-no-consent' rows when the patient has not agreed to be contacted.
 * Replaces any reminders still pending for the appointment, so callers use it on booking and on
 * rescheduling alike. Appointments that are not 'scheduled' get none.
 */
export async function scheduleAppointmentReminders(
  trx: Kysely<Database>,
  appointmentId: string,
  now: Date = new Date(),
): Promise<{ scheduled: number; skippedNoConsent: number }> {
  await cancelAppointmentReminders(trx, appointmentId);
  const row = await trx
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patientId')
    .innerJoin('staffMembers as s', 's.id', 'a.providerId')
    .innerJoin('locations as l', 'l.id', 'a.locationId')
    .innerJoin('organizations as o', 'o.id', 'a.organizationId')
    .leftJoin('organizationSettings as os', 'os.organizationId', 'a.organizationId')
    .select([
      'a.id', 'a.organizationId', 'a.patientId', 'a.startsAt', 'a.status',
      'p.givenName', 'p.preferredName', 'p.preferredLanguage', 'p.consentToText', 'p.consentToEmail', 'p.mobilePhone', 'p.email',
      's.displayName as providerName', 'l.timeZone', 'o.name as clinicName', 'os.reminderOffsetsMinutes',
    ])
    .where('a.id', '=', appointmentId)
    .executeTakeFirst();
  if (!row || row.status !== 'scheduled') return { scheduled: 0, skippedNoConsent: 0 };

  const startsAt = new Date(row.startsAt);
  const offsets = row.reminderOffsetsMinutes ?? DEFAULT_OFFSETS_MINUTES;
  const due = [...new Set(offsets)]
    .map((minutes) => new Date(startsAt.getTime() - minutes * 60_000))
    .filter((when) => when.getTime() > now.getTime())
    .sort((a, b) => a.getTime() - b.getTime());
  if (due.length === 0) return { scheduled: 0, skippedNoConsent: 0 };

  const language = messageLanguageFor(row.preferredLanguage);
  const reach = reminderChannelFor(row);
  if (!reach) {
    await trx
      .insertInto('patientMessages')
      .values(due.map((scheduledFor) => ({
        organizationId: row.organizationId, appointmentId, patientId: row.patientId, channel: 'sms' as const, language,
        recipient: null, scheduledFor, status: 'skipped-no-consent' as const,
        error: 'The patient has not consented to texts or email (or has no number or address on file).',
      })))
      .execute();
    return { scheduled: 0, skippedNoConsent: due.length };
  }

  const template =
    (await trx
      .selectFrom('messageTemplates')
      .select(['subject', 'body'])
      .where('organizationId', '=', row.organizationId)
      .where('kind', '=', 'appointment-reminder')
      .where('channel', '=', reach.channel)
      .where('language', '=', language)
      .executeTakeFirst()) ?? defaultReminderTemplates[reach.channel][language];
  const local = DateTime.fromJSDate(startsAt, { zone: row.timeZone }).setLocale(language === 'es' ? 'es-US' : 'en-US');
  const values = {
    patientFirstName: row.preferredName.trim() || row.givenName,
    date: local.toLocaleString({ weekday: 'long', month: 'long', day: 'numeric' }),
    time: local.toLocaleString(DateTime.TIME_SIMPLE),
    providerName: row.providerName,
    clinicName: row.clinicName,
  };
  await trx
    .insertInto('patientMessages')
    .values(due.map((scheduledFor) => ({
      organizationId: row.organizationId, appointmentId, patientId: row.patientId, channel: reach.channel, language,
      recipient: reach.recipient, subject: fillTemplate(template.subject, values), body: fillTemplate(template.body, values), scheduledFor,
    })))
    .execute();
  return { scheduled: due.length, skippedNoConsent: 0 };
}

/**
 * Cancels an appointment's reminders that have not gone out yet and retires its unused
 * confirmation links, in the caller's transaction (on cancel, reschedule, no-show).
 */
export async function cancelAppointmentReminders(trx: Kysely<Database>, appointmentId: string): Promise<{ cancelled: number }> {
  const now = new Date();
  // both in one statement: the links retired by a data-modifying CTE, the messages counted
  const row = await trx
    .with('retiredLinks', (db) => db
      .updateTable('appointmentConfirmationTokens')
      .set({ expiresAt: now })
      .where('appointmentId', '=', appointmentId)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now))
    .with('cancelled', (db) => db
      .updateTable('patientMessages')
      .set({ status: 'cancelled', updatedAt: now })
      .where('appointmentId', '=', appointmentId)
      .where('status', '=', 'scheduled')
      .returning('id'))
    .selectFrom('cancelled')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return { cancelled: Number(row.count) };
}
