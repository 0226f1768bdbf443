import type { FastifyInstance } from 'fastify';
import { fhirRoutes } from './fhir/fhir.routes.js';

/** Interop's HTTP surface: the FHIR R4 API at /fhir/R4. */
export async function interopRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fhirRoutes, { prefix: '/fhir/R4' });
}

export { runImport, sourceFromText, sourcesFromPaths, type ImportProgress, type ImportSource } from './fhir/import/import-run.js';
export { importUnit, type ImportUnit, type UnitResult } from './fhir/import/import-unit.js';
export { commandLineImportContext, formatSummary } from './fhir/import/import-summary.js';
