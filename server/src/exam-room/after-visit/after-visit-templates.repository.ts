import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { defaultAfterVisitTemplates } from './default-after-visit-templates.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Gives an organization the default after-visit templates (both languages) it does not have yet; never overwrites the clinic's edits. */
export async function ensureDefaultAfterVisitTemplates(db: Db, organizationId: string): Promise<void> {
  await db
    .insertInto('afterVisitTemplates')
    .values(defaultAfterVisitTemplates.map((template) => ({ organizationId, ...template, updatedBy: null })))
    .onConflict((conflict) => conflict.columns(['organizationId', 'kind', 'key', 'language']).doNothing())
    .execute();
}

/** True when the organization has any after-visit template (a new clinic has none until its defaults are added). */
export async function hasAnyTemplate(db: Db, organizationId: string): Promise<boolean> {
  return !!(await db.selectFrom('afterVisitTemplates').select('id').where('organizationId', '=', organizationId).limit(1).executeTakeFirst());
}

export async function findTemplates(
  db: Db,
  organizationId: string,
  filter: { language?: 'en' | 'es' | undefined; kind?: 'diagnosis' | 'procedure' | 'general' | undefined; key?: string | undefined; includeInactive: boolean },
) {
  let query = db.selectFrom('afterVisitTemplates').selectAll().where('organizationId', '=', organizationId);
  if (filter.language) query = query.where('language', '=', filter.language);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.key) query = query.where('key', '=', filter.key);
  if (!filter.includeInactive) query = query.where('isActive', '=', true);
  return query.orderBy('kind').orderBy('key').orderBy('language').execute();
}

export async function findTemplatesByIds(db: Db, organizationId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('afterVisitTemplates').selectAll().where('organizationId', '=', organizationId).where('id', 'in', [...ids]).execute();
}

export async function findTemplateForUpdate(trx: Transaction<Database>, organizationId: string, id: string) {
  return trx.selectFrom('afterVisitTemplates').selectAll().where('organizationId', '=', organizationId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export type AfterVisitTemplateRow = Awaited<ReturnType<typeof findTemplates>>[number];
