import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  appointmentEncounterParamsSchema,
  chartSummarySchema,
  encounterParamsSchema,
  encounterSchema,
  encounterVersionRequestSchema,
  openEncounterRequestSchema,
  patientChartParamsSchema,
  putRoomingChecklistRequestSchema,
  readyForProviderResponseSchema,
  roomingChecklistSchema,
  roomingChecklistsSchema,
  roomingSummarySchema,
  updateEncounterRequestSchema,
  visitTypeParamsSchema,
} from '../../../../contracts/exam-room/encounters.js';
import type { FlowContext } from '../../front-desk/flow/move-visit.js';
import { readChartSummary } from './chart-summary.js';
import { markReadyForProvider, signOffRoomingSummary } from './hand-off.js';
import { openEncounter } from './open-encounter.js';
import { putRoomingChecklist, readRoomingChecklists } from './rooming-checklists.js';
import { readRoomingSummary } from './rooming-summary.js';
import { readEncounter, updateEncounter } from './update-encounter.js';

function encounterContext(request: FastifyRequest): FlowContext {
  const actor = request.actor!;
  return { ...request.auditContext(), organizationId: actor.organizationId, staffMemberId: actor.kind === 'staff' ? actor.id : null, roles: actor.roles };
}

/** The version a client is changing: the body's `version`, else `If-Match: W/"3"` (or `"3"`). */
function versionOf(request: FastifyRequest, bodyVersion: number | undefined): number | undefined {
  if (bodyVersion !== undefined) return bodyVersion;
  const header = request.headers['if-match'];
  const match = typeof header === 'string' ? /^(?:W\/)?"?(\d+)"?$/.exec(header.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

/** Encounters and rooming, the rooming checklists, the hand-off to the provider and the chart summary. */
export async function encounterRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.post('/api/encounters', {
    config: { policy: 'encounter.room' },
    schema: { body: openEncounterRequestSchema, response: { 200: encounterSchema, 201: encounterSchema } },
  }, async (request, reply) => {
    const { opened, encounter } = await openEncounter(app.db, encounterContext(request), request.body);
    return reply.status(opened ? 201 : 200).send(encounter);
  });

  app.get('/api/appointments/:appointmentId/encounter', {
    config: { policy: 'encounter.read' },
    schema: { params: appointmentEncounterParamsSchema, response: { 200: encounterSchema } },
  }, async (request) => readEncounter(app.db, encounterContext(request), { appointmentId: request.params.appointmentId }));

  app.get('/api/encounters/:encounterId', {
    config: { policy: 'encounter.read' },
    schema: { params: encounterParamsSchema, response: { 200: encounterSchema } },
  }, async (request) => readEncounter(app.db, encounterContext(request), { encounterId: request.params.encounterId }));

  app.patch('/api/encounters/:encounterId', {
    config: { policy: 'encounter.room' },
    schema: { params: encounterParamsSchema, body: updateEncounterRequestSchema, response: { 200: encounterSchema } },
  }, async (request) => updateEncounter(app.db, encounterContext(request), request.params.encounterId, { ...request.body, version: versionOf(request, request.body.version) }));

  app.post('/api/encounters/:encounterId/ready-for-provider', {
    config: { policy: 'rooming.mark-ready' },
    schema: { params: encounterParamsSchema, body: encounterVersionRequestSchema, response: { 200: readyForProviderResponseSchema } },
  }, async (request) => markReadyForProvider(app.db, encounterContext(request), request.params.encounterId, versionOf(request, request.body.version)));

  app.get('/api/encounters/:encounterId/rooming-summary', {
    config: { policy: 'encounter.read' },
    schema: { params: encounterParamsSchema, response: { 200: roomingSummarySchema } },
  }, async (request) => readRoomingSummary(app.db, encounterContext(request), request.params.encounterId));

  app.post('/api/encounters/:encounterId/sign-off', {
    config: { policy: 'rooming-summary.sign-off' },
    schema: { params: encounterParamsSchema, body: encounterVersionRequestSchema, response: { 200: encounterSchema } },
  }, async (request) => signOffRoomingSummary(app.db, encounterContext(request), request.params.encounterId, versionOf(request, request.body.version)));

  app.get('/api/rooming-checklists', {
    config: { policy: 'rooming-checklist.view' },
    schema: { response: { 200: roomingChecklistsSchema } },
  }, async (request) => ({ checklists: await readRoomingChecklists(app.db, encounterContext(request).organizationId) }));

  app.put('/api/rooming-checklists/:visitType', {
    config: { policy: 'rooming-checklist.manage' },
    schema: { params: visitTypeParamsSchema, body: putRoomingChecklistRequestSchema, response: { 200: roomingChecklistSchema } },
  }, async (request) => putRoomingChecklist(app.db, encounterContext(request), request.params.visitType, { ...request.body, version: versionOf(request, request.body.version) }));

  app.get('/api/patients/:patientId/chart-summary', {
    config: { policy: 'history.read' },
    schema: { params: patientChartParamsSchema, response: { 200: chartSummarySchema } },
  }, async (request) => readChartSummary(app.db, encounterContext(request), request.params.patientId));
}
