import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  appointmentTypeRequestSchema,
  appointmentTypeSchema,
  dayScheduleQuerySchema,
  dayScheduleSchema,
  openSlotSchema,
  openSlotsQuerySchema,
  scheduleExceptionRequestSchema,
  scheduleExceptionSchema,
  scheduleTemplateRequestSchema,
  scheduleTemplateSchema,
  suggestedNoShowsQuerySchema,
  updateAppointmentTypeRequestSchema,
  updateScheduleTemplateRequestSchema,
} from '../../../../contracts/front-desk/scheduling.contract.js';
import { isoDate } from '../../../../contracts/front-desk/patient.contract.js';
import type { SchedulingContext } from './appointment-view.js';
import { findSuggestedNoShows, openDaySchedule } from './day-schedule.js';
import { searchOpenSlots } from './find-open-slots.js';
import { AppError, recordAudit } from '../../platform/index.js';
import {
  createAppointmentType,
  createScheduleException,
  createScheduleTemplate,
  deleteScheduleException,
  deleteScheduleTemplate,
  toExceptionView,
  toTemplateView,
  updateAppointmentType,
  updateScheduleTemplate,
} from './schedule-setup.js';
import { localDayBounds } from './slots.js';

export function schedulingContext(request: FastifyRequest): SchedulingContext {
  const actor = request.actor!;
  return { ...request.auditContext(), organizationId: actor.organizationId, staffMemberId: actor.kind === 'staff' ? actor.id : null };
}

const typeParams = z.object({ appointmentTypeId: z.uuid('Not an appointment type id.') });
const templateParams = z.object({ templateId: z.uuid('Not a schedule block id.') });
const exceptionParams = z.object({ exceptionId: z.uuid('Not a schedule exception id.') });

/** Appointment types, weekly templates, exceptions, the slot finder, the day schedule and suggested no-shows. */
export async function schedulingRoutes(appInstance: FastifyInstance): Promise<void> {
  const app = appInstance.withTypeProvider<ZodTypeProvider>();

  app.get('/api/appointment-types', { config: { policy: 'schedule.view' }, schema: { response: { 200: z.array(appointmentTypeSchema) } } }, async (request) =>
    app.db.selectFrom('appointmentTypes').selectAll().where('organizationId', '=', request.actor!.organizationId).orderBy('name').execute());

  app.post('/api/appointment-types', { config: { policy: 'schedule.manage-templates' }, schema: { body: appointmentTypeRequestSchema, response: { 201: appointmentTypeSchema } } }, async (request, reply) =>
    reply.status(201).send(await createAppointmentType(app.db, schedulingContext(request), request.body)));

  app.put('/api/appointment-types/:appointmentTypeId', {
    config: { policy: 'schedule.manage-templates' },
    schema: { params: typeParams, body: updateAppointmentTypeRequestSchema, response: { 200: appointmentTypeSchema } },
  }, async (request) => updateAppointmentType(app.db, schedulingContext(request), request.params.appointmentTypeId, request.body));

  app.get('/api/schedule-templates', {
    config: { policy: 'schedule.view' },
    schema: { querystring: z.object({ locationId: z.uuid().optional(), providerId: z.uuid().optional() }), response: { 200: z.array(scheduleTemplateSchema) } },
  }, async (request) => {
    const rows = await app.db
      .selectFrom('scheduleTemplates')
      .selectAll()
      .where('organizationId', '=', request.actor!.organizationId)
      .$if(request.query.locationId !== undefined, (query) => query.where('locationId', '=', request.query.locationId!))
      .$if(request.query.providerId !== undefined, (query) => query.where('providerId', '=', request.query.providerId!))
      .orderBy('providerId').orderBy('weekday').orderBy('startsAtLocal')
      .execute();
    return rows.map(toTemplateView);
  });

  app.post('/api/schedule-templates', { config: { policy: 'schedule.manage-templates' }, schema: { body: scheduleTemplateRequestSchema, response: { 201: scheduleTemplateSchema } } }, async (request, reply) =>
    reply.status(201).send(toTemplateView(await createScheduleTemplate(app.db, schedulingContext(request), request.body))));

  app.put('/api/schedule-templates/:templateId', {
    config: { policy: 'schedule.manage-templates' },
    schema: { params: templateParams, body: updateScheduleTemplateRequestSchema, response: { 200: scheduleTemplateSchema } },
  }, async (request) => toTemplateView(await updateScheduleTemplate(app.db, schedulingContext(request), request.params.templateId, request.body)));

  app.delete('/api/schedule-templates/:templateId', { config: { policy: 'schedule.manage-templates' }, schema: { params: templateParams } }, async (request, reply) => {
    await deleteScheduleTemplate(app.db, schedulingContext(request), request.params.templateId);
    return reply.status(204).send();
  });

  app.get('/api/schedule-exceptions', {
    config: { policy: 'schedule.view' },
    schema: { querystring: z.object({ locationId: z.uuid(), from: isoDate, to: isoDate }), response: { 200: z.array(scheduleExceptionSchema) } },
  }, async (request) => {
    const { locationId, from, to } = request.query;
    const rows = await app.db
      .selectFrom('scheduleExceptions')
      .selectAll()
      .where('organizationId', '=', request.actor!.organizationId)
      .where((eb) => eb.or([eb('locationId', 'is', null), eb('locationId', '=', locationId)]))
      .where('startsAt', '<', localDayBounds(to, 'UTC').endsAt)
      .where('endsAt', '>', localDayBounds(from, 'UTC').startsAt)
      .orderBy('startsAt')
      .execute();
    return rows.map(toExceptionView);
  });

  app.post('/api/schedule-exceptions', { config: { policy: 'schedule.manage-templates' }, schema: { body: scheduleExceptionRequestSchema, response: { 201: scheduleExceptionSchema } } }, async (request, reply) =>
    reply.status(201).send(toExceptionView(await createScheduleException(app.db, schedulingContext(request), request.body))));

  app.delete('/api/schedule-exceptions/:exceptionId', { config: { policy: 'schedule.manage-templates' }, schema: { params: exceptionParams } }, async (request, reply) => {
    await deleteScheduleException(app.db, schedulingContext(request), request.params.exceptionId);
    return reply.status(204).send();
  });

  app.get('/api/scheduling/open-slots', { config: { policy: 'schedule.view' }, schema: { querystring: openSlotsQuerySchema, response: { 200: z.object({ slots: z.array(openSlotSchema) }) } } }, async (request) => {
    const context = schedulingContext(request);
    const patientId = request.query.patientId;
    if (patientId) {
      // A search for one patient reads when that patient is booked: audited as a read of their schedule.
      const patient = await app.db.selectFrom('patients').select('id').where('id', '=', patientId).where('organizationId', '=', context.organizationId).executeTakeFirst();
      if (!patient) throw new AppError('PATIENT_NOT_FOUND', { field: 'patientId' });
      await recordAudit(app.db, context, { action: 'search', recordType: 'Slot', patientId, details: { purpose: 'open-slots for the patient' } });
    }
    const slots = await searchOpenSlots(app.db, context.organizationId, request.query);
    return { slots: slots.map((slot) => ({ ...slot, startsAt: slot.startsAt.toISOString(), endsAt: slot.endsAt.toISOString() })) };
  });

  app.get('/api/scheduling/day', { config: { policy: 'schedule.view' }, schema: { querystring: dayScheduleQuerySchema, response: { 200: dayScheduleSchema } } }, async (request) =>
    openDaySchedule(app.db, schedulingContext(request), request.query.locationId, request.query.date));

  app.get('/api/scheduling/suggested-no-shows', { config: { policy: 'appointment.mark-no-show' }, schema: { querystring: suggestedNoShowsQuerySchema } }, async (request) =>
    findSuggestedNoShows(app.db, schedulingContext(request), request.query.locationId));
}
