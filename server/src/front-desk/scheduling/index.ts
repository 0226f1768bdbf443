import type { FastifyInstance } from 'fastify';
import { appointmentRoutes } from './appointments.routes.js';
import { schedulingRoutes } from './scheduling.routes.js';

export { bookAppointment, type BookAppointmentInput, type AppointmentRow } from './book-appointment.js';
export { searchOpenSlots } from './find-open-slots.js';
export { isExclusionViolation, lockAppointment, recordStatusChange, updateWithTransition } from './scheduling.repository.js';

/** Scheduling's HTTP surface: setup, slot finder, day schedule, booking and the waitlist. */
export async function schedulingPlugin(app: FastifyInstance): Promise<void> {
  await app.register(schedulingRoutes);
  await app.register(appointmentRoutes);
}
