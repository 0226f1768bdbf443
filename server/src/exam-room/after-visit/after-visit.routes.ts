import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  afterVisitEncounterParamsSchema,
  afterVisitSummaryParamsSchema,
  afterVisitSummaryResponseSchema,
  afterVisitTemplateParamsSchema,
  afterVisitTemplateResponseSchema,
  afterVisitTemplatesQuerySchema,
  afterVisitTemplatesResponseSchema,
  createAfterVisitSummaryRequestSchema,
  createAfterVisitTemplateRequestSchema,
  updateAfterVisitTemplateRequestSchema,
} from '../../../../contracts/exam-room/after-visit.js';
import { smtpSender } from '../../front-desk/reminders/index.js';
import { createAfterVisitSummary, printAfterVisitSummary, startAfterVisitWorker } from './after-visit-summaries.js';
import { ensureDefaultAfterVisitTemplates, findTemplates, hasAnyTemplate } from './after-visit-templates.repository.js';
import { createAfterVisitTemplate, editAfterVisitTemplate, toTemplateView, type AfterVisitContext } from './edit-after-visit-templates.js';

function afterVisitContext(request: FastifyRequest): AfterVisitContext {
  const actor = request.actor!;
  return { ...request.auditContext(), organizationId: actor.organizationId, staffMemberId: actor.kind === 'staff' ? actor.id : null };
}

/** Reads the version a client is changing from `If-Match: W/"3"` (or `"3"`). */
function versionFromIfMatch(header: string | undefined): number | undefined {
  const match = header ? /^(?:W\/)?"?(\d+)"?$/.exec(header.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

/** After-visit instructions: the clinic's templates (English and Spanish), the summary PDF, printed or sent through the outbox. */
export async function afterVisitRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.get('/api/after-visit-templates', {
    config: { policy: 'after-visit-template.read' },
    schema: { querystring: afterVisitTemplatesQuerySchema, response: { 200: afterVisitTemplatesResponseSchema } },
  }, async (request) => {
    const { organizationId } = afterVisitContext(request);
    // a clinic that has never had templates starts with the defaults
    if (!(await hasAnyTemplate(app.db, organizationId))) await ensureDefaultAfterVisitTemplates(app.db, organizationId);
    const rows = await findTemplates(app.db, organizationId, { ...request.query, includeInactive: request.query.includeInactive === 'true' });
    return { templates: rows.map(toTemplateView) };
  });

  app.post('/api/after-visit-templates', {
    config: { policy: 'after-visit-template.edit' },
    schema: { body: createAfterVisitTemplateRequestSchema, response: { 201: afterVisitTemplateResponseSchema } },
  }, async (request, reply) => reply.code(201).send({ template: await createAfterVisitTemplate(app.db, afterVisitContext(request), request.body) }));

  app.put('/api/after-visit-templates/:templateId', {
    config: { policy: 'after-visit-template.edit' },
    schema: { params: afterVisitTemplateParamsSchema, body: updateAfterVisitTemplateRequestSchema, response: { 200: afterVisitTemplateResponseSchema } },
  }, async (request) => {
    const version = request.body.version ?? versionFromIfMatch(request.headers['if-match']);
    return { template: await editAfterVisitTemplate(app.db, afterVisitContext(request), request.params.templateId, { ...request.body, version }) };
  });

  app.post('/api/encounters/:encounterId/after-visit-summary', {
    config: { policy: 'after-visit-summary.create' },
    schema: { params: afterVisitEncounterParamsSchema, body: createAfterVisitSummaryRequestSchema, response: { 201: afterVisitSummaryResponseSchema } },
  }, async (request, reply) => reply.code(201).send(await createAfterVisitSummary(app.db, afterVisitContext(request), request.params.encounterId, request.body)));

  app.get('/api/after-visit-summaries/:summaryId/pdf', {
    config: { policy: 'after-visit-summary.print' },
    schema: { params: afterVisitSummaryParamsSchema },
  }, async (request, reply) => {
    const pdf = await printAfterVisitSummary(app.db, afterVisitContext(request), request.params.summaryId);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="after-visit-summary-${request.params.summaryId}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });

  const config = app.config;
  const stop = startAfterVisitWorker(
    app.db,
    { intervalMs: config.reminderIntervalMs, smtp: config.smtpUrl ? smtpSender(config.smtpUrl, config.smtpFrom) : undefined },
    (error) => app.log.error({ err: { name: (error as Error).name, code: (error as { code?: string }).code } }, 'after-visit outbox round failed'),
  );
  app.addHook('onClose', async () => stop());
}
