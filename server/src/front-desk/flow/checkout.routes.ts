import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { appointmentParamsSchema, checkoutRequestSchema, checkoutResponseSchema } from '../../../../contracts/front-desk/flow.contract.js';
import { checkoutVisit } from './checkout-visit.js';
import { flowContext } from './flow-context.js';

/** Checkout at the front desk: the follow-up booked from the visit, and the visit done. */
export async function checkoutRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();
  app.post('/api/appointments/:appointmentId/checkout', {
    config: { policy: 'appointment.checkout' },
    schema: { params: appointmentParamsSchema, body: checkoutRequestSchema, response: { 200: checkoutResponseSchema } },
  }, async (request) => checkoutVisit(app.db, flowContext(request), request.params.appointmentId, request.body));
}
