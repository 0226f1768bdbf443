import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { importJobSchema, importStartedSchema, startImportSchema } from '../../../../../contracts/interop/import.contract.js';
import { AppError } from '../../../platform/index.js';
import { runImport, sourceFromText } from './import-run.js';

/** Uploads for the admin import screen may be large (a few hundred Synthea patients). */
const UPLOAD_LIMIT = 100 * 1024 * 1024;

interface JobRow {
  id: string;
  status: z.infer<typeof importJobSchema>['status'];
  createdAt: Date;
  progress: Partial<z.infer<typeof importJobSchema>['progress']>;
  result: z.infer<typeof importJobSchema>['summary'];
  error: string | null;
}

/**
 * The admin screen's import (policy fhir.import): POST the files → 202 with a job id; the job runs
 * in the background in this process through the same import as `npm run import`, writing its
 * progress to the job row; GET the job for progress and, at the end, the summary.
 */
export async function importRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();
  const running = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });

  app.post('/api/interop/imports', {
    config: { policy: 'fhir.import' }, bodyLimit: UPLOAD_LIMIT,
    schema: { body: startImportSchema, response: { 202: importStartedSchema } },
  }, async (request, reply) => {
    const actor = request.actor!;
    const sources = request.body.files.map((file) => sourceFromText(file.name, file.content));
    const job = (await sql<{ id: string }>`
      insert into fhir_bulk_jobs (organization_id, kind, status, requested_by_kind, requested_by_id, parameters)
      values (${actor.organizationId}, 'import', 'running', ${actor.kind}, ${actor.id}, ${JSON.stringify({ files: request.body.files.map((file) => file.name).slice(0, 100) })}::jsonb)
      returning id`.execute(app.db)).rows[0]!;
    const context = { audit: request.auditContext(), organizationId: actor.organizationId, actor, baseUrl: `${request.protocol}://${request.host}/fhir/R4`, source: 'import' as const };
    const started = performance.now();
    let lastWrite = 0;
    let writing = Promise.resolve();
    const work = (async () => {
      try {
        const result = await runImport(app.db, context, sources, {
          concurrency: app.engine === 'postgres' ? 4 : 1,
          onProgress: (progress) => {
            const now = performance.now();
            if (now - lastWrite < 500) return;
            lastWrite = now;
            const snapshot = { bytesDone: progress.bytesDone, bytesTotal: progress.bytesTotal, resources: progress.resources, patients: progress.result.patients, ratePerSecond: Math.round(progress.resources / Math.max((now - started) / 1000, 0.001)) };
            writing = writing.then(() => sql`update fhir_bulk_jobs set progress = ${JSON.stringify(snapshot)}::jsonb, updated_at = now() where id = ${job.id}`.execute(app.db)).then(() => undefined, () => undefined);
          },
        });
        await writing;
        const seconds = (performance.now() - started) / 1000;
        const resources = Object.values(result.loaded).concat(Object.values(result.alreadyPresent)).reduce((sum, n) => sum + n, 0)
          + Object.values(result.skipped).flatMap((byType) => Object.values(byType)).reduce((sum, n) => sum + n, 0) + result.failed.length;
        const total = sources.reduce((sum, source) => sum + source.bytes, 0);
        const summary = { ...result, failed: result.failed.map(({ expression: _expression, ...failure }) => failure) };
        await sql`update fhir_bulk_jobs set status = 'completed', result = ${JSON.stringify(summary)}::jsonb,
          progress = ${JSON.stringify({ bytesDone: total, bytesTotal: total, resources, patients: result.patients, ratePerSecond: Math.round(resources / Math.max(seconds, 0.001)) })}::jsonb, updated_at = now()
          where id = ${job.id}`.execute(app.db);
      } catch (error) {
        app.log.error({ err: { name: (error as Error).name, code: (error as { code?: string }).code }, jobId: job.id }, 'import job failed');
        await sql`update fhir_bulk_jobs set status = 'failed', error = 'The import stopped on a server error; run it again to complete it (nothing is loaded twice).', updated_at = now() where id = ${job.id}`.execute(app.db).catch(() => undefined);
      }
    })();
    running.add(work);
    void work.finally(() => running.delete(work));
    return reply.status(202).send({ id: job.id });
  });

  app.get('/api/interop/imports/:jobId', {
    config: { policy: 'fhir.import' },
    schema: { params: z.object({ jobId: z.uuid() }), response: { 200: importJobSchema } },
  }, async (request) => {
    const job = (await sql<JobRow>`
      select id, status, created_at, progress, result, error from fhir_bulk_jobs
      where id = ${request.params.jobId} and organization_id = ${request.actor!.organizationId} and kind = 'import'`.execute(app.db)).rows[0];
    if (!job) throw new AppError('NOT_FOUND', { message: 'No such import.' });
    const progress = job.progress ?? {};
    return {
      id: job.id,
      status: job.status,
      createdAt: new Date(job.createdAt).toISOString(),
      progress: { bytesDone: progress.bytesDone ?? 0, bytesTotal: progress.bytesTotal ?? 0, resources: progress.resources ?? 0, patients: progress.patients ?? 0, ratePerSecond: progress.ratePerSecond ?? 0 },
      summary: job.result,
      error: job.error,
    };
  });
}
