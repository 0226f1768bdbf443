import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { publishLiveEvent, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { moveVisit, type FlowContext } from '../flow/move-visit.js';
import { lockAppointment } from '../scheduling/index.js';
import { hashConfirmationToken } from './reminder-worker.js';
import { messageLanguageFor } from './schedule-reminders.js';

export type LinkOutcome =
  | { kind: 'unknown' }
  | { kind: 'spent'; language: 'en' | 'es'; clinicName: string; clinicPhone: string }
  | { kind: 'not-booked'; language: 'en' | 'es'; clinicName: string; clinicPhone: string }
  | { kind: 'open' | 'confirmed' | 'cancelled'; language: 'en' | 'es'; clinicName: string; clinicPhone: string; date: string; time: string; providerName: string };

async function findLink(db: Kysely<Database>, token: string, lock: boolean) {
  let query = db
    .selectFrom('appointmentConfirmationTokens as t')
    .innerJoin('appointments as a', 'a.id', 't.appointmentId')
    .innerJoin('patients as p', 'p.id', 'a.patientId')
    .innerJoin('locations as l', 'l.id', 'a.locationId')
    .innerJoin('organizations as o', 'o.id', 'a.organizationId')
    .innerJoin('staffMembers as s', 's.id', 'a.providerId')
    .select([
      't.tokenHash', 't.organizationId', 't.appointmentId', 't.expiresAt', 't.usedAt', 'a.status', 'a.startsAt', 'a.locationId', 'a.patientId',
      'p.preferredLanguage', 'l.timeZone', 'l.phone as clinicPhone', 'o.name as clinicName', 's.displayName as providerName',
    ])
    .where('t.tokenHash', '=', hashConfirmationToken(token));
  if (lock) query = query.forUpdate('t');
  return query.executeTakeFirst();
}

function describe(link: NonNullable<Awaited<ReturnType<typeof findLink>>>) {
  const language = messageLanguageFor(link.preferredLanguage);
  const local = DateTime.fromJSDate(new Date(link.startsAt), { zone: link.timeZone }).setLocale(language === 'es' ? 'es-US' : 'en-US');
  return {
    language,
    clinicName: link.clinicName,
    clinicPhone: link.clinicPhone,
    date: local.toLocaleString({ weekday: 'long', month: 'long', day: 'numeric' }),
    time: local.toLocaleString(DateTime.TIME_SIMPLE),
    providerName: link.providerName,
  };
}

function isSpent(link: { usedAt: Date | string | null; expiresAt: Date | string }, now: Date) {
  return link.usedAt !== null || new Date(link.expiresAt) <= now;
}

/** What the patient's reminder link shows: the visit, or why the link no longer works. */
export async function openConfirmationLink(db: Kysely<Database>, token: string, now = new Date()): Promise<LinkOutcome> {
  const link = await findLink(db, token, false);
  if (!link) return { kind: 'unknown' };
  const view = describe(link);
  if (isSpent(link, now)) return { kind: 'spent', language: view.language, clinicName: view.clinicName, clinicPhone: view.clinicPhone };
  if (link.status !== 'scheduled') return { kind: 'not-booked', language: view.language, clinicName: view.clinicName, clinicPhone: view.clinicPhone };
  return { kind: 'open', ...view };
}

/**
 * The patient confirms or cancels their visit through the one-time link in a reminder. The link
 * works once and expires; cancelling cancels the appointment (audited with actor "patient link").
 */
export async function answerConfirmationLink(
  db: Kysely<Database>,
  request: { clientAddress: string; requestId: string },
  token: string,
  action: 'confirm' | 'cancel',
  now = new Date(),
): Promise<LinkOutcome> {
  return db.transaction().execute(async (trx) => {
    const link = await findLink(trx, token, true);
    if (!link) return { kind: 'unknown' } as const;
    const view = describe(link);
    const short = { language: view.language, clinicName: view.clinicName, clinicPhone: view.clinicPhone };
    if (isSpent(link, now)) return { kind: 'spent', ...short } as const;
    const appointment = await lockAppointment(trx, link.organizationId, link.appointmentId);
    if (!appointment || appointment.status !== 'scheduled') return { kind: 'not-booked', ...short } as const;
    const context: FlowContext = { actor: null, organizationId: link.organizationId, clientAddress: request.clientAddress, requestId: request.requestId, staffMemberId: null, roles: [] };
    await trx.updateTable('appointmentConfirmationTokens').set({ usedAt: now, action }).where('tokenHash', '=', link.tokenHash).execute();
    if (action === 'cancel') {
      await moveVisit(trx, context, appointment, 'cancelled', {
        skipTeamCheck: true,
        note: 'Cancelled by the patient through the reminder link.',
        extra: { cancellationReason: 'pat-cpp', cancellationNote: 'Cancelled by the patient through the reminder link.' },
      });
      await recordAudit(trx, context, { action: 'update', recordType: 'Appointment', recordId: appointment.id, patientId: appointment.patientId, reason: 'patient link', details: { actor: 'patient link', answer: 'cancel' } });
      return { kind: 'cancelled', ...view } as const;
    }
    await recordAudit(trx, context, { action: 'update', recordType: 'Appointment', recordId: appointment.id, patientId: appointment.patientId, reason: 'patient link', details: { actor: 'patient link', answer: 'confirm' } });
    await publishLiveEvent(trx, { organizationId: link.organizationId, topic: `flow-board:${link.locationId}`, type: 'appointment.confirmed', payload: { appointmentId: appointment.id, status: appointment.status } });
    return { kind: 'confirmed', ...view } as const;
  });
}
