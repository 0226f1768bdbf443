import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Resource } from '@medplum/fhirtypes';
import type { Database } from '../../../platform/db/schema.js';
import type { Candidate, FhirContext, ResourceDefinition, SearchNarrowing } from './resource-definition.js';

type Db = Kysely<Database> | Transaction<Database>;

interface SourceRow {
  id: string;
  versionId: number;
  lastUpdated: Date | string;
  resourceText: string | null;
  isFresh: boolean;
  rowText: string | null;
  patientId: string | null;
  deleted: boolean;
  sortKey?: string;
}

const camelKeys = new Map<string, string>();
/** A mapped row's column name in camelCase; the few dozen names are converted once per process. */
function camel(key: string): string {
  let converted = camelKeys.get(key);
  if (converted === undefined) camelKeys.set(key, (converted = key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())));
  return converted;
}

/**
 * Only what a candidate is made of: a type's source also has its search columns (names, codes,
 * dates…), which are for the where clause and would otherwise be computed and sent for every row.
 */
const CANDIDATE_COLUMNS = sql.raw('r.id, r.version_id, r.last_updated, r.resource_text, r.is_fresh, r.row_text, r.patient_id, r.deleted');

function toCandidate(row: SourceRow): Candidate & { sortKey?: string } {
  const mapped = row.rowText ? (JSON.parse(row.rowText) as Record<string, unknown>) : null;
  const candidate = {
    id: row.id,
    versionId: Number(row.versionId),
    lastUpdated: new Date(row.lastUpdated),
    storedText: row.resourceText,
    isFresh: row.isFresh,
    row: mapped ? Object.fromEntries(Object.entries(mapped).map(([key, value]) => [camel(key), value])) : null,
    patientId: row.patientId,
    deleted: row.deleted,
    ...(row.sortKey !== undefined ? { sortKey: row.sortKey } : {}),
  } as Candidate & { sortKey?: string };
  // Parsed on first use only: a page of resources served as stored is never parsed at all. An own,
  // enumerable property, so a spread copy of the candidate keeps it.
  let parsed: Resource | null | undefined;
  Object.defineProperty(candidate, 'stored', {
    enumerable: true,
    get: () => (parsed === undefined ? (parsed = row.resourceText ? (JSON.parse(row.resourceText) as Resource) : null) : parsed),
  });
  return candidate;
}

/** One resource of the type by id (deleted ones included, so callers can tell gone from never-was). */
export async function findCandidate(db: Db, definition: ResourceDefinition, context: FhirContext, id: string): Promise<Candidate | null> {
  const result = await sql<SourceRow>`select ${CANDIDATE_COLUMNS} from ${definition.source(context.organizationId, context.actor, id)} as r where r.id = ${id}`.execute(db);
  return result.rows[0] ? toCandidate(result.rows[0]) : null;
}

/** One page of matches in (sort key, id) order, starting after the cursor: keyset paging, stable under inserts. */
export async function searchCandidates(
  db: Db,
  definition: ResourceDefinition,
  context: FhirContext,
  query: { where: RawBuilder<boolean>[]; sortKey: RawBuilder<string>; descending: boolean; after?: { key: string; id: string }; limit: number; narrowing?: SearchNarrowing },
): Promise<Array<Candidate & { sortKey?: string }>> {
  const key = sql`coalesce((${query.sortKey})::text, '') collate "C"`;
  const id = sql`r.id collate "C"`;
  const conditions = [sql<boolean>`not r.deleted`, ...query.where];
  if (query.after) {
    conditions.push(query.descending ? sql<boolean>`(${key}, ${id}) < (${query.after.key}, ${query.after.id})` : sql<boolean>`(${key}, ${id}) > (${query.after.key}, ${query.after.id})`);
  }
  const direction = sql.raw(query.descending ? 'desc' : 'asc');
  const result = await sql<SourceRow>`
    select ${CANDIDATE_COLUMNS}, coalesce((${query.sortKey})::text, '') as sort_key
    from ${definition.source(context.organizationId, context.actor, undefined, query.narrowing)} as r
    where ${sql.join(conditions, sql` and `)}
    order by ${key} ${direction}, ${id} ${direction}
    limit ${query.limit}`.execute(db);
  return result.rows.map(toCandidate);
}

/** Resources of the type matching `where` (not deleted), at most `limit`, in id order: `_include` and `_revinclude` targets. */
export async function findCandidatesWhere(db: Db, definition: ResourceDefinition, context: FhirContext, where: RawBuilder<boolean>, limit: number): Promise<Candidate[]> {
  const result = await sql<SourceRow>`
    select ${CANDIDATE_COLUMNS} from ${definition.source(context.organizationId, context.actor)} as r where not r.deleted and ${where} order by r.id collate "C" limit ${limit}`.execute(db);
  return result.rows.map(toCandidate);
}

export async function countCandidates(db: Db, definition: ResourceDefinition, context: FhirContext, where: RawBuilder<boolean>[], narrowing?: SearchNarrowing): Promise<number> {
  const conditions = [sql<boolean>`not r.deleted`, ...where];
  const result = await sql<{ total: number | string }>`
    select count(*) as total from ${definition.source(context.organizationId, context.actor, undefined, narrowing)} as r where ${sql.join(conditions, sql` and `)}`.execute(db);
  return Number(result.rows[0]?.total ?? 0);
}

/** Stores one version of a resource as sent, current and in its history (one statement), inside the caller's transaction. */
export async function storeVersion(
  trx: Transaction<Database>,
  version: { organizationId: string; resourceType: string; id: string; versionId: number; lastUpdated: Date; resource: Resource; patientId: string | null; rowId?: string | null },
): Promise<void> {
  const json = JSON.stringify(version.resource);
  await sql`
    with current as (
      insert into fhir_resources (organization_id, resource_type, id, version_id, last_updated, resource, deleted, patient_id, row_id)
      values (${version.organizationId}, ${version.resourceType}, ${version.id}, ${version.versionId}, ${version.lastUpdated}, ${json}::jsonb, false, ${version.patientId}, ${version.rowId ?? null})
      on conflict (organization_id, resource_type, id) do update set
        version_id = excluded.version_id, last_updated = excluded.last_updated, resource = excluded.resource,
        deleted = false, patient_id = excluded.patient_id, row_id = excluded.row_id
      returning 1
    )
    insert into fhir_resource_history (organization_id, resource_type, id, version_id, last_updated, resource)
    values (${version.organizationId}, ${version.resourceType}, ${version.id}, ${version.versionId}, ${version.lastUpdated}, ${json}::jsonb)
    on conflict do nothing`.execute(trx);
}

export interface HistoryVersion {
  versionId: number;
  lastUpdated: Date;
  resource: Resource;
}

/** Versions written through FHIR, newest first. */
export async function findHistory(db: Db, organizationId: string, resourceType: string, id: string): Promise<HistoryVersion[]> {
  const rows = await db
    .selectFrom('fhirResourceHistory')
    .select(['versionId', 'lastUpdated', sql<string>`resource::text`.as('resourceText')])
    .where('organizationId', '=', organizationId)
    .where('resourceType', '=', resourceType)
    .where('id', '=', id)
    .orderBy('versionId', 'desc')
    .execute();
  return rows.map((row) => ({ versionId: row.versionId, lastUpdated: new Date(row.lastUpdated), resource: JSON.parse(row.resourceText) as Resource }));
}

/** Takes a transaction-scoped lock on one resource id, so concurrent writers of the same id queue (PUT-create included). */
export async function lockResourceId(trx: Transaction<Database>, organizationId: string, resourceType: string, id: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`${organizationId}/${resourceType}/${id}`}))`.execute(trx);
}
