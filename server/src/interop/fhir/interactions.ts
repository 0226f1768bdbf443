import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Bundle, BundleEntry, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { AppError, recordAudit } from '../../platform/index.js';
import { scopesAllow } from '../../platform/auth/scopes.js';
import type { Database } from '../../platform/db/schema.js';
import { decide } from '../../platform/policy/policy-table.js';
import { check, ID_PATTERN } from './core/fhir-values.js';
import { StoredJson } from './core/fhir-http.js';
import { FhirError } from './core/operation-outcome.js';
import type { Candidate, FhirContext, Interaction, ResourceDefinition } from './core/resource-definition.js';
import { definitionOf } from './core/resource-registry.js';
import { findCandidate, findHistory, lockResourceId, storeVersion } from './core/resource-store.repository.js';
import { findMatches } from './search/search.js';

type Access = 'read' | 'search' | 'create' | 'update';
type Db = Kysely<Database> | Transaction<Database>;

/**
 * Runs `work` in the caller's transaction, or in a new one. Reads do not need one: each is a single
 * statement, and its audit entry joins the audit group commit (recordAudit outside a transaction).
 */
export function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : (db as Kysely<Database>).transaction().execute(work);
}
const scopeLetter = { read: 'r', search: 's', create: 'c', update: 'u' } as const;

/**
 * The FHIR layer's second gate, per resource type: SMART system scopes for bearer clients, then the
 * policy table's action for the type. Refusals are audited (outside any rolled-back transaction).
 */
export async function authorize(db: Kysely<Database>, context: FhirContext, definition: ResourceDefinition, access: Access): Promise<void> {
  const refuse = async (reason: string, policy: string) => {
    await recordAudit(db, context.audit, { action: 'policy-refused', outcome: 'refused', reason, details: { policy, resourceType: definition.type } });
    throw new AppError('FORBIDDEN_BY_POLICY', { message: reason, details: { policy } });
  };
  if (context.actor.kind === 'client' && !scopesAllow(context.actor.scopes, definition.type, scopeLetter[access])) {
    await refuse(`This token's scopes do not allow ${access} on ${definition.type} (needs system/${definition.type}.${scopeLetter[access]} or a wider scope).`, `scope:${definition.type}.${scopeLetter[access]}`);
  }
  const action = access === 'read' ? definition.policy.read : access === 'search' ? definition.policy.search : definition.policy.write;
  if (!action) throw new FhirError(405, 'not-supported', `${definition.type} is read-only here.`);
  const decision = decide(action, context.actor.roles);
  if (!decision.allowed) await refuse(decision.reason, action);
}

export function supports(definition: ResourceDefinition, interaction: Interaction): void {
  if (!definition.interactions.includes(interaction)) throw new FhirError(405, 'not-supported', `${interaction} is not supported for ${definition.type}.`);
}

/** The resource as served: the definition's view of the candidate with our id and meta. */
export function present(definition: ResourceDefinition, candidate: Candidate, baseUrl: string): Resource {
  const resource = definition.toResource(candidate, baseUrl);
  return { ...resource, id: candidate.id, meta: { ...resource.meta, versionId: String(candidate.versionId), lastUpdated: candidate.lastUpdated.toISOString() } } as Resource;
}

async function getCurrent(db: Kysely<Database> | Transaction<Database>, definition: ResourceDefinition, context: FhirContext, id: string): Promise<Candidate> {
  const candidate = ID_PATTERN.test(id) ? await findCandidate(db, definition, context, id) : null;
  if (!candidate) throw new FhirError(404, 'not-found', `${definition.type}/${id.slice(0, 64)} is not known.`);
  if (candidate.deleted) throw new FhirError(410, 'deleted', `${definition.type}/${id} was deleted.`);
  return candidate;
}

/** As `present`, or the stored JSON's text itself when the type serves it as it is (nothing to parse or build). */
export function presentForSending(definition: ResourceDefinition, candidate: Candidate, baseUrl: string): Resource | StoredJson {
  if (definition.servesStoredWhenFresh && candidate.isFresh && candidate.storedText) return new StoredJson(candidate.storedText);
  return present(definition, candidate, baseUrl);
}

/** Finds one resource's current version and audits the read. */
export async function readCurrent(db: Db, context: FhirContext, type: string, id: string): Promise<{ definition: ResourceDefinition; candidate: Candidate }> {
  const definition = definitionOf(type);
  supports(definition, 'read');
  if (!db.isTransaction) await authorize(db as Kysely<Database>, context, definition, 'read');
  const candidate = await getCurrent(db, definition, context, id);
  await recordAudit(db, context.audit, { action: 'read', recordType: type, recordId: id, patientId: definition.auditPatientId?.(candidate) ?? null, details: { via: 'fhir' } });
  return { definition, candidate };
}

/** Reads one resource and audits the read. */
export async function readResource(db: Db, context: FhirContext, type: string, id: string): Promise<Resource> {
  const { definition, candidate } = await readCurrent(db, context, type, id);
  return present(definition, candidate, context.baseUrl);
}

/** Reads one version of a resource (vread) and audits the read. */
export async function readVersion(db: Db, context: FhirContext, type: string, id: string, versionId: string): Promise<Resource> {
  const definition = definitionOf(type);
  supports(definition, 'vread');
  if (!db.isTransaction) await authorize(db as Kysely<Database>, context, definition, 'read');
  const candidate = await getCurrent(db, definition, context, id);
  await recordAudit(db, context.audit, { action: 'read', recordType: type, recordId: id, patientId: definition.auditPatientId?.(candidate) ?? null, details: { via: 'fhir', versionId } });
  if (String(candidate.versionId) === versionId) return present(definition, candidate, context.baseUrl);
  const version = (await findHistory(db, context.organizationId, type, id)).find((item) => String(item.versionId) === versionId);
  if (!version) throw new FhirError(404, 'not-found', `${type}/${id} has no version ${versionId.slice(0, 20)} (versions made in the app before the current one are not kept as FHIR versions).`);
  return { ...version.resource, id, meta: { ...version.resource.meta, versionId: String(version.versionId), lastUpdated: version.lastUpdated.toISOString() } } as Resource;
}

/** The versions of one resource, newest first, as a history Bundle; audited as a read. */
export async function readHistory(db: Db, context: FhirContext, type: string, id: string): Promise<Bundle> {
  const definition = definitionOf(type);
  supports(definition, 'history-instance');
  if (!db.isTransaction) await authorize(db as Kysely<Database>, context, definition, 'read');
  const candidate = await getCurrent(db, definition, context, id);
  await recordAudit(db, context.audit, { action: 'read', recordType: type, recordId: id, patientId: definition.auditPatientId?.(candidate) ?? null, details: { via: 'fhir', history: true } });
  const versions = (await findHistory(db, context.organizationId, type, id)).map((version) => ({
    versionId: version.versionId,
    resource: { ...version.resource, id, meta: { ...version.resource.meta, versionId: String(version.versionId), lastUpdated: version.lastUpdated.toISOString() } } as Resource,
  }));
  if (!versions.some((version) => version.versionId === candidate.versionId)) versions.unshift({ versionId: candidate.versionId, resource: present(definition, candidate, context.baseUrl) });
  const entries: BundleEntry[] = versions.map(({ versionId, resource }) => ({
    fullUrl: `${context.baseUrl}/${type}/${id}`,
    resource,
    request: { method: versionId === 1 ? 'POST' : 'PUT', url: versionId === 1 ? type : `${type}/${id}` },
    response: { status: versionId === 1 ? '201' : '200', etag: `W/"${versionId}"`, lastModified: resource.meta!.lastUpdated! },
  }));
  return { resourceType: 'Bundle', type: 'history', total: entries.length, link: [{ relation: 'self', url: `${context.baseUrl}/${type}/${id}/_history` }], entry: entries };
}

/** Generic checks every submitted resource passes before the type's own. */
export function checkSubmitted(definition: ResourceDefinition, body: unknown, id: string | undefined): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FhirError(400, 'structure', 'The body must be a FHIR resource (a JSON object).');
  const resource = body as Resource & Record<string, unknown>;
  if (typeof resource.resourceType !== 'string') throw new FhirError(400, 'structure', 'The body has no resourceType.', { expression: ['resourceType'] });
  if (resource.resourceType !== definition.type) {
    throw new FhirError(400, 'invalid', `The body is a ${String(resource.resourceType).slice(0, 64)}, but this endpoint takes ${definition.type}.`, { expression: ['resourceType'] });
  }
  if (id !== undefined && resource.id !== undefined && resource.id !== id) {
    throw new FhirError(400, 'invalid', `The body's id (${String(resource.id).slice(0, 64)}) differs from the id in the URL.`, { expression: [`${definition.type}.id`] });
  }
  if (resource.id !== undefined && (typeof resource.id !== 'string' || !ID_PATTERN.test(resource.id))) {
    throw new FhirError(422, 'invalid', `${definition.type}.id must be 1–64 letters, digits, '-' or '.'.`, { expression: [`${definition.type}.id`] });
  }
  if (resource.meta !== undefined) check.object(resource.meta, `${definition.type}.meta`);
  definition.validate?.(resource);
  return resource;
}

export interface WriteOutcome {
  resource: Resource;
  created: boolean;
  warnings: OperationOutcomeIssue[];
}

async function writeVersion(
  trx: Transaction<Database>,
  context: FhirContext,
  definition: ResourceDefinition,
  write: { id: string; resource: Resource; current: Candidate | null },
): Promise<WriteOutcome> {
  const { id, current } = write;
  if (current?.row && !definition.writeMapped) {
    throw new FhirError(405, 'not-supported', `${definition.type}/${id} is Medassist's own record (staff directory, clinic or location settings); it is read-only through FHIR.`);
  }
  const versionId = (current?.versionId ?? 0) + 1;
  const now = new Date();
  const mapped = definition.writeMapped ? await definition.writeMapped(trx, context, { id, resource: write.resource, current, versionId, now }) : { patientId: null, warnings: [] };
  const { meta, ...content } = write.resource;
  const stored = { ...content, id, meta: { ...meta, versionId: String(versionId), lastUpdated: now.toISOString() } } as Resource;
  await storeVersion(trx, { organizationId: context.organizationId, resourceType: definition.type, id, versionId, lastUpdated: now, resource: stored, patientId: mapped.patientId, rowId: mapped.rowId ?? null });
  await recordAudit(trx, context.audit, [...(mapped.auditEntries ?? []), {
    action: current ? 'update' : 'create',
    recordType: definition.type,
    recordId: id,
    patientId: mapped.auditPatientId ?? mapped.patientId,
    details: { via: 'fhir', versionId, ...(mapped.warnings.length ? { warnings: mapped.warnings.map((warning) => warning.code) } : {}) },
  }]);
  return { resource: stored, created: !current, warnings: mapped.warnings };
}

/**
 * Creates a resource (server-assigned id). With `ifNoneExist` (a search query) an existing single
 * match is returned instead; several matches refuse with 412.
 */
export async function createResource(
  trx: Transaction<Database>,
  context: FhirContext,
  type: string,
  body: unknown,
  options: { ifNoneExist?: string | undefined; id?: string } = {},
): Promise<WriteOutcome> {
  const definition = definitionOf(type);
  supports(definition, 'create');
  const resource = checkSubmitted(definition, body, undefined);
  if (options.ifNoneExist !== undefined) {
    const matches = await findMatches(trx, context, definition, new URLSearchParams(options.ifNoneExist.replace(/^[^?]*\?/, '')), 2);
    if (matches.length > 1) throw new FhirError(412, 'duplicate', `If-None-Exist matched ${matches.length} or more ${type} resources; nothing was created.`);
    if (matches.length === 1) {
      await recordAudit(trx, context.audit, { action: 'read', recordType: type, recordId: matches[0]!.id, patientId: definition.auditPatientId?.(matches[0]!) ?? null, details: { via: 'fhir', ifNoneExist: true } });
      return { resource: present(definition, matches[0]!, context.baseUrl), created: false, warnings: [] };
    }
  }
  return writeVersion(trx, context, definition, { id: options.id ?? randomUUID(), resource, current: null });
}

/**
 * Updates a resource, or creates it at a client-chosen id when it does not exist (update as create).
 * `ifMatch` is the version the client saw: a different current version refuses with 412.
 */
export async function updateResource(
  trx: Transaction<Database>,
  context: FhirContext,
  type: string,
  id: string,
  body: unknown,
  options: { ifMatch?: number | undefined } = {},
): Promise<WriteOutcome> {
  const definition = definitionOf(type);
  supports(definition, 'update');
  if (!ID_PATTERN.test(id)) throw new FhirError(400, 'invalid', 'The id in the URL must be 1–64 letters, digits, \'-\' or \'.\'.');
  const resource = checkSubmitted(definition, body, id);
  await lockResourceId(trx, context.organizationId, type, id);
  const current = await findCandidate(trx, definition, context, id);
  const live = current && !current.deleted ? current : null;
  if (options.ifMatch !== undefined && (live?.versionId ?? 0) !== options.ifMatch) {
    throw new FhirError(412, 'conflict', live
      ? `${type}/${id} is at version ${live.versionId}, not ${options.ifMatch}; read it again and reapply the change.`
      : `${type}/${id} does not exist, so If-Match ${options.ifMatch} cannot hold.`);
  }
  return writeVersion(trx, context, definition, { id, resource, current: live ?? (current ? { ...current, deleted: false } : null) });
}

/** Checks create/update access for a type (outside the write transaction, so the refusal audit survives). */
export async function authorizeWrite(db: Kysely<Database>, context: FhirContext, type: string, access: 'create' | 'update'): Promise<void> {
  const definition = definitionOf(type);
  supports(definition, access === 'create' ? 'create' : 'update');
  await authorize(db, context, definition, access);
}
