import type { Kysely } from 'kysely';
import type { AfterVisitTemplate, CreateAfterVisitTemplateRequest, UpdateAfterVisitTemplateRequest } from '../../../../contracts/exam-room/after-visit.js';
import { AppError, recordAudit } from '../../platform/index.js';
import type { AuditContext } from '../../platform/audit/record-audit.js';
import type { Database } from '../../platform/db/schema.js';
import { findTemplateForUpdate, type AfterVisitTemplateRow } from './after-visit-templates.repository.js';

export type AfterVisitContext = AuditContext & { organizationId: string; staffMemberId: string | null };

export function toTemplateView(row: AfterVisitTemplateRow): AfterVisitTemplate {
  return { ...row, updatedAt: new Date(row.updatedAt).toISOString() };
}

/** Adds a clinic template for a diagnosis, procedure or everyone, in one language; one per key and language. */
export async function createAfterVisitTemplate(db: Kysely<Database>, context: AfterVisitContext, input: CreateAfterVisitTemplateRequest): Promise<AfterVisitTemplate> {
  return db.transaction().execute(async (trx) => {
    // ICD-10-CM codes are upper case (J06.9); procedure keys lower case (influenza-vaccine)
    const key = input.kind === 'diagnosis' ? input.key.toUpperCase() : input.key.toLowerCase();
    const row = await trx
      .insertInto('afterVisitTemplates')
      .values({ organizationId: context.organizationId, kind: input.kind, key, language: input.language, title: input.title, body: input.body, updatedBy: context.staffMemberId })
      .onConflict((conflict) => conflict.columns(['organizationId', 'kind', 'key', 'language']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError('AFTER_VISIT_TEMPLATE_EXISTS', { field: 'key' });
    await recordAudit(trx, context, { action: 'create', recordType: 'AfterVisitTemplate', recordId: row.id, details: { kind: row.kind, key: row.key, language: row.language } });
    return toTemplateView(row);
  });
}

/** Changes a template's wording or retires it, refusing a stale version (409) so one editor never silently overwrites another. */
export async function editAfterVisitTemplate(db: Kysely<Database>, context: AfterVisitContext, templateId: string, input: Omit<UpdateAfterVisitTemplateRequest, 'version'> & { version: number | undefined }): Promise<AfterVisitTemplate> {
  return db.transaction().execute(async (trx) => {
    const current = await findTemplateForUpdate(trx, context.organizationId, templateId);
    if (!current) throw new AppError('NOT_FOUND', { field: 'templateId' });
    if (input.version === undefined) throw new AppError('VERSION_REQUIRED', { field: 'version' });
    if (current.version !== input.version) throw new AppError('VERSION_CONFLICT', { details: { currentVersion: current.version } });
    const row = await trx
      .updateTable('afterVisitTemplates')
      .set({
        title: input.title ?? current.title,
        body: input.body ?? current.body,
        isActive: input.isActive ?? current.isActive,
        updatedBy: context.staffMemberId,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, context, { action: 'update', recordType: 'AfterVisitTemplate', recordId: row.id, details: { version: row.version } });
    return toTemplateView(row);
  });
}
