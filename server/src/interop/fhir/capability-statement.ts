import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { ResourceDefinition } from './core/resource-definition.js';

/** `_include` values a search of the type takes: each of its reference search parameters whose target is served. */
const includesOf = (definition: ResourceDefinition) =>
  definition.searchParameters.filter((parameter) => parameter.match === 'reference' && parameter.target).map((parameter) => `${definition.type}:${parameter.name}`);
/** `_revinclude` values a search of `type` takes: every served type's reference parameters that name it. */
const revIncludesOf = (definitions: readonly ResourceDefinition[], type: string) =>
  definitions.flatMap((definition) => definition.searchParameters.filter((parameter) => parameter.match === 'reference' && parameter.target === type).map((parameter) => `${definition.type}:${parameter.name}`));

/**
 * The CapabilityStatement, generated from the resource definitions actually registered, so it can
 * only list what the routes serve (a test walks it and exercises every entry).
 */
export function capabilityStatement(definitions: readonly ResourceDefinition[], baseUrl: string, software: { version: string }): CapabilityStatement {
  const resources: CapabilityStatementRestResource[] = definitions.map((definition) => ({
    type: definition.type as CapabilityStatementRestResource['type'],
    interaction: definition.interactions.map((code) => ({ code })),
    versioning: 'versioned',
    readHistory: definition.interactions.includes('vread'),
    updateCreate: definition.interactions.includes('update'),
    conditionalCreate: definition.interactions.includes('create'),
    conditionalRead: 'not-supported',
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    searchParam: definition.searchParameters.map((parameter) => ({ name: parameter.name, type: parameter.type, documentation: parameter.documentation })),
    ...(includesOf(definition).length ? { searchInclude: includesOf(definition) } : {}),
    ...(revIncludesOf(definitions, definition.type).length ? { searchRevInclude: revIncludesOf(definitions, definition.type) } : {}),
    ...(definition.type === 'Patient' ? { operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' }] } : {}),
    ...(Object.keys(definition.sorts).length ? { extension: [{ url: 'http://medassist.example/fhir/StructureDefinition/sort-keys', valueString: Object.keys(definition.sorts).join(',') }] } : {}),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-24',
    publisher: 'Medassist',
    kind: 'instance',
    software: { name: 'Medassist', version: software.version },
    implementation: { description: 'Medassist FHIR R4 API', url: baseUrl },
    instantiates: ['http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: 'OAuth 2.0 client credentials at /oauth2/token with SMART system scopes (system/<Type>.read|write|cruds), or a staff session. Every read and write is audited.',
          extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: [{ url: 'token', valueUri: baseUrl.replace(/\/fhir\/R4$/, '/oauth2/token') }] }],
        },
        resource: resources,
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
        // FHIR Bulk Data (async kick-off, status polling, NDJSON files): _type, _since, _outputFormat=ndjson.
        operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
        searchParam: [
          { name: '_count', type: 'number', documentation: 'Page size (default 20, at most 1000).' },
          { name: '_sort', type: 'string', documentation: 'One sort key, - for descending.' },
          { name: '_summary', type: 'token', documentation: 'count: a Bundle with the exact total only.' },
          { name: '_total', type: 'token', documentation: 'accurate: include the exact total with the page.' },
        ],
      },
    ],
  };
}
