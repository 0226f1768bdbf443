import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../../../platform/index.js';
import type { Database } from '../../../platform/db/schema.js';
import { isFhirDateTime } from '../core/fhir-values.js';
import { FhirError } from '../core/operation-outcome.js';
import type { FhirContext, ResourceDefinition } from '../core/resource-definition.js';
import { definitionOf, resourceDefinitions } from '../core/resource-registry.js';
import { searchCandidates } from '../core/resource-store.repository.js';
import { authorize, present } from '../interactions.js';

/** Resources per NDJSON output file, and per page read from the database. */
export const EXPORT_FILE_LINES = 10_000;
const PAGE = 1000;

export type ExportLevel = 'system' | 'patient';

export interface ExportParameters {
  level: ExportLevel;
  types: string[];
  since: string | null;
}

/** A type's reference to the patient it belongs to (its Patient compartment column), if it has one. */
function compartmentColumn(definition: ResourceDefinition): string | undefined {
  return definition.searchParameters.find((parameter) => parameter.match === 'reference' && parameter.target === 'Patient' && (parameter.name === 'patient' || parameter.name === 'subject'))?.column;
}

/** The types an export covers: `_type` as asked (each must be served), else every clinical type (AuditEvent only when named). */
function exportTypes(level: ExportLevel, requested: string | undefined): string[] {
  const inScope = (definition: ResourceDefinition) => level === 'system' || definition.type === 'Patient' || compartmentColumn(definition) !== undefined;
  if (requested === undefined || requested.trim() === '') {
    return resourceDefinitions.filter((definition) => definition.type !== 'AuditEvent' && definition.interactions.includes('search-type') && inScope(definition)).map((definition) => definition.type);
  }
  const types = [...new Set(requested.split(',').map((type) => type.trim()).filter(Boolean))];
  for (const type of types) {
    if (!resourceDefinitions.some((definition) => definition.type === type)) throw new FhirError(400, 'not-supported', `_type names ${type.slice(0, 64)}, which is not served here (see /fhir/R4/metadata).`, { expression: ['_type'] });
    const definition = definitionOf(type);
    if (!inScope(definition)) throw new FhirError(400, 'not-supported', `${type} is not in the Patient compartment; use the system-level $export for it.`, { expression: ['_type'] });
  }
  return types;
}

/**
 * Reads and checks a kick-off request (Bulk Data IG 2.0): `_type`, `_since` (an instant),
 * `_outputFormat` (NDJSON only). Unsupported parameters are refused rather than ignored.
 */
export function parseExportRequest(level: ExportLevel, query: URLSearchParams): ExportParameters {
  for (const name of query.keys()) {
    if (!['_type', '_since', '_outputFormat'].includes(name)) throw new FhirError(400, 'not-supported', `$export does not support ${name.slice(0, 40)} here (supported: _type, _since, _outputFormat).`);
  }
  const format = query.get('_outputFormat');
  if (format !== null && !['application/fhir+ndjson', 'application/ndjson', 'ndjson'].includes(format)) {
    throw new FhirError(400, 'not-supported', '_outputFormat must be application/fhir+ndjson.', { expression: ['_outputFormat'] });
  }
  const since = query.get('_since');
  if (since !== null && (!isFhirDateTime(since) || !since.includes('T'))) {
    throw new FhirError(400, 'invalid', '_since must be a FHIR instant, e.g. 2026-01-01T00:00:00Z.', { expression: ['_since'] });
  }
  return { level, types: exportTypes(level, query.getAll('_type').join(',') || undefined), since: since === null ? null : new Date(since).toISOString() };
}

/** Access to every type of the export (SMART read scope and the type's read policy), before the job is created. */
export async function authorizeExport(db: Kysely<Database>, context: FhirContext, parameters: ExportParameters): Promise<void> {
  for (const type of parameters.types) await authorize(db, context, definitionOf(type), 'search');
}

interface JobRow { id: string; status: string; transactionTime: Date | string; parameters: ExportParameters }

/**
 * Works one export job: every resource of the job's types as read (the same view as read and
 * search), last updated after `_since` and not after the job's transaction time, written to NDJSON
 * files in the database. Each exported patient is recorded in the audit trail as an `export`
 * (the accounting of disclosures lists them for system clients). Stops when the job is cancelled.
 */
export async function runExportJob(db: Kysely<Database>, context: FhirContext, jobId: string): Promise<void> {
  const job = (await sql<JobRow>`select id, status, transaction_time, parameters from fhir_bulk_jobs where id = ${jobId}`.execute(db)).rows[0];
  if (!job || job.status !== 'queued') return;
  await sql`update fhir_bulk_jobs set status = 'running', updated_at = now() where id = ${jobId}`.execute(db);
  const transactionTime = new Date(job.transactionTime);
  const { types, since, level } = job.parameters;
  const cancelled = async () => (await sql<{ status: string }>`select status from fhir_bulk_jobs where id = ${jobId}`.execute(db)).rows[0]?.status !== 'running';
  const output: Array<{ type: string; fileNumber: number; count: number }> = [];
  let fileNumber = 0;
  let exported = 0;
  try {
    for (const [typeIndex, type] of types.entries()) {
      const definition = definitionOf(type);
      const where = [sql<boolean>`r.last_updated <= ${transactionTime}`];
      if (since) where.push(sql<boolean>`r.last_updated > ${new Date(since)}`);
      const column = compartmentColumn(definition);
      if (level === 'patient' && type !== 'Patient' && column) where.push(sql<boolean>`${sql.ref(`r.${column}`)} is not null`);
      let lines: string[] = [];
      let after: { key: string; id: string } | undefined;
      const flush = async () => {
        if (lines.length === 0) return;
        fileNumber++;
        await sql`insert into fhir_bulk_files (job_id, file_number, resource_type, resource_count, content) values (${jobId}, ${fileNumber}, ${type}, ${lines.length}, ${`${lines.join('\n')}\n`})`.execute(db);
        output.push({ type, fileNumber, count: lines.length });
        lines = [];
      };
      for (;;) {
        if (await cancelled()) return;
        const page = await db.transaction().execute(async (trx) => {
          const rows = await searchCandidates(trx, definition, context, { where, sortKey: sql<string>`r.id`, descending: false, limit: PAGE, ...(after ? { after } : {}) });
          const patientIds = [...new Set(rows.map((candidate) => definition.auditPatientId?.(candidate) ?? (type === 'Patient' ? candidate.patientId : null)).filter((id): id is string => !!id))];
          await recordAudit(trx, context.audit, patientIds.map((patientId) => ({
            action: 'export' as const, recordType: type, patientId, reason: 'FHIR Bulk Data export', details: { via: 'fhir-bulk-export', jobId },
          })));
          return rows;
        });
        for (const candidate of page) lines.push(JSON.stringify(present(definition, candidate, context.baseUrl)));
        exported += page.length;
        while (lines.length >= EXPORT_FILE_LINES) {
          const rest = lines.slice(EXPORT_FILE_LINES);
          lines = lines.slice(0, EXPORT_FILE_LINES);
          await flush();
          lines = rest;
        }
        const last = page.at(-1);
        await sql`update fhir_bulk_jobs set progress = ${JSON.stringify({ typesDone: typeIndex, typesTotal: types.length, currentType: type, resources: exported })}::jsonb, updated_at = now() where id = ${jobId}`.execute(db);
        if (page.length < PAGE || !last) break;
        after = { key: last.sortKey ?? last.id, id: last.id };
      }
      await flush();
    }
    await sql`update fhir_bulk_jobs set status = 'completed', result = ${JSON.stringify({ output })}::jsonb,
      progress = ${JSON.stringify({ typesDone: types.length, typesTotal: types.length, resources: exported })}::jsonb, updated_at = now()
      where id = ${jobId} and status = 'running'`.execute(db);
  } catch (error) {
    const message = error instanceof FhirError ? error.message : 'The export stopped on a server error; start a new one.';
    await sql`update fhir_bulk_jobs set status = 'failed', error = ${message}, updated_at = now() where id = ${jobId}`.execute(db);
    throw error;
  }
}
