import type { Kysely } from 'kysely';
import type { AfterVisitLanguage, AfterVisitSummaryResponse, CreateAfterVisitSummaryRequest } from '../../../../contracts/exam-room/after-visit.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import { devSink, recordDeliveryFailure, type MessageSender } from '../../front-desk/reminders/index.js';
import { renderAfterVisitSummaryPdf } from './after-visit-summary-pdf.js';
import { findSummary } from './after-visit-summary.repository.js';
import type { AfterVisitContext } from './edit-after-visit-templates.js';
import { gatherSummaryContent } from './summary-content.js';
import { startRepeatingRounds } from '../../platform/workers/repeating-rounds.js';

const SUMMARY_BATCH = 10;

const emailWording: Record<AfterVisitLanguage, { subject: string; body: (firstName: string, clinicName: string) => string }> = {
  en: {
    subject: 'Your after-visit summary',
    body: (firstName, clinicName) => `Dear ${firstName},\n\nThank you for your visit today. Your after-visit summary is attached (PDF).\n\nIf you have questions, please call us.\n\n${clinicName}`,
  },
  es: {
    subject: 'Resumen de su visita',
    body: (firstName, clinicName) => `Estimado/a ${firstName}:\n\nGracias por su visita de hoy. Adjuntamos el resumen de su visita (PDF).\n\nSi tiene preguntas, llámenos por teléfono.\n\n${clinicName}`,
  },
};

export const summaryPdfUrl = (summaryId: string) => `/api/after-visit-summaries/${summaryId}/pdf`;

/**
 * Prepares the after-visit summary of an encounter: checks the chosen templates, stores the
 * summary, and for 'outbox' queues one email to the patient (the PDF is attached when it is sent),
 * or a 'skipped-no-consent' row when the patient has not agreed to email. All in one transaction.
 */
export async function createAfterVisitSummary(
  db: Kysely<Database>,
  context: AfterVisitContext,
  encounterId: string,
  input: CreateAfterVisitSummaryRequest,
  now: Date = new Date(),
): Promise<AfterVisitSummaryResponse> {
  return db.transaction().execute(async (trx) => {
    const { header } = await gatherSummaryContent(trx, context.organizationId, { encounterId, language: input.language, templateIds: input.templateIds, instructions: input.instructions, now });
    let messageId: string | null = null;
    if (input.delivery === 'outbox') {
      const canEmail = header.consentToEmail && header.email.trim() !== '';
      const wording = emailWording[input.language];
      const message = await trx
        .insertInto('patientMessages')
        .values({
          organizationId: context.organizationId,
          appointmentId: header.appointmentId,
          patientId: header.patientId,
          kind: 'after-visit-summary',
          channel: 'email',
          language: input.language,
          recipient: canEmail ? header.email.trim() : null,
          subject: wording.subject,
          body: wording.body(header.givenName, header.clinicName),
          scheduledFor: now,
          status: canEmail ? 'scheduled' : 'skipped-no-consent',
          sentAt: null,
          error: null,
          transport: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      messageId = message.id;
    }
    const summary = await trx
      .insertInto('afterVisitSummaries')
      .values({
        organizationId: context.organizationId,
        encounterId: header.id,
        patientId: header.patientId,
        language: input.language,
        templateIds: input.templateIds,
        instructions: input.instructions,
        deliveredBy: input.delivery,
        messageId,
        createdBy: context.staffMemberId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, {
      action: 'create', recordType: 'AfterVisitSummary', recordId: summary.id, patientId: header.patientId,
      details: { encounterId: header.id, delivery: input.delivery, language: input.language, messageId },
    });
    return { id: summary.id, pdfUrl: summaryPdfUrl(summary.id), messageId };
  });
}

/** Renders a stored summary as a PDF from the encounter's current record (an audited print: it carries the patient's name and birth date). */
export async function printAfterVisitSummary(db: Kysely<Database>, context: AfterVisitContext, summaryId: string, now: Date = new Date()): Promise<Buffer> {
  const content = await db.transaction().execute(async (trx) => {
    const summary = await findSummary(trx, context.organizationId, summaryId);
    if (!summary) throw new AppError('NOT_FOUND', { field: 'summaryId' });
    const gathered = await gatherSummaryContent(trx, context.organizationId, { encounterId: summary.encounterId, language: summary.language, templateIds: summary.templateIds, instructions: summary.instructions, now });
    await recordAudit(trx, context, { action: 'print', recordType: 'AfterVisitSummary', recordId: summary.id, patientId: summary.patientId });
    return gathered.content;
  });
  return renderAfterVisitSummaryPdf(content);
}

/**
 * Sends the after-visit summaries waiting in the patient-message outbox, the PDF attached
 * (`FOR UPDATE SKIP LOCKED`, like the reminder worker); a failed send is retried up to three
 * times and records only the carrier's error code. Returns how many rows were settled.
 */
export async function deliverAfterVisitSummaries(db: Kysely<Database>, options: { smtp?: MessageSender | undefined; devSink?: MessageSender; now?: Date; batchSize?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('patientMessages as m')
      .innerJoin('afterVisitSummaries as s', 's.messageId', 'm.id')
      .select(['m.id', 'm.organizationId', 'm.channel', 'm.recipient', 'm.subject', 'm.body', 'm.attempts', 's.id as summaryId', 's.encounterId', 's.language', 's.templateIds', 's.instructions'])
      .where('m.kind', '=', 'after-visit-summary')
      .where('m.status', '=', 'scheduled')
      .where('m.scheduledFor', '<=', now)
      .orderBy('m.scheduledFor')
      .limit(options.batchSize ?? SUMMARY_BATCH)
      .forUpdate('m')
      .skipLocked()
      .execute();
    for (const message of due) {
      const sender = options.smtp ?? options.devSink ?? devSink;
      try {
        const { content } = await gatherSummaryContent(trx, message.organizationId, {
          encounterId: message.encounterId, language: message.language, templateIds: message.templateIds, instructions: message.instructions, now,
        });
        const pdf = await renderAfterVisitSummaryPdf(content);
        await sender.send({
          channel: message.channel, recipient: message.recipient ?? '', subject: message.subject, body: message.body,
          attachments: [{ filename: 'after-visit-summary.pdf', contentType: 'application/pdf', content: pdf }],
        });
      } catch (error) {
        await recordDeliveryFailure(trx, message, error, sender.transport, now);
        continue;
      }
      await trx
        .updateTable('patientMessages')
        .set({ status: 'sent', sentAt: now, attempts: message.attempts + 1, transport: sender.transport, error: null, updatedAt: now })
        .where('id', '=', message.id)
        .execute();
    }
    return due.length;
  });
}

/** Runs the after-visit outbox every `intervalMs` until stopped; a failed round is retried on the next tick. */
export function startAfterVisitWorker(db: Kysely<Database>, options: { intervalMs: number; smtp?: MessageSender | undefined }, onError: (error: unknown) => void): () => Promise<void> {
  return startRepeatingRounds(() => deliverAfterVisitSummaries(db, { smtp: options.smtp }), { intervalMs: options.intervalMs, batchSize: SUMMARY_BATCH }, onError);
}
