import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  patientScreeningsQuerySchema,
  patientScreeningsResponseSchema,
  recordScreeningRequestSchema,
  recordScreeningResponseSchema,
  screeningEncounterParamsSchema,
  screeningPatientParamsSchema,
} from '../../../../contracts/exam-room/screenings.js';
import { AppError, recordAudit } from '../../platform/index.js';
import { recordScreening, toScreeningView, type ScreeningContext } from './record-screening.js';
import { findPatientScreenings, patientExists } from './screenings.repository.js';

export function screeningContext(request: FastifyRequest): ScreeningContext {
  const actor = request.actor!;
  return { ...request.auditContext(), organizationId: actor.organizationId, staffMemberId: actor.kind === 'staff' ? actor.id : null };
}

/** Screenings in the exam room: record a scored PHQ-2/9, GAD-7, AUDIT-C, fall-risk or tobacco screen; a patient's history of them. */
export async function screeningRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.post('/api/encounters/:encounterId/screenings', {
    config: { policy: 'screening.record' },
    schema: { params: screeningEncounterParamsSchema, body: recordScreeningRequestSchema, response: { 201: recordScreeningResponseSchema } },
  }, async (request, reply) => {
    const result = await recordScreening(app.db, screeningContext(request), request.params.encounterId, request.body);
    return reply.code(201).send(result);
  });

  app.get('/api/patients/:patientId/screenings', {
    config: { policy: 'screening.read' },
    schema: { params: screeningPatientParamsSchema, querystring: patientScreeningsQuerySchema, response: { 200: patientScreeningsResponseSchema } },
  }, async (request) => {
    const context = screeningContext(request);
    return app.db.transaction().execute(async (trx) => {
      if (!(await patientExists(trx, context.organizationId, request.params.patientId))) throw new AppError('PATIENT_NOT_FOUND');
      const rows = await findPatientScreenings(trx, context.organizationId, request.params.patientId, { instrument: request.query.instrument, limit: request.query.limit });
      await recordAudit(trx, context, { action: 'read', recordType: 'Screening', patientId: request.params.patientId, details: { count: rows.length } });
      return { screenings: rows.map(toScreeningView) };
    });
  });
}
