import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  acknowledgeAlertResponseSchema,
  alertParamsSchema,
  correctObservationRequestSchema,
  correctObservationResponseSchema,
  encounterParamsSchema,
  encounterVitalsResponseSchema,
  growthChartsResponseSchema,
  observationParamsSchema,
  observationSchema,
  patientParamsSchema,
  recordVitalsRequestSchema,
  recordVitalsResponseSchema,
  reinterpretRequestSchema,
  vitalTrendQuerySchema,
  vitalTrendResponseSchema,
} from '../../../../contracts/exam-room/vitals.js';
import { correctObservation, reinterpretObservation } from './change-observation.js';
import { readEncounterVitals, readGrowthCharts, readVitalTrend } from './read-vitals.js';
import { recordVitalsSet } from './record-vitals.js';
import type { ObservationContext } from './save-observation.js';
import { acknowledgeVitalAlert } from './vital-alerts.js';

function observationContext(request: FastifyRequest): ObservationContext {
  const actor = request.actor!;
  return { ...request.auditContext(), organizationId: actor.organizationId, staffMemberId: actor.kind === 'staff' ? actor.id : null };
}

/** Vital signs: a set per request, encounter readings, trends, growth charts, corrections, reinterpretation, alert acknowledgement. */
export async function vitalsRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.post('/api/encounters/:encounterId/vitals', {
    config: { policy: 'vitals.record' },
    schema: { params: encounterParamsSchema, body: recordVitalsRequestSchema, response: { 201: recordVitalsResponseSchema } },
  }, async (request, reply) => {
    const result = await recordVitalsSet(app.db, observationContext(request), request.params.encounterId, request.body);
    return reply.status(201).send(result);
  });

  app.get('/api/encounters/:encounterId/vitals', {
    config: { policy: 'vitals.read' },
    schema: { params: encounterParamsSchema, response: { 200: encounterVitalsResponseSchema } },
  }, async (request) => readEncounterVitals(app.db, observationContext(request), request.params.encounterId));

  app.get('/api/patients/:patientId/vitals', {
    config: { policy: 'vitals.read' },
    schema: { params: patientParamsSchema, querystring: vitalTrendQuerySchema, response: { 200: vitalTrendResponseSchema } },
  }, async (request) => readVitalTrend(app.db, observationContext(request), request.params.patientId, request.query));

  app.get('/api/patients/:patientId/growth-charts', {
    config: { policy: 'vitals.read' },
    schema: { params: patientParamsSchema, response: { 200: growthChartsResponseSchema } },
  }, async (request) => readGrowthCharts(app.db, observationContext(request), request.params.patientId));

  app.post('/api/observations/:observationId/corrections', {
    config: { policy: 'vitals.correct' },
    schema: { params: observationParamsSchema, body: correctObservationRequestSchema, response: { 201: correctObservationResponseSchema } },
  }, async (request, reply) => {
    const result = await correctObservation(app.db, observationContext(request), request.params.observationId, request.body);
    return reply.status(201).send(result);
  });

  app.post('/api/observations/:observationId/interpretation', {
    config: { policy: 'vitals.reinterpret' },
    schema: { params: observationParamsSchema, body: reinterpretRequestSchema, response: { 200: observationSchema } },
  }, async (request) => reinterpretObservation(app.db, observationContext(request), request.params.observationId, request.body));

  app.post('/api/vital-alerts/:alertId/acknowledge', {
    config: { policy: 'alert.acknowledge' },
    schema: { params: alertParamsSchema, response: { 200: acknowledgeAlertResponseSchema } },
  }, async (request) => acknowledgeVitalAlert(app.db, observationContext(request), request.params.alertId));
}
