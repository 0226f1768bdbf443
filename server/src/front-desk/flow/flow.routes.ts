import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  appointmentParamsSchema,
  changeStatusRequestSchema,
  flowBoardQuerySchema,
  flowBoardSchema,
  roomGridQuerySchema,
  roomGridSchema,
  roomParamsSchema,
  roomPatientRequestSchema,
  visitSchema,
} from '../../../../contracts/front-desk/flow.contract.js';
import { markRoomCleaned, readRoomGrid } from './exam-rooms.js';
import { flowContext } from './flow-context.js';
import { readFlowBoard } from './flow-board.js';
import { changeVisitStatus } from './move-visit.js';

/** The patient-flow board, visit status changes, rooming and the exam-room grid. */
export async function flowRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.post('/api/appointments/:appointmentId/status', {
    config: { policy: 'flow.update-status' },
    schema: { params: appointmentParamsSchema, body: changeStatusRequestSchema, response: { 200: visitSchema } },
  }, async (request) => changeVisitStatus(app.db, flowContext(request), request.params.appointmentId, request.body));

  app.post('/api/appointments/:appointmentId/room', {
    config: { policy: 'encounter.room' },
    schema: { params: appointmentParamsSchema, body: roomPatientRequestSchema, response: { 200: visitSchema } },
  }, async (request) => changeVisitStatus(app.db, flowContext(request), request.params.appointmentId, { to: 'roomed', ...request.body }));

  app.get('/api/exam-rooms', {
    config: { policy: 'flow-board.view' },
    schema: { querystring: roomGridQuerySchema, response: { 200: roomGridSchema } },
  }, async (request) => readRoomGrid(app.db, flowContext(request), request.query.locationId));

  app.post('/api/exam-rooms/:roomId/cleaned', {
    config: { policy: 'room.mark-cleaned' },
    schema: { params: roomParamsSchema, response: { 200: z.object({ id: z.string(), state: z.string(), version: z.number() }) } },
  }, async (request) => markRoomCleaned(app.db, flowContext(request), request.params.roomId));

  app.get('/api/flow-board', {
    config: { policy: 'flow-board.view' },
    schema: { querystring: flowBoardQuerySchema, response: { 200: flowBoardSchema } },
  }, async (request) => readFlowBoard(app.db, flowContext(request), request.query));
}
