import type { FastifyInstance } from 'fastify';
import { patientRoutes } from './patients/patients.routes.js';
import { flowRoutes } from './flow/flow.routes.js';
import { checkInRoutes } from './check-in/check-in.routes.js';
import { checkoutRoutes } from './flow/checkout.routes.js';
import { reminderRoutes } from './reminders/index.js';
import { schedulingPlugin } from './scheduling/index.js';

/** The front desk's HTTP surface. */
export async function frontDeskRoutes(app: FastifyInstance): Promise<void> {
  await app.register(patientRoutes);
  await app.register(flowRoutes);
  await app.register(checkInRoutes);
  await app.register(checkoutRoutes);
  await app.register(reminderRoutes);
  await app.register(schedulingPlugin);
}

// For the FHIR mapping (interop): the patient register's own rules, reused rather than copied.
export { findLikelyDuplicates, mrnExists, reserveMrns, takeNextMrn } from './patients/patients.repository.js';
// For the exam room's histories: the same restricted-chart rule as the patient view.
export { assertMayOpen } from './patients/open-patient.js';
