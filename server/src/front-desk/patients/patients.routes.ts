import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  breakTheGlassRequestSchema,
  duplicateCheckRequestSchema,
  duplicateCheckResponseSchema,
  duplicateCandidateSchema,
  mergePatientsRequestSchema,
  patientSchema,
  registerPatientRequestSchema,
  restrictChartRequestSchema,
  searchQuerySchema,
  searchResultSchema,
  updatePatientRequestSchema,
} from '../../../../contracts/front-desk/patient.contract.js';
import { AppError, recordAudit } from '../../platform/index.js';
import { breakTheGlass, openPatient } from './open-patient.js';
import { restrictChart } from './restrict-chart.js';
import { mergePatients } from './merge-patients.js';
import { findLikelyDuplicates, hasPhoto, searchPatients } from './patients.repository.js';
import { toDuplicateCandidate, toPatientView, toSummary } from './patient-view.js';
import { registerPatient } from './register-patient.js';
import { classifySearch, phoneDigits } from './search-terms.js';
import { updateDemographics } from './update-demographics.js';

const patientParams = z.object({ patientId: z.uuid('Not a patient id.') });
const photoSchema = z.strictObject({
  contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  dataBase64: z.string().max(900_000, 'The photo must be under 650 KB.').regex(/^[A-Za-z0-9+/]+={0,2}$/, 'Not base64 data.'),
});

function patientContext(request: FastifyRequest) {
  const context = request.auditContext();
  const actor = request.actor!;
  return { ...context, organizationId: actor.organizationId, staffMemberId: actor.kind === 'staff' ? actor.id : null };
}

/** Reads the version a client is changing from `If-Match: W/"3"` (or `"3"`). */
function versionFromIfMatch(header: string | undefined): number | undefined {
  const match = header ? /^(?:W\/)?"?(\d+)"?$/.exec(header.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

/** Registration, search, chart header, demographics, duplicates and merge, break-the-glass. */
export async function patientRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.get('/api/patients', { config: { policy: 'patient.search' }, schema: { querystring: searchQuerySchema, response: { 200: searchResultSchema } } }, async (request) => {
    const term = classifySearch(request.query.q);
    const context = patientContext(request);
    const rows = await searchPatients(app.db, context.organizationId, term, request.query.limit);
    await recordAudit(app.db, context, { action: 'search', recordType: 'Patient', details: { kind: term.kind, resultIds: rows.map((row) => row.id) } });
    return { kind: term.kind, results: rows.map((row) => ({ ...toSummary(row), rank: Math.round(Number(row.rank) * 1000) / 1000 })) };
  });

  app.post('/api/patients/duplicate-check', {
    config: { policy: 'patient.check-duplicates' },
    schema: { body: duplicateCheckRequestSchema, response: { 200: duplicateCheckResponseSchema } },
  }, async (request) => {
    const context = patientContext(request);
    const phones = request.body.phones.map(phoneDigits).filter((digits) => digits.length === 10);
    const rows = await findLikelyDuplicates(app.db, context.organizationId, { ...request.body, phones });
    await recordAudit(app.db, context, { action: 'search', recordType: 'Patient', details: { purpose: 'duplicate-check', resultIds: rows.map((row) => row.id) } });
    return { candidates: rows.map(toDuplicateCandidate) };
  });

  app.post('/api/patients', {
    config: { policy: 'patient.register' },
    schema: {
      body: registerPatientRequestSchema,
      response: {
        201: z.object({ outcome: z.literal('registered'), patient: patientSchema }),
        200: z.object({ outcome: z.literal('possible-duplicates'), candidates: z.array(duplicateCandidateSchema) }),
      },
    },
  }, async (request, reply) => {
    const result = await registerPatient(app.db, patientContext(request), request.body);
    if (result.outcome === 'possible-duplicates') return reply.status(200).send(result);
    return reply
      .status(201)
      .header('location', `/api/patients/${result.patient.id}`)
      .header('etag', `W/"${result.patient.version}"`)
      .send({ outcome: 'registered', patient: toPatientView(result.patient, false) });
  });

  app.get('/api/patients/:patientId', { config: { policy: 'patient.read' }, schema: { params: patientParams, response: { 200: patientSchema } } }, async (request, reply) => {
    const patient = await openPatient(app.db, patientContext(request), request.params.patientId);
    return reply.header('etag', `W/"${patient.version}"`).send(patient);
  });

  app.put('/api/patients/:patientId', {
    config: { policy: 'patient.update-demographics' },
    schema: { params: patientParams, body: updatePatientRequestSchema.extend({ version: z.number().int().positive().optional() }), response: { 200: patientSchema } },
  }, async (request, reply) => {
    const version = request.body.version ?? versionFromIfMatch(request.headers['if-match']);
    if (version === undefined) throw new AppError('VERSION_REQUIRED', { field: 'version' });
    const patient = await updateDemographics(app.db, patientContext(request), request.params.patientId, { ...request.body, version });
    return reply.header('etag', `W/"${patient.version}"`).send(patient);
  });

  app.post('/api/patients/:patientId/break-the-glass', {
    config: { policy: 'patient.break-the-glass' },
    schema: { params: patientParams, body: breakTheGlassRequestSchema },
  }, async (request) => breakTheGlass(app.db, patientContext(request), request.params.patientId, request.body.reason));

  app.put('/api/patients/:patientId/restriction', {
    config: { policy: 'patient.restrict' },
    schema: { params: patientParams, body: restrictChartRequestSchema, response: { 200: patientSchema } },
  }, async (request) => restrictChart(app.db, patientContext(request), request.params.patientId, request.body));

  app.post('/api/patients/merges', { config: { policy: 'patient.merge' }, schema: { body: mergePatientsRequestSchema } }, async (request, reply) => {
    const context = patientContext(request);
    const result = await mergePatients(app.db, { ...context, staffMemberId: context.staffMemberId! }, request.body);
    return reply.status(201).send(result);
  });

  app.put('/api/patients/:patientId/photo', { config: { policy: 'patient.update-demographics' }, schema: { params: patientParams, body: photoSchema } }, async (request, reply) => {
    const context = patientContext(request);
    const data = Buffer.from(request.body.dataBase64, 'base64');
    await app.db.transaction().execute(async (trx) => {
      const patient = await trx.selectFrom('patients').select('id').where('id', '=', request.params.patientId).where('organizationId', '=', context.organizationId).executeTakeFirst();
      if (!patient) throw new AppError('PATIENT_NOT_FOUND');
      await trx
        .insertInto('patientPhotos')
        .values({ patientId: patient.id, organizationId: context.organizationId, contentType: request.body.contentType, data })
        .onConflict((conflict) => conflict.column('patientId').doUpdateSet({ contentType: request.body.contentType, data, updatedAt: new Date() }))
        .execute();
      await recordAudit(trx, context, { action: 'update', recordType: 'PatientPhoto', recordId: patient.id, patientId: patient.id });
    });
    return reply.status(204).send();
  });

  app.get('/api/patients/:patientId/photo', { config: { policy: 'patient.read' }, schema: { params: patientParams } }, async (request, reply) => {
    const context = patientContext(request);
    const photo = await app.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('patientPhotos')
        .select(['contentType', 'data'])
        .where('patientId', '=', request.params.patientId)
        .where('organizationId', '=', context.organizationId)
        .executeTakeFirst();
      if (row) await recordAudit(trx, context, { action: 'read', recordType: 'PatientPhoto', recordId: request.params.patientId, patientId: request.params.patientId });
      return row;
    });
    if (!photo || !(await hasPhoto(app.db, request.params.patientId))) throw new AppError('NOT_FOUND');
    return reply.type(photo.contentType).header('cache-control', 'private, no-store').send(photo.data);
  });
}
