import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Database } from '../../platform/db/schema.js';
import { fillTemplate } from './message-templates.js';
import type { MessageChannel, MessageTransport } from './reminders.table.js';
import { startRepeatingRounds } from '../../platform/workers/repeating-rounds.js';

const REMINDER_BATCH = 20;

/** A file sent with an email (an after-visit summary PDF). */
export interface MessageAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The port to the world outside the clinic: something that hands one message to a carrier. */
export interface MessageSender {
  transport: MessageTransport;
  send(message: { channel: MessageChannel; recipient: string; subject: string; body: string; attachments?: MessageAttachment[] }): Promise<void>;
}

/** The local dev sink: the outbox row itself is the delivered message, read in the app. */
export const devSink: MessageSender = { transport: 'dev-sink', send: async () => {} };

/** Email over SMTP with nodemailer. */
export function smtpSender(smtpUrl: string, from: string): MessageSender {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    transport: 'smtp',
    send: async (message) => {
      await transporter.sendMail({ from, to: message.recipient, subject: message.subject, text: message.body, attachments: message.attachments });
    },
  };
}

export interface DeliveryOptions {
  publicBaseUrl: string;
  /** Email goes here when configured; texts (no SMS carrier yet) and everything else go to the dev sink. */
  smtp?: MessageSender | undefined;
  devSink?: MessageSender;
  batchSize?: number;
  now?: Date;
}

const MAX_ATTEMPTS = 3;

/**
 * A send that failed: tried again later (5 minutes more per attempt), failed for good after
 * MAX_ATTEMPTS. Only the carrier's error code is kept: its message can quote the address.
 */
export async function recordDeliveryFailure(
  trx: Kysely<Database>,
  message: { id: string; attempts: number },
  error: unknown,
  transport: MessageTransport,
  now: Date,
): Promise<void> {
  const attempts = message.attempts + 1;
  await trx
    .updateTable('patientMessages')
    .set({
      attempts,
      error: `Delivery failed (${(error as { code?: string }).code ?? (error as Error).name ?? 'error'}).`,
      status: attempts >= MAX_ATTEMPTS ? 'failed' : 'scheduled',
      scheduledFor: new Date(now.getTime() + attempts * 5 * 60_000),
      transport,
      updatedAt: now,
    })
    .where('id', '=', message.id)
    .execute();
}

export function hashConfirmationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Claims one batch of due reminders (`FOR UPDATE SKIP LOCKED`, so concurrent workers never take
 * the same row), gives each a one-time confirmation link, hands it to its carrier and records
 * the outcome, all in one transaction. Reminders of visits no longer booked are cancelled
 * instead. Returns how many rows were settled in this batch.
 */
export async function deliverDueReminders(db: Kysely<Database>, options: DeliveryOptions): Promise<number> {
  const now = options.now ?? new Date();
  const sink = options.devSink ?? devSink;
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('patientMessages')
      .selectAll()
      .where('kind', '=', 'appointment-reminder')
      .where('status', '=', 'scheduled')
      .where('scheduledFor', '<=', now)
      .orderBy('scheduledFor')
      .limit(options.batchSize ?? REMINDER_BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const message of due) {
      const appointment = message.appointmentId
        ? await trx
            .selectFrom('appointments as a')
            .leftJoin('organizationSettings as os', 'os.organizationId', 'a.organizationId')
            .select(['a.id', 'a.status', 'a.startsAt', 'os.confirmationLinkValidHours'])
            .where('a.id', '=', message.appointmentId)
            .executeTakeFirst()
        : undefined;
      if (!appointment || appointment.status !== 'scheduled' || new Date(appointment.startsAt) <= now) {
        await trx
          .updateTable('patientMessages')
          .set({ status: 'cancelled', error: 'The appointment is no longer booked or has started.', updatedAt: now })
          .where('id', '=', message.id)
          .execute();
        continue;
      }
      const token = randomBytes(32).toString('base64url');
      const validUntil = Math.min(new Date(appointment.startsAt).getTime(), now.getTime() + (appointment.confirmationLinkValidHours ?? 168) * 3_600_000);
      const confirmUrl = `${options.publicBaseUrl}/confirm/${token}`;
      const subject = fillTemplate(message.subject, { confirmUrl });
      const body = fillTemplate(message.body, { confirmUrl });
      const sender = message.channel === 'email' && options.smtp ? options.smtp : sink;
      try {
        await sender.send({ channel: message.channel, recipient: message.recipient ?? '', subject, body });
      } catch (error) {
        await recordDeliveryFailure(trx, message, error, sender.transport, now);
        continue;
      }
      await trx
        .insertInto('appointmentConfirmationTokens')
        .values({ tokenHash: hashConfirmationToken(token), organizationId: message.organizationId, appointmentId: appointment.id, patientMessageId: message.id, expiresAt: new Date(validUntil), usedAt: null, action: null })
        .execute();
      await trx
        .updateTable('patientMessages')
        .set({ status: 'sent', sentAt: now, attempts: message.attempts + 1, transport: sender.transport, subject, body, error: null, updatedAt: now })
        .where('id', '=', message.id)
        .execute();
    }
    return due.length;
  });
}

/** Runs the reminder worker every `intervalMs` until stopped (like the audit sealer); a failed round is retried on the next tick. */
export function startReminderWorker(db: Kysely<Database>, options: Omit<DeliveryOptions, 'now'> & { intervalMs: number }, onError: (error: unknown) => void): () => Promise<void> {
  return startRepeatingRounds(() => deliverDueReminders(db, options), { intervalMs: options.intervalMs, batchSize: options.batchSize ?? REMINDER_BATCH }, onError);
}
