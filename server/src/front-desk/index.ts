import type { FastifyInstance } from 'fastify';
import { patientRoutes } from './patients/patients.routes.js';

/** The front desk's HTTP surface. */
export async function frontDeskRoutes(app: FastifyInstance): Promise<void> {
  await app.register(patientRoutes);
}
