import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { checkInRequestSchema, checkInResponseSchema, copayPaymentParamsSchema } from '../../../../contracts/front-desk/check-in.contract.js';
import { appointmentParamsSchema } from '../../../../contracts/front-desk/flow.contract.js';
import { flowContext } from '../flow/flow-context.js';
import { checkInPatient } from './check-in-patient.js';
import { printCopayReceipt } from './copay-receipt.js';

/** Check-in at the front desk and the copay receipt. */
export async function checkInRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.post('/api/appointments/:appointmentId/check-in', {
    config: { policy: 'appointment.check-in' },
    schema: { params: appointmentParamsSchema, body: checkInRequestSchema, response: { 200: checkInResponseSchema } },
  }, async (request) => checkInPatient(app.db, flowContext(request), request.params.appointmentId, request.body));

  app.get('/api/copay-payments/:paymentId/receipt.pdf', {
    config: { policy: 'copay.print-receipt' },
    schema: { params: copayPaymentParamsSchema },
  }, async (request, reply) => {
    const pdf = await printCopayReceipt(app.db, flowContext(request), request.params.paymentId);
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="receipt-${request.params.paymentId}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });
}
