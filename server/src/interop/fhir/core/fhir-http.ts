import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { FHIR_JSON, FhirError } from './operation-outcome.js';

export { FHIR_JSON };
/** FHIR bodies (transaction Bundles of a whole patient history) may be up to 10 MB; the rest of the app keeps 1 MB. */
export const FHIR_BODY_LIMIT = 10 * 1024 * 1024;

/** Parses application/fhir+json with Fastify's own (prototype-poisoning-safe) JSON parser. */
export function registerFhirContentTypes(app: FastifyInstance): void {
  app.addContentTypeParser(['application/fhir+json', 'application/json+fhir'], { parseAs: 'string', bodyLimit: FHIR_BODY_LIMIT }, app.getDefaultJsonParser('error', 'error'));
}

/**
 * Content negotiation: JSON only. `_format` (json, application/fhir+json, application/json) wins
 * over Accept; asking only for XML or another type is answered 406.
 */
export function assertAcceptsJson(request: FastifyRequest): void {
  const format = (request.query as Record<string, unknown> | undefined)?._format;
  if (typeof format === 'string') {
    if (!/^(json|application\/(fhir\+)?json)$/.test(format.split(';')[0]!.trim())) throw new FhirError(406, 'not-supported', 'Only JSON is supported (_format=json).');
    return;
  }
  const accept = request.headers.accept;
  if (!accept) return;
  const acceptsJson = accept.split(',').some((part) => /^\s*(\*\/\*|application\/\*|application\/(fhir\+)?json|application\/json\+fhir)\s*(;|$)/.test(part));
  if (!acceptsJson) throw new FhirError(406, 'not-supported', 'Only application/fhir+json (or application/json) is supported.');
}

export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/fhir/R4`;
}

/**
 * A resource's JSON text exactly as stored, sent without parsing and serializing it again. Wherever
 * it is serialized as a value instead, it becomes the resource it holds.
 */
export class StoredJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** An object's members as JSON text, without the braces (empty for an empty object). */
const membersOf = (value: object) => JSON.stringify(value).slice(1, -1);

/** A Bundle's JSON text, with the entries' stored resources spliced in as they are. */
export function bundleText(bundle: Bundle): string {
  const { entry, ...head } = bundle;
  if (!entry?.length) return JSON.stringify(bundle);
  const entries = entry.map((item: BundleEntry) => {
    const { resource, ...rest } = item as Omit<BundleEntry, 'resource'> & { resource?: unknown };
    if (!(resource instanceof StoredJson)) return JSON.stringify(item);
    const members = membersOf(rest);
    return `{${members ? `${members},` : ''}"resource":${resource.text}}`;
  });
  const members = membersOf(head);
  return `{${members ? `${members},` : ''}"entry":[${entries.join(',')}]}`;
}

/** One resource's current version: ETag and Last-Modified from the version, the body as stored or presented. */
export function sendCurrent(reply: FastifyReply, body: Resource | StoredJson, version: { versionId: number; lastUpdated: Date }): FastifyReply {
  reply.header('etag', `W/"${version.versionId}"`).header('last-modified', version.lastUpdated.toUTCString());
  return reply.status(200).type(FHIR_JSON).send(body instanceof StoredJson ? body.text : body);
}

/** ETag, Last-Modified and Location (when created or updated) for one resource version. */
export function sendResource(reply: FastifyReply, resource: Resource, options: { status?: number; location?: string } = {}): FastifyReply {
  const versionId = resource.meta?.versionId;
  if (versionId) reply.header('etag', `W/"${versionId}"`);
  if (resource.meta?.lastUpdated) reply.header('last-modified', new Date(resource.meta.lastUpdated).toUTCString());
  if (options.location) reply.header('location', options.location);
  return reply.status(options.status ?? 200).type(FHIR_JSON).send(resource);
}

/** The version an If-Match header names (`W/"3"`, `"3"` or `3`), or undefined without one. */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(String(header));
  if (!match) throw new FhirError(400, 'invalid', 'If-Match must name a version, e.g. W/"3".');
  return Number(match[1]);
}
