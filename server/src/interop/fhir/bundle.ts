import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Bundle, BundleEntry, BundleEntryResponse, Resource } from '@medplum/fhirtypes';
import type { Database } from '../../platform/db/schema.js';
import { reserveMrns } from '../../front-desk/index.js';
import { canWriteBatch, createResourcesBatch } from './batch-write.js';
import { authorize, checkSubmitted, createResource, inTransaction, present, readResource, supports, updateResource, type WriteOutcome } from './interactions.js';
import { FhirError, outcome, toOutcome } from './core/operation-outcome.js';
import type { FhirContext } from './core/resource-definition.js';
import { definitionOf } from './core/resource-registry.js';
import { findMatches, searchResources } from './search/search.js';

export const MAX_BUNDLE_ENTRIES = 10_000;
const URN_UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

interface PlannedEntry {
  index: number;
  method: 'GET' | 'POST' | 'PUT';
  type: string;
  id: string | undefined;
  query: string | undefined;
  resource: Resource | undefined;
  ifNoneExist: string | undefined;
  ifMatch: number | undefined;
}

function planEntry(entry: BundleEntry, index: number): PlannedEntry {
  const at = `Bundle.entry[${index}]`;
  const request = entry.request;
  if (!request || typeof request.url !== 'string' || typeof request.method !== 'string') throw new FhirError(422, 'required', `${at}.request needs a method and url.`, { expression: [`${at}.request`] });
  const method = request.method;
  if (method !== 'GET' && method !== 'POST' && method !== 'PUT') throw new FhirError(422, 'not-supported', `${at}: ${method} entries are not supported (GET, POST, PUT).`, { expression: [`${at}.request.method`] });
  const [path, query] = request.url.replace(/^\//, '').split('?') as [string, string | undefined];
  const [type, id, ...rest] = path.split('/');
  if (!type || rest.length > 0 || (method === 'POST' && id) || (method === 'PUT' && (!id || query)) ) {
    throw new FhirError(422, 'invalid', `${at}.request.url ${request.url.slice(0, 100)} does not fit ${method} (POST Type, PUT Type/id, GET Type/id or Type?query).`, { expression: [`${at}.request.url`] });
  }
  if (method !== 'GET' && (typeof entry.resource !== 'object' || entry.resource === null)) throw new FhirError(422, 'required', `${at} has no resource.`, { expression: [`${at}.resource`] });
  const ifMatch = request.ifMatch ? /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(request.ifMatch)?.[1] : undefined;
  return { index, method, type, id, query, resource: entry.resource, ifNoneExist: request.ifNoneExist, ifMatch: ifMatch ? Number(ifMatch) : undefined };
}

/** Replaces every `reference` that names a urn:uuid of the Bundle with Type/id; returns the ones that name none. */
function resolveReferences(value: unknown, ids: Map<string, string>, unresolved: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, ids, unresolved));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (key === 'reference' && typeof item === 'string' && item.startsWith('urn:uuid:')) {
        const resolved = ids.get(item.toLowerCase());
        if (!resolved) unresolved.add(item);
        return [key, resolved ?? item];
      }
      return [key, resolveReferences(item, ids, unresolved)];
    }),
  );
}

function writeResponse(result: WriteOutcome): BundleEntryResponse {
  const versionId = result.resource.meta?.versionId ?? '1';
  return {
    status: result.created ? '201 Created' : '200 OK',
    location: `${result.resource.resourceType}/${result.resource.id}/_history/${versionId}`,
    etag: `W/"${versionId}"`,
    lastModified: result.resource.meta?.lastUpdated,
    ...(result.warnings.length ? { outcome: outcome(result.warnings) } : {}),
  };
}

/**
 * A `transaction` (all entries in one database transaction, all or nothing) or `batch` (each
 * entry on its own). urn:uuid references are resolved across entries before anything is written.
 */
export async function processBundle(db: Kysely<Database>, context: FhirContext, body: unknown, options: { batch?: boolean } = {}): Promise<Bundle> {
  if (typeof body !== 'object' || body === null || (body as Resource).resourceType !== 'Bundle') {
    throw new FhirError(400, 'invalid', 'POST to the base URL takes a Bundle of type transaction or batch.', { expression: ['resourceType'] });
  }
  const bundle = body as Bundle;
  if (bundle.type !== 'transaction' && bundle.type !== 'batch') throw new FhirError(422, 'invalid', 'Bundle.type must be transaction or batch.', { expression: ['Bundle.type'] });
  const entries = bundle.entry ?? [];
  if (!Array.isArray(entries)) throw new FhirError(422, 'invalid', 'Bundle.entry must be an array.', { expression: ['Bundle.entry'] });
  if (entries.length > MAX_BUNDLE_ENTRIES) throw new FhirError(422, 'too-costly', `A Bundle may hold at most ${MAX_BUNDLE_ENTRIES} entries; this one has ${entries.length}.`, { expression: ['Bundle.entry'] });
  const isTransaction = bundle.type === 'transaction';

  const planned: Array<PlannedEntry | FhirError> = entries.map((entry, index) => {
    try {
      return planEntry(entry, index);
    } catch (error) {
      if (isTransaction) throw error;
      return error as FhirError;
    }
  });
  const plans = planned.filter((plan): plan is PlannedEntry => !(plan instanceof FhirError));
  // Access first, outside the write transaction, so refusals are audited even when nothing is written.
  const checked = new Set<string>();
  const refused = new Map<number, unknown>();
  for (const plan of plans) {
    const access = plan.method === 'GET' ? (plan.id ? 'read' : 'search') : plan.method === 'POST' ? 'create' : 'update';
    const key = `${plan.type}:${access}`;
    try {
      const definition = definitionOf(plan.type);
      if (!checked.has(key)) await authorize(db, context, definition, access);
      checked.add(key);
    } catch (error) {
      if (isTransaction) throw error;
      refused.set(plan.index, error);
    }
  }

  // New Patients take MRNs reserved here, in one short statement committed at once: concurrent
  // transactions then never queue on the organization's MRN counter for their whole length.
  // (MRNs reserved and not used, e.g. by a transaction that fails, are skipped, never given twice.)
  const newPatients = plans.filter((plan) => plan.method === 'POST' && plan.type === 'Patient').length;
  if (newPatients > 0) context = { ...context, reservedMrns: await reserveMrns(db, context.organizationId, newPatients) };

  // Ids for every entry a urn:uuid can name: server-assigned for POST, the URL's for PUT.
  const ids = new Map<string, string>();
  const assigned = new Map<number, string>();
  for (const plan of plans) {
    const fullUrl = entries[plan.index]!.fullUrl;
    if (plan.method === 'GET') continue;
    const id = plan.method === 'PUT' ? plan.id! : randomUUID();
    assigned.set(plan.index, id);
    if (fullUrl && URN_UUID.test(fullUrl)) ids.set(fullUrl.toLowerCase(), `${plan.type}/${id}`);
  }

  // Each entry's resource with its urn:uuid references resolved: once per entry (a transaction resolves them all before writing).
  const resolvedResources = new Map<number, Resource>();
  const resolvedResource = (plan: PlannedEntry): Resource => {
    const known = resolvedResources.get(plan.index);
    if (known) return known;
    const unresolved = new Set<string>();
    const resource = resolveReferences(plan.resource, ids, unresolved) as Resource;
    if (unresolved.size > 0) {
      throw new FhirError(422, 'not-found', `These urn:uuid references name no entry of the Bundle: ${[...unresolved].join(', ')}.`, { expression: [`Bundle.entry[${plan.index}].resource`] });
    }
    return resource;
  };
  const entryError = (plan: PlannedEntry, error: unknown) =>
    error instanceof FhirError ? new FhirError(error.status, error.issueType, `Bundle.entry[${plan.index}]: ${error.message} Nothing in the transaction was saved.`, error.options) : error;

  const run = async (trx: import('kysely').Transaction<Database>, plan: PlannedEntry): Promise<BundleEntry> => {
    if (plan.method === 'GET') {
      if (plan.id) return { resource: await readResource(trx, context, plan.type, plan.id), response: { status: '200 OK' } };
      const definition = definitionOf(plan.type);
      const result = await searchResources(trx, context, definition, new URLSearchParams(plan.query ?? ''), (candidate) => present(definition, candidate, context.baseUrl));
      return { resource: result, response: { status: '200 OK' } };
    }
    const resource = resolvedResource(plan);
    const result = plan.method === 'POST'
      ? await createResource(trx, context, plan.type, resource, { ifNoneExist: plan.ifNoneExist, id: assigned.get(plan.index)! })
      : await updateResource(trx, context, plan.type, plan.id!, resource, { ifMatch: plan.ifMatch });
    return { fullUrl: `${context.baseUrl}/${result.resource.resourceType}/${result.resource.id}`, resource: result.resource, response: writeResponse(result) };
  };

  const responses: BundleEntry[] = new Array(entries.length);
  /**
   * Creates of one type, in the Bundle's order: each entry is checked as createResource checks it;
   * the entries before the first that fails the checks are written together; the first entry that
   * failed (checks or writing), in order, fails the transaction, as it would one by one.
   */
  const writeRun = async (trx: import('kysely').Transaction<Database>, run: PlannedEntry[]): Promise<void> => {
    const definition = definitionOf(run[0]!.type);
    const checked: Array<{ plan: PlannedEntry; resource: Resource }> = [];
    let refused: { plan: PlannedEntry; error: unknown } | undefined;
    for (const plan of run) {
      try {
        supports(definition, 'create');
        checked.push({ plan, resource: checkSubmitted(definition, resolvedResource(plan), undefined) });
      } catch (error) {
        refused = { plan, error };
        break;
      }
    }
    const written = checked.length ? await createResourcesBatch(trx, context, definition, checked.map(({ plan, resource }) => ({ id: assigned.get(plan.index)!, resource }))) : [];
    written.forEach((outcome, index) => {
      const { plan } = checked[index]!;
      if ('error' in outcome) throw entryError(plan, outcome.error);
      const result: WriteOutcome = { resource: outcome.resource, created: true, warnings: [] };
      responses[plan.index] = { fullUrl: `${context.baseUrl}/${definition.type}/${outcome.resource.id}`, resource: outcome.resource, response: writeResponse(result) };
    });
    if (refused) throw entryError(refused.plan, refused.error);
  };

  if (isTransaction) {
    // Conditional creates that match an existing resource: references to their urn:uuid name the match.
    await inTransaction(db, async (trx) => {
      for (const plan of plans) {
        if (plan.method !== 'POST' || !plan.ifNoneExist) continue;
        const matches = await findMatches(trx, context, definitionOf(plan.type), new URLSearchParams(plan.ifNoneExist.replace(/^[^?]*\?/, '')), 2);
        const fullUrl = entries[plan.index]!.fullUrl;
        if (matches.length === 1 && fullUrl && URN_UUID.test(fullUrl)) ids.set(fullUrl.toLowerCase(), `${plan.type}/${matches[0]!.id}`);
      }
      const unresolved = new Set<string>();
      for (const plan of plans) {
        if (plan.method !== 'GET') resolvedResources.set(plan.index, resolveReferences(plan.resource, ids, unresolved) as Resource);
      }
      if (unresolved.size > 0) throw new FhirError(422, 'not-found', `These urn:uuid references name no entry of the Bundle: ${[...unresolved].join(', ')}.`, { expression: ['Bundle.entry'] });
      // FHIR's processing order: POST, then PUT, then GET; the answers keep the Bundle's order.
      const order = { POST: 0, PUT: 1, GET: 2 } as const;
      const sorted = [...plans].sort((a, b) => order[a.method] - order[b.method] || a.index - b.index);
      // A run of consecutive plain creates of one type with a batch writer is written in a few
      // statements (writeRun), with the same rows, alerts and audit entries as one by one.
      const batchable = (plan: PlannedEntry) => options.batch !== false && plan.method === 'POST' && !plan.ifNoneExist && canWriteBatch(definitionOf(plan.type));
      for (let at = 0; at < sorted.length;) {
        const plan = sorted[at]!;
        let end = at + 1;
        if (batchable(plan)) while (end < sorted.length && sorted[end]!.type === plan.type && batchable(sorted[end]!)) end++;
        if (end - at > 1) {
          await writeRun(trx, sorted.slice(at, end));
        } else {
          try {
            responses[plan.index] = await run(trx, plan);
          } catch (error) {
            throw entryError(plan, error);
          }
        }
        at = end;
      }
    });
    return { resourceType: 'Bundle', type: 'transaction-response', entry: responses };
  }
  for (let index = 0; index < entries.length; index++) {
    const plan = planned[index]!;
    const failure = plan instanceof FhirError ? plan : refused.get(index);
    if (failure) {
      const { status, body: problem } = toOutcome(failure);
      responses[index] = { response: { status: String(status), outcome: problem } };
      continue;
    }
    try {
      responses[index] = await inTransaction(db, (trx) => run(trx, plan as PlannedEntry));
    } catch (error) {
      const { status, body: problem } = toOutcome(error);
      responses[index] = { response: { status: String(status), outcome: problem } };
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', entry: responses };
}
