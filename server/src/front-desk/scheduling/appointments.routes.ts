import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  appointmentSchema,
  bookAppointmentRequestSchema,
  cancelRequestSchema,
  noShowRequestSchema,
  rescheduleRequestSchema,
  seriesRequestSchema,
  waitlistEntrySchema,
  waitlistRequestSchema,
  walkInRequestSchema,
} from '../../../../contracts/front-desk/scheduling.contract.js';
import { AppError, recordAudit } from '../../platform/index.js';
import { toAppointmentView, type SchedulingContext } from './appointment-view.js';
import { bookAppointment, withSlotGuard, type BookAppointmentInput } from './book-appointment.js';
import { bookSeries, cancelAppointment, markNoShow, rescheduleAppointment } from './change-appointment.js';
import { getAppointment } from './scheduling.repository.js';
import { schedulingContext } from './scheduling.routes.js';
import { addToWaitlist, findWaitlist, removeFromWaitlist, toWaitlistView } from './waitlist.js';

const appointmentParams = z.object({ appointmentId: z.uuid('Not an appointment id.') });
const entryParams = z.object({ entryId: z.uuid('Not a waitlist entry id.') });
const isIntegration = (context: SchedulingContext) => context.actor?.roles.includes('integration') ?? false;

/** Books in its own transaction; a lost race on the exclusion constraint answers 409 with who holds the time. */
function book(app: FastifyInstance, context: SchedulingContext, input: BookAppointmentInput) {
  const startsAt = new Date(input.startsAt);
  return withSlotGuard(
    app.db,
    context.organizationId,
    () => ({ providerId: input.providerId, patientId: input.patientId, roomId: input.roomId ?? null, startsAt, endsAt: input.endsAt ? new Date(input.endsAt) : new Date(startsAt.getTime() + 60_000), isOverbook: input.isOverbook ?? false }),
    () => app.db.transaction().execute((trx) => bookAppointment(trx, context, input)),
  );
}

/** Booking, walk-ins, series, reschedule, cancel, no-show and the waitlist. */
export async function appointmentRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.post('/api/appointments', { config: { policy: 'appointment.book' }, schema: { body: bookAppointmentRequestSchema, response: { 201: appointmentSchema } } }, async (request, reply) => {
    const context = schedulingContext(request);
    const integration = isIntegration(context);
    const source = integration ? 'fhir' : request.body.waitlistEntryId ? 'waitlist' : 'app';
    const appointment = await book(app, context, { ...request.body, source, allowOutsideTemplate: integration });
    return reply.status(201).header('location', `/api/appointments/${appointment.id}`).send(toAppointmentView(appointment));
  });

  app.post('/api/appointments/walk-in', { config: { policy: 'appointment.book' }, schema: { body: walkInRequestSchema, response: { 201: appointmentSchema } } }, async (request, reply) => {
    const context = schedulingContext(request);
    const appointment = await book(app, context, { ...request.body, startsAt: new Date(), isWalkIn: true, source: 'walk-in', allowOutsideTemplate: true });
    return reply.status(201).send(toAppointmentView(appointment));
  });

  app.get('/api/appointments/:appointmentId', { config: { policy: 'schedule.view' }, schema: { params: appointmentParams, response: { 200: appointmentSchema } } }, async (request) => {
    const context = schedulingContext(request);
    return app.db.transaction().execute(async (trx) => {
      const appointment = await getAppointment(trx, context.organizationId, request.params.appointmentId);
      if (!appointment) throw new AppError('APPOINTMENT_NOT_FOUND');
      await recordAudit(trx, context, { action: 'read', recordType: 'Appointment', recordId: appointment.id, patientId: appointment.patientId });
      return toAppointmentView(appointment);
    });
  });

  app.post('/api/appointments/:appointmentId/reschedule', {
    config: { policy: 'appointment.book' },
    schema: { params: appointmentParams, body: rescheduleRequestSchema, response: { 200: z.object({ appointment: appointmentSchema, previous: appointmentSchema }) } },
  }, async (request) => {
    const result = await rescheduleAppointment(app.db, schedulingContext(request), request.params.appointmentId, request.body);
    return { appointment: toAppointmentView(result.appointment), previous: toAppointmentView(result.previous) };
  });

  app.post('/api/appointments/:appointmentId/cancel', { config: { policy: 'appointment.cancel' }, schema: { params: appointmentParams, body: cancelRequestSchema, response: { 200: appointmentSchema } } }, async (request) =>
    toAppointmentView(await cancelAppointment(app.db, schedulingContext(request), request.params.appointmentId, request.body)));

  app.post('/api/appointments/:appointmentId/no-show', { config: { policy: 'appointment.mark-no-show' }, schema: { params: appointmentParams, body: noShowRequestSchema, response: { 200: appointmentSchema } } }, async (request) =>
    toAppointmentView(await markNoShow(app.db, schedulingContext(request), request.params.appointmentId, request.body)));

  app.post('/api/appointment-series', { config: { policy: 'appointment.book' }, schema: { body: seriesRequestSchema, response: { 201: z.object({ appointments: z.array(appointmentSchema) }) } } }, async (request, reply) => {
    const { frequency: _weekly, ...input } = request.body;
    const appointments = await bookSeries(app.db, schedulingContext(request), input);
    return reply.status(201).send({ appointments: appointments.map(toAppointmentView) });
  });

  app.get('/api/waitlist', {
    config: { policy: 'waitlist.manage' },
    schema: { querystring: z.object({ locationId: z.uuid(), status: z.enum(['waiting', 'offered', 'booked', 'removed']).optional() }), response: { 200: z.array(waitlistEntrySchema) } },
  }, async (request) => {
    const context = schedulingContext(request);
    return app.db.transaction().execute(async (trx) => {
      const rows = await findWaitlist(trx, context.organizationId, request.query.locationId, request.query.status);
      await recordAudit(trx, context, rows.map((row) => ({ action: 'read' as const, recordType: 'WaitlistEntry', recordId: row.id, patientId: row.patientId })));
      return rows.map(toWaitlistView);
    });
  });

  app.post('/api/waitlist', { config: { policy: 'waitlist.manage' }, schema: { body: waitlistRequestSchema, response: { 201: waitlistEntrySchema } } }, async (request, reply) =>
    reply.status(201).send(toWaitlistView(await addToWaitlist(app.db, schedulingContext(request), request.body))));

  app.delete('/api/waitlist/:entryId', { config: { policy: 'waitlist.manage' }, schema: { params: entryParams, response: { 200: waitlistEntrySchema } } }, async (request) =>
    toWaitlistView(await removeFromWaitlist(app.db, schedulingContext(request), request.params.entryId)));
}
