import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { baseUrlOf, FHIR_JSON } from '../core/fhir-http.js';
import { FhirError } from '../core/operation-outcome.js';
import type { FhirContext } from '../core/resource-definition.js';
import { authorizeExport, parseExportRequest, runExportJob, type ExportLevel, type ExportParameters } from './bulk-export.js';

interface JobRow {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  requestedById: string;
  requestUrl: string;
  transactionTime: Date | string;
  progress: { typesDone?: number; typesTotal?: number; resources?: number; currentType?: string };
  result: { output: Array<{ type: string; fileNumber: number; count: number }> } | null;
  error: string | null;
}

const query = (request: FastifyRequest) => new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');

/**
 * FHIR Bulk Data export (async pattern): kick-off at `$export` (system) and `Patient/$export`
 * with `Prefer: respond-async` → 202 and a status URL; polling → 202 with X-Progress, then 200
 * with the manifest; NDJSON files; DELETE on the status URL cancels. Jobs live in the database
 * and are worked in the background by the process that took the kick-off.
 */
export async function bulkExportRoutes(app: FastifyInstance, options: { contextOf(request: FastifyRequest): FhirContext }): Promise<void> {
  const running = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });
  const policy = { policy: 'fhir.export' as const };

  const kickOff = (level: ExportLevel) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!/respond-async/i.test(String(request.headers.prefer ?? ''))) {
      throw new FhirError(400, 'invalid', '$export runs asynchronously: send the header Prefer: respond-async.');
    }
    const context = options.contextOf(request);
    const parameters: ExportParameters = parseExportRequest(level, query(request));
    await authorizeExport(app.db, context, parameters);
    const requestUrl = `${baseUrlOf(request)}${request.url.replace(/^\/fhir\/R4/, '')}`;
    const actor = context.actor;
    const job = (await sql<{ id: string }>`
      insert into fhir_bulk_jobs (organization_id, kind, status, requested_by_kind, requested_by_id, request_url, parameters)
      values (${actor.organizationId}, 'export', 'queued', ${actor.kind}, ${actor.id}, ${requestUrl}, ${JSON.stringify(parameters)}::jsonb)
      returning id`.execute(app.db)).rows[0]!;
    const work = runExportJob(app.db, context, job.id).catch((error: unknown) => {
      app.log.error({ err: { name: (error as Error).name, code: (error as { code?: string }).code }, jobId: job.id }, 'bulk export failed');
    });
    running.add(work);
    void work.finally(() => running.delete(work));
    return reply.status(202).header('content-location', `${baseUrlOf(request)}/$export-status/${job.id}`).type(FHIR_JSON)
      .send({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: 'Export started; poll the Content-Location URL.' }] });
  };
  app.get('/$export', { config: policy }, kickOff('system'));
  app.get('/Patient/$export', { config: policy }, kickOff('patient'));

  /** The requester's own job (another client or staff member gets 404, as for an unknown id). */
  const jobOf = async (request: FastifyRequest<{ Params: { jobId: string } }>): Promise<JobRow> => {
    const actor = request.actor!;
    const { jobId } = request.params;
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(jobId);
    const job = isUuid ? (await sql<JobRow>`
      select id, status, requested_by_id, request_url, transaction_time, progress, result, error from fhir_bulk_jobs
      where id = ${jobId} and organization_id = ${actor.organizationId} and kind = 'export'`.execute(app.db)).rows[0] : undefined;
    if (!job || job.requestedById !== actor.id || job.status === 'cancelled') throw new FhirError(404, 'not-found', 'No such export job (it may have been cancelled).');
    return job;
  };

  app.get<{ Params: { jobId: string } }>('/$export-status/:jobId', { config: policy }, async (request, reply) => {
    const job = await jobOf(request);
    if (job.status === 'queued' || job.status === 'running') {
      const { typesDone = 0, typesTotal = 0, resources = 0 } = job.progress ?? {};
      return reply.status(202).header('x-progress', `${job.status}: ${typesDone} of ${typesTotal} types, ${resources} resources`).header('retry-after', '1').send();
    }
    if (job.status === 'failed') throw new FhirError(500, 'exception', job.error ?? 'The export failed; start a new one.');
    const base = baseUrlOf(request);
    return reply.status(200).header('expires', new Date(Date.now() + 86_400_000).toUTCString()).type('application/json').send({
      transactionTime: new Date(job.transactionTime).toISOString(),
      request: job.requestUrl,
      requiresAccessToken: true,
      output: (job.result?.output ?? []).map((file) => ({ type: file.type, url: `${base}/$export-file/${job.id}/${file.fileNumber}`, count: file.count })),
      error: [],
    });
  });

  app.delete<{ Params: { jobId: string } }>('/$export-status/:jobId', { config: policy }, async (request, reply) => {
    const job = await jobOf(request);
    await sql`update fhir_bulk_jobs set status = 'cancelled', updated_at = now() where id = ${job.id}`.execute(app.db);
    await sql`delete from fhir_bulk_files where job_id = ${job.id}`.execute(app.db);
    return reply.status(202).send();
  });

  app.get<{ Params: { jobId: string; fileNumber: string } }>('/$export-file/:jobId/:fileNumber', { config: policy }, async (request, reply) => {
    const job = await jobOf(request);
    const file = /^\d{1,6}$/.test(request.params.fileNumber)
      ? (await sql<{ content: string }>`select content from fhir_bulk_files where job_id = ${job.id} and file_number = ${Number(request.params.fileNumber)}`.execute(app.db)).rows[0]
      : undefined;
    if (!file) throw new FhirError(404, 'not-found', 'No such export file.');
    return reply.type('application/fhir+ndjson').send(file.content);
  });
}
