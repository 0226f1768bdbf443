import type { FastifyInstance } from 'fastify';
import { fhirRoutes } from './fhir/fhir.routes.js';

/** Interop's HTTP surface: the FHIR R4 API at /fhir/R4. */
export async function interopRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fhirRoutes, { prefix: '/fhir/R4' });
}
