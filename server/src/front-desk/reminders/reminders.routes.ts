import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { confirmationAnswerSchema, outboxQuerySchema, outboxSchema } from '../../../../contracts/front-desk/reminders.contract.js';
import { recordAudit } from '../../platform/index.js';
import { answerConfirmationLink, openConfirmationLink, type LinkOutcome } from './confirmation-link.js';
import { renderConfirmationPage } from './confirmation-page.js';

const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'Not a link token.') });
const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null);

const statusOf = (outcome: LinkOutcome) => (outcome.kind === 'unknown' ? 404 : outcome.kind === 'spent' ? 410 : outcome.kind === 'not-booked' ? 409 : 200);

/** The patient-message outbox (the dev sink staff read in the app) and the patients' one-time confirmation links. */
export async function reminderRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.get('/api/reminders/outbox', {
    config: { policy: 'reminders.view-outbox' },
    schema: { querystring: outboxQuerySchema, response: { 200: outboxSchema } },
  }, async (request) => {
    const organizationId = request.actor!.organizationId;
    const { status, date, appointmentId, limit } = request.query;
    let query = app.db
      .selectFrom('patientMessages as m')
      .leftJoin('appointments as a', 'a.id', 'm.appointmentId')
      .leftJoin('locations as l', 'l.id', 'a.locationId')
      .selectAll('m')
      .where('m.organizationId', '=', organizationId)
      .orderBy('m.scheduledFor', 'desc')
      .limit(limit);
    if (status) query = query.where('m.status', '=', status);
    if (appointmentId) query = query.where('m.appointmentId', '=', appointmentId);
    if (date) query = query.where(sql<string>`(m.scheduled_for at time zone coalesce(l.time_zone, 'UTC'))::date`, '=', date);
    const rows = await query.execute();
    await recordAudit(app.db, { ...request.auditContext(), organizationId }, { action: 'read', recordType: 'PatientMessage', details: { messageIds: rows.map((row) => row.id) } });
    return {
      messages: rows.map((row) => ({
        id: row.id, appointmentId: row.appointmentId, patientId: row.patientId, channel: row.channel, language: row.language,
        recipient: row.recipient, subject: row.subject, body: row.body, scheduledFor: iso(row.scheduledFor)!, status: row.status,
        attempts: row.attempts, sentAt: iso(row.sentAt), error: row.error, transport: row.transport,
      })),
    };
  });

  const page = (token: string, outcome: LinkOutcome) => renderConfirmationPage(outcome, `/confirm/${token}`);

  app.get('/confirm/:token', {
    config: { policy: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { params: tokenParams },
  }, async (request, reply) => {
    const outcome = await openConfirmationLink(app.db, request.params.token);
    return reply.status(statusOf(outcome)).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(page(request.params.token, outcome));
  });

  app.post('/confirm/:token', {
    config: { policy: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { params: tokenParams, body: confirmationAnswerSchema },
  }, async (request, reply) => {
    const outcome = await answerConfirmationLink(app.db, { clientAddress: request.ip, requestId: String(request.id) }, request.params.token, request.body.action);
    return reply.status(statusOf(outcome)).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(page(request.params.token, outcome));
  });
}
