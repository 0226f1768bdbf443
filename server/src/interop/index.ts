import type { FastifyInstance } from 'fastify';
import { fhirRoutes } from './fhir/fhir.routes.js';
import { baseUrlOf, registerFhirContentTypes } from './fhir/core/fhir-http.js';
import { replyWithOutcome } from './fhir/core/operation-outcome.js';
import { bulkExportRoutes } from './fhir/export/bulk-export.routes.js';
import { importRoutes } from './fhir/import/import.routes.js';

/** Interop's HTTP surface: the FHIR R4 API at /fhir/R4, its Bulk Data $export beside it, and the admin import API. */
export async function interopRoutes(app: FastifyInstance): Promise<void> {
  await app.register(fhirRoutes, { prefix: '/fhir/R4' });
  // A sibling plugin (same prefix) so NDJSON downloads are not held to the FHIR plugin's JSON-only Accept check.
  await app.register(async (bulk) => {
    registerFhirContentTypes(bulk);
    bulk.setErrorHandler(replyWithOutcome);
    await bulk.register(bulkExportRoutes, {
      contextOf: (request) => ({ audit: request.auditContext(), organizationId: request.actor!.organizationId, actor: request.actor!, baseUrl: baseUrlOf(request) }),
    });
  }, { prefix: '/fhir/R4' });
  await app.register(importRoutes);
}

export { runImport, sourceFromText, sourcesFromPaths, type ImportProgress, type ImportSource } from './fhir/import/import-run.js';
export { importUnit, type ImportUnit, type UnitResult } from './fhir/import/import-unit.js';
export { commandLineImportContext, formatSummary } from './fhir/import/import-summary.js';
