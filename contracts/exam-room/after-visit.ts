import { z } from 'zod';

export const afterVisitLanguages = ['en', 'es'] as const;
export type AfterVisitLanguage = (typeof afterVisitLanguages)[number];
export const afterVisitTemplateKinds = ['diagnosis', 'procedure', 'general'] as const;
export const afterVisitDeliveries = ['print', 'outbox'] as const;

const language = z.enum(afterVisitLanguages, 'Choose English or Spanish.');
const version = z.number('Send the version you are changing.').int().min(1);

/** A template keyed by an ICD-10-CM code (kind diagnosis, e.g. J06.9), a procedure key (e.g. influenza-vaccine) or 'general'. */
export const afterVisitTemplateSchema = z.object({
  id: z.string(),
  kind: z.enum(afterVisitTemplateKinds),
  key: z.string(),
  language,
  title: z.string(),
  body: z.string(),
  isActive: z.boolean(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string(),
  version: z.number(),
});
export type AfterVisitTemplate = z.infer<typeof afterVisitTemplateSchema>;

export const afterVisitTemplatesQuerySchema = z.object({
  language: language.optional(),
  kind: z.enum(afterVisitTemplateKinds).optional(),
  key: z.string().max(40).optional(),
  includeInactive: z.enum(['true', 'false']).optional(),
});
export const afterVisitTemplatesResponseSchema = z.object({ templates: z.array(afterVisitTemplateSchema) });

const templateFields = {
  kind: z.enum(afterVisitTemplateKinds, 'Choose diagnosis, procedure or general.'),
  key: z.string().trim().min(1, 'Give the ICD-10-CM code or procedure key.').max(40),
  language,
  title: z.string().trim().min(1, 'Give the template a title.').max(200),
  body: z.string().trim().min(1, 'Write the instructions.').max(8000),
};
export const createAfterVisitTemplateRequestSchema = z.strictObject(templateFields);
export type CreateAfterVisitTemplateRequest = z.infer<typeof createAfterVisitTemplateRequestSchema>;

/** The version comes in this field or an If-Match header; neither → 428. */
export const updateAfterVisitTemplateRequestSchema = z.strictObject({
  version: version.optional(),
  title: templateFields.title.optional(),
  body: templateFields.body.optional(),
  isActive: z.boolean().optional(),
});
export type UpdateAfterVisitTemplateRequest = z.infer<typeof updateAfterVisitTemplateRequestSchema>;
export const afterVisitTemplateParamsSchema = z.object({ templateId: z.uuid('Not a template id.') });
export const afterVisitTemplateResponseSchema = z.object({ template: afterVisitTemplateSchema });

export const createAfterVisitSummaryRequestSchema = z.strictObject({
  language,
  templateIds: z.array(z.uuid('Not a template id.')).max(20, 'At most 20 templates.').default([]),
  instructions: z.string().max(8000).default(''),
  delivery: z.enum(afterVisitDeliveries, 'Choose print or outbox.'),
});
export type CreateAfterVisitSummaryRequest = z.infer<typeof createAfterVisitSummaryRequestSchema>;

export const afterVisitSummaryResponseSchema = z.object({
  id: z.string(),
  /** GET this for the PDF (application/pdf). */
  pdfUrl: z.string(),
  /** The queued outbox message when delivery was 'outbox'. */
  messageId: z.string().nullable(),
});
export type AfterVisitSummaryResponse = z.infer<typeof afterVisitSummaryResponseSchema>;

export const afterVisitEncounterParamsSchema = z.object({ encounterId: z.uuid('Not an encounter id.') });
export const afterVisitSummaryParamsSchema = z.object({ summaryId: z.uuid('Not a summary id.') });
