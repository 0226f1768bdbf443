import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Resource } from '@medplum/fhirtypes';
import { processBundle } from './bundle.js';
import { capabilityStatement } from './capability-statement.js';
import { assertAcceptsJson, baseUrlOf, bundleText, FHIR_BODY_LIMIT, FHIR_JSON, ifMatchVersion, registerFhirContentTypes, sendCurrent, sendResource } from './core/fhir-http.js';
import { authorize, authorizeWrite, createResource, presentForSending, readCurrent, readHistory, readVersion, supports, updateResource, type WriteOutcome } from './interactions.js';
import { outcome, registerFhirErrorHandling } from './core/operation-outcome.js';
import type { FhirContext } from './core/resource-definition.js';
import { definitionOf, resourceDefinitions } from './core/resource-registry.js';
import { searchResources } from './search/search.js';
import { reserveMrns } from '../../front-desk/index.js';
import { MRN_SYSTEM } from './resources/patient-mapping.js';

interface TypeParams { resourceType: string }
interface InstanceParams extends TypeParams { id: string }
interface VersionParams extends InstanceParams { versionId: string }

function contextOf(request: FastifyRequest): FhirContext {
  const actor = request.actor!;
  return { audit: request.auditContext(), organizationId: actor.organizationId, actor, baseUrl: baseUrlOf(request) };
}

/** The query string as sent (repeated parameters kept in order). */
function queryOf(request: FastifyRequest): URLSearchParams {
  const index = request.url.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : request.url.slice(index + 1));
}

const sendsMrn = (body: unknown) =>
  Array.isArray((body as { identifier?: unknown } | null)?.identifier) && ((body as { identifier: Array<{ system?: unknown }> }).identifier).some((identifier) => identifier?.system === MRN_SYSTEM);

const wantsOutcome = (request: FastifyRequest) => /return=OperationOutcome/i.test(String(request.headers.prefer ?? ''));

/**
 * FHIR R4 REST API at /fhir/R4 (mounted with that prefix): an encapsulated plugin with its own
 * content types, 10 MB body limit and OperationOutcome error handler. Every route passes the app's
 * policy gate (fhir.read / fhir.write) and then the per-type check (SMART scope and policy action).
 */
export async function fhirRoutes(app: FastifyInstance): Promise<void> {
  registerFhirErrorHandling(app);
  registerFhirContentTypes(app);
  app.addHook('preHandler', async (request) => assertAcceptsJson(request));
  const write = { policy: 'fhir.write' as const };
  const read = { policy: 'fhir.read' as const };

  app.get('/metadata', { config: { policy: 'public' } }, async (request, reply) => {
    const version = process.env.npm_package_version ?? '0.1.0';
    return reply.type(FHIR_JSON).send(capabilityStatement(resourceDefinitions, baseUrlOf(request), { version }));
  });

  app.post('/', { config: write, bodyLimit: FHIR_BODY_LIMIT }, async (request, reply) => {
    return reply.type(FHIR_JSON).send(await processBundle(app.db, contextOf(request), request.body));
  });

  const search = async (request: FastifyRequest<{ Params: TypeParams }>, parameters: URLSearchParams) => {
    const context = contextOf(request);
    const definition = definitionOf(request.params.resourceType);
    supports(definition, 'search-type');
    await authorize(app.db, context, definition, 'search');
    const bundle = await searchResources(app.db, context, definition, parameters, (candidate) => presentForSending(definition, candidate, context.baseUrl), {
      authorize: (included) => authorize(app.db, context, included, 'search'),
      present: (included, candidate) => presentForSending(included, candidate, context.baseUrl),
    });
    return bundleText(bundle);
  };
  app.get<{ Params: TypeParams }>('/:resourceType', { config: read }, async (request, reply) => reply.type(FHIR_JSON).send(await search(request, queryOf(request))));
  app.post<{ Params: TypeParams }>('/:resourceType/_search', { config: read }, async (request, reply) => {
    const parameters = queryOf(request);
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, string | string[]>;
    for (const [name, value] of Object.entries(form)) for (const item of Array.isArray(value) ? value : [value]) parameters.append(name, String(item));
    return reply.type(FHIR_JSON).send(await search(request, parameters));
  });

  const answerWrite = (request: FastifyRequest, reply: import('fastify').FastifyReply, result: WriteOutcome) => {
    const resource = result.resource;
    const location = `${baseUrlOf(request)}/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId ?? '1'}`;
    const status = result.created ? 201 : 200;
    if (wantsOutcome(request)) {
      reply.header('location', location).header('etag', `W/"${resource.meta?.versionId ?? '1'}"`);
      return reply.status(status).type(FHIR_JSON).send(outcome(result.warnings.length ? result.warnings : [{ severity: 'information', code: 'informational', diagnostics: 'Saved.' }]));
    }
    return sendResource(reply, resource as Resource, { status, location });
  };

  app.post<{ Params: TypeParams }>('/:resourceType', { config: write, bodyLimit: FHIR_BODY_LIMIT }, async (request, reply) => {
    let context = contextOf(request);
    await authorizeWrite(app.db, context, request.params.resourceType, 'create');
    // A new Patient's MRN is reserved before the transaction (committed at once), so concurrent
    // registrations do not queue on the clinic's MRN counter for their whole length. An MRN
    // reserved and not used (a refused or matched create) is skipped, never given twice.
    if (request.params.resourceType === 'Patient' && !sendsMrn(request.body)) context = { ...context, reservedMrns: await reserveMrns(app.db, context.organizationId, 1) };
    const ifNoneExist = request.headers['if-none-exist'];
    const result = await app.db.transaction().execute((trx) =>
      createResource(trx, context, request.params.resourceType, request.body, { ifNoneExist: typeof ifNoneExist === 'string' ? ifNoneExist : undefined }),
    );
    return answerWrite(request, reply, result);
  });

  app.get<{ Params: InstanceParams }>('/:resourceType/:id', { config: read }, async (request, reply) => {
    const context = contextOf(request);
    const { definition, candidate } = await readCurrent(app.db, context, request.params.resourceType, request.params.id);
    return sendCurrent(reply, presentForSending(definition, candidate, context.baseUrl), candidate);
  });

  app.put<{ Params: InstanceParams }>('/:resourceType/:id', { config: write, bodyLimit: FHIR_BODY_LIMIT }, async (request, reply) => {
    const context = contextOf(request);
    await authorizeWrite(app.db, context, request.params.resourceType, 'update');
    const ifMatch = ifMatchVersion(request);
    const result = await app.db.transaction().execute((trx) => updateResource(trx, context, request.params.resourceType, request.params.id, request.body, { ifMatch }));
    return answerWrite(request, reply, result);
  });

  app.get<{ Params: InstanceParams }>('/:resourceType/:id/_history', { config: read }, async (request, reply) =>
    reply.type(FHIR_JSON).send(await readHistory(app.db, contextOf(request), request.params.resourceType, request.params.id)),
  );
  app.get<{ Params: VersionParams }>('/:resourceType/:id/_history/:versionId', { config: read }, async (request, reply) =>
    sendResource(reply, await readVersion(app.db, contextOf(request), request.params.resourceType, request.params.id, request.params.versionId)),
  );
}
