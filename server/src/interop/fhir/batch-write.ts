import { sql, type Transaction } from 'kysely';
import type { Resource } from '@medplum/fhirtypes';
import { recordAudit } from '../../platform/index.js';
import type { Database } from '../../platform/db/schema.js';
import type { FhirContext, ResourceDefinition, WriteResult } from './core/resource-definition.js';

/** Resources of one type written together: at most this many rows per statement. */
const ROWS_PER_STATEMENT = 1000;

export type BatchWriteOutcome = { resource: Resource; rowId: string | null } | { error: unknown };

/** Whether `createResourcesBatch` can write new resources of this type (a batch writer, or stored as sent). */
export const canWriteBatch = (definition: ResourceDefinition) => !!definition.writeMappedBatch || !definition.writeMapped;

/**
 * New resources of one type (version 1, ids chosen by the caller, content already checked) in a few
 * statements: the type's mapped rows (writeMappedBatch), then the JSON as sent beside them (current
 * and history rows) and one audit entry each — the same rows and entries createResource writes one
 * by one. Returns, in order, each stored resource or the error that refused it alone (the others are
 * written; a caller that needs all or nothing rolls back).
 */
export async function createResourcesBatch(
  trx: Transaction<Database>,
  context: FhirContext,
  definition: ResourceDefinition,
  items: Array<{ id: string; resource: Resource }>,
): Promise<BatchWriteOutcome[]> {
  const now = new Date();
  const mapped: Array<WriteResult | { error: unknown }> = definition.writeMappedBatch
    ? await definition.writeMappedBatch(trx, context, items.map(({ id, resource }) => ({ id, resource, now })))
    : items.map(() => ({ patientId: null, warnings: [] }));
  const outcomes: BatchWriteOutcome[] = [];
  const rows: Array<{ id: string; json: string; patientId: string | null; rowId: string | null; auditPatientId: string | null }> = [];
  items.forEach(({ id, resource }, index) => {
    const written = mapped[index]!;
    if ('error' in written) {
      outcomes.push({ error: written.error });
      return;
    }
    const { meta, ...content } = resource;
    const stored = { ...content, id, meta: { ...meta, versionId: '1', lastUpdated: now.toISOString() } } as Resource;
    rows.push({ id, json: JSON.stringify(stored), patientId: written.patientId, rowId: written.rowId ?? null, auditPatientId: written.auditPatientId ?? written.patientId });
    outcomes.push({ resource: stored, rowId: written.rowId ?? null });
  });
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await sql`
      with input as (
        select * from unnest(${chunk.map((row) => row.id)}::text[], ${chunk.map((row) => row.json)}::text[], ${chunk.map((row) => row.patientId)}::uuid[], ${chunk.map((row) => row.rowId)}::uuid[]) as t(id, resource, patient_id, row_id)
      ), current as (
        insert into fhir_resources (organization_id, resource_type, id, version_id, last_updated, resource, deleted, patient_id, row_id)
        select ${context.organizationId}::uuid, ${definition.type}, id, 1, ${now}::timestamptz, resource::jsonb, false, patient_id, row_id from input
        returning id, resource
      )
      insert into fhir_resource_history (organization_id, resource_type, id, version_id, last_updated, resource)
      select ${context.organizationId}::uuid, ${definition.type}, id, 1, ${now}::timestamptz, resource from current
      on conflict do nothing`.execute(trx);
    await recordAudit(trx, context.audit, chunk.map((row) => ({
      action: 'create' as const, recordType: definition.type, recordId: row.id, patientId: row.auditPatientId, details: { via: 'fhir', versionId: 1 },
    })));
  }
  return outcomes;
}
