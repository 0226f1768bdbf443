import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { recordAudit } from '../../../platform/index.js';
import type { Database } from '../../../platform/db/schema.js';
import { FhirError } from '../core/operation-outcome.js';
import type { StoredJson } from '../core/fhir-http.js';
import type { Candidate, FhirContext, ResourceDefinition, SearchNarrowing, SearchParameterDefinition } from '../core/resource-definition.js';
import { definitionOf } from '../core/resource-registry.js';
import { countCandidates, findCandidatesWhere, searchCandidates } from '../core/resource-store.repository.js';
import { decodeCursor, encodeCursor, parameterPredicate, type Cursor } from './search-sql.js';

type Db = Kysely<Database> | Transaction<Database>;

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;
/** Result parameters the search understands besides the type's own search parameters. */
const RESULT_PARAMETERS = ['_count', '_sort', '_summary', '_total', '_cursor', '_format', '_include', '_revinclude'];
/** At most this many resources are added to a page by each `_include`/`_revinclude`. */
export const MAX_INCLUDED = 1000;

/** `_include=Observation:patient` (the matches' patients) or `_revinclude=Observation:patient` (the Observations naming the matches). */
export interface IncludeSpec {
  kind: 'include' | 'revinclude';
  /** The type whose reference parameter is followed. */
  source: ResourceDefinition;
  parameter: SearchParameterDefinition;
  /** The type the reference names. */
  target: ResourceDefinition;
}

function parseInclude(definition: ResourceDefinition, kind: 'include' | 'revinclude', value: string, modifier: string | undefined): IncludeSpec {
  const label = `_${kind}`;
  if (modifier) throw new FhirError(400, 'not-supported', `${label}:${modifier.slice(0, 20)} is not supported (no :iterate).`);
  const [typeName, parameterName, targetName, ...rest] = value.split(':');
  if (!typeName || !parameterName || rest.length > 0) throw new FhirError(400, 'invalid', `${label} takes Type:parameter (e.g. Observation:patient).`);
  const source = definitionOf(typeName);
  const parameter = source.searchParameters.find((candidate) => candidate.name === parameterName && candidate.match === 'reference');
  if (!parameter?.target) throw new FhirError(400, 'not-supported', `${typeName}:${parameterName.slice(0, 64)} is not a reference search parameter of ${typeName}.`);
  if (targetName !== undefined && targetName !== parameter.target) throw new FhirError(400, 'not-supported', `${typeName}:${parameterName} names ${parameter.target} resources, not ${targetName.slice(0, 64)}.`);
  const target = definitionOf(parameter.target);
  if (kind === 'include' && source.type !== definition.type) throw new FhirError(400, 'invalid', `_include on a ${definition.type} search must start with ${definition.type}: (e.g. ${definition.type}:patient).`);
  if (kind === 'revinclude' && target.type !== definition.type) throw new FhirError(400, 'invalid', `_revinclude=${value} does not name ${definition.type} resources.`);
  return { kind, source, parameter, target };
}

interface ParsedSearch {
  where: RawBuilder<boolean>[];
  count: number;
  sort: { name: string; descending: boolean; key: RawBuilder<string> };
  summaryCount: boolean;
  totalAccurate: boolean;
  cursor: Cursor | undefined;
  /** The parameters that shape the result set, for self and next links (the cursor left out). */
  echo: Array<[string, string]>;
  includes: IncludeSpec[];
  narrowing: SearchNarrowing;
}

/** Reads a search query: every parameter must be one the type lists (unknown ones are refused, 400). */
export function parseSearch(definition: ResourceDefinition, parameters: URLSearchParams): ParsedSearch {
  const where: RawBuilder<boolean>[] = [];
  const echo: Array<[string, string]> = [];
  let count = DEFAULT_PAGE_SIZE;
  let sortParameter = '_id';
  let summaryCount = false;
  let totalAccurate = false;
  let cursor: Cursor | undefined;
  const includes: IncludeSpec[] = [];
  const narrowing: SearchNarrowing = [];
  for (const [rawName, value] of parameters) {
    const [name, modifier] = rawName.split(':') as [string, string | undefined];
    if (RESULT_PARAMETERS.includes(name)) {
      if (name === '_cursor') {
        cursor = decodeCursor(value);
        continue;
      }
      if (name === '_format') continue;
      echo.push([rawName, value]);
      if (name === '_include' || name === '_revinclude') {
        includes.push(parseInclude(definition, name === '_include' ? 'include' : 'revinclude', value, modifier));
        continue;
      }
      if (name === '_count') {
        if (!/^\d+$/.test(value)) throw new FhirError(400, 'invalid', '_count must be a whole number.');
        count = Math.min(Number(value), MAX_PAGE_SIZE);
      } else if (name === '_sort') {
        const keys = value.split(',');
        if (keys.length > 1) throw new FhirError(400, 'not-supported', '_sort takes one key here (e.g. family, birthdate, -_lastUpdated).');
        sortParameter = keys[0]!;
      } else if (name === '_summary') {
        if (value === 'count') summaryCount = true;
        else if (value !== 'false') throw new FhirError(400, 'not-supported', '_summary supports count and false.');
      } else if (name === '_total') {
        if (!['none', 'estimate', 'accurate'].includes(value)) throw new FhirError(400, 'invalid', '_total is none, estimate or accurate.');
        totalAccurate = value !== 'none';
      }
      continue;
    }
    const definitionOfParameter = definition.searchParameters.find((candidate) => candidate.name === name);
    if (!definitionOfParameter) {
      throw new FhirError(400, 'not-supported', `${definition.type} has no search parameter ${name.slice(0, 64)} (see /fhir/R4/metadata).`);
    }
    where.push(parameterPredicate(definitionOfParameter, modifier, value));
    if (definitionOfParameter.match === 'strings' && modifier !== 'missing') narrowing.push({ parameter: name, modifier, values: value.split(/(?<!\\),/).map((item) => item.replace(/\\,/g, ',')) });
    echo.push([rawName, value]);
  }
  const descending = sortParameter.startsWith('-');
  const sortName = descending ? sortParameter.slice(1) : sortParameter;
  const key = definition.sorts[sortName];
  if (!key) throw new FhirError(400, 'not-supported', `${definition.type} cannot be sorted by ${sortName.slice(0, 64)}; use one of ${Object.keys(definition.sorts).join(', ')}.`);
  return { where, count, sort: { name: sortName, descending, key }, summaryCount, totalAccurate, cursor, echo, includes, narrowing };
}

/** Up to `limit` matches of a search query (If-None-Exist, conditional references). */
export async function findMatches(db: Db, context: FhirContext, definition: ResourceDefinition, parameters: URLSearchParams, limit: number): Promise<Candidate[]> {
  const parsed = parseSearch(definition, parameters);
  if (parsed.where.length === 0) throw new FhirError(400, 'invalid', 'A conditional request needs at least one search parameter.');
  return searchCandidates(db, definition, context, { where: parsed.where, sortKey: parsed.sort.key, descending: false, limit, narrowing: parsed.narrowing });
}

const queryString = (pairs: Array<[string, string]>) => new URLSearchParams(pairs).toString();

/**
 * A searchset Bundle: one page in (sort key, id) order; the next link carries a keyset cursor, so
 * inserts between pages neither repeat nor skip entries. `_summary=count` answers the exact total only.
 * The search is audited (parameter names only: the values can be patient data).
 */
export async function searchResources(
  db: Db,
  context: FhirContext,
  definition: ResourceDefinition,
  parameters: URLSearchParams,
  present: (candidate: Candidate) => Resource | StoredJson,
  includeAccess?: IncludeAccess,
): Promise<Bundle> {
  const parsed = parseSearch(definition, parameters);
  if (parsed.includes.length > 0) {
    if (!includeAccess) throw new FhirError(400, 'not-supported', '_include and _revinclude are supported on searches at /fhir/R4/<Type>, not inside Bundles.');
    // Access to every included type first, outside the search's transaction (refusals are audited).
    for (const include of parsed.includes) await includeAccess.authorize(include.kind === 'include' ? include.target : include.source);
  }
  const selfUrl = `${context.baseUrl}/${definition.type}${parsed.echo.length ? `?${queryString(parsed.echo)}` : ''}`;
  // No transaction of its own: the statements only read, and the audit entry joins the group commit.
  return searchPage(db, context, definition, parsed, selfUrl, present, includeAccess);
}

/** How a search presents and authorizes the resources `_include`/`_revinclude` add (the caller's interactions). */
export interface IncludeAccess {
  authorize(definition: ResourceDefinition): Promise<void>;
  present(definition: ResourceDefinition, candidate: Candidate): Resource | StoredJson;
}

/** The resources the page's `_include`/`_revinclude` parameters add, each once and never one of the matches. */
async function includedEntries(trx: Db, context: FhirContext, parsed: ParsedSearch, page: Candidate[], matchType: string, access: IncludeAccess): Promise<{ entries: BundleEntry[]; patientIds: string[] }> {
  const seen = new Set(page.map((candidate) => `${matchType}/${candidate.id}`));
  const entries: BundleEntry[] = [];
  const patientIds: string[] = [];
  const pageIds = page.map((candidate) => candidate.id);
  for (const include of parsed.includes) {
    const column = sql.ref(`r.${include.parameter.column}`);
    let found: Candidate[];
    if (include.kind === 'include') {
      const references = await sql<{ ref: string }>`
        select distinct ${column} as ref from ${include.source.source(context.organizationId, context.actor)} as r
        where r.id in (${sql.join(pageIds.map((id) => sql`${id}`))}) and ${column} is not null`.execute(trx);
      const ids = references.rows.map((row) => row.ref);
      found = ids.length ? await findCandidatesWhere(trx, include.target, context, sql<boolean>`r.id in (${sql.join(ids.map((id) => sql`${id}`))})`, MAX_INCLUDED) : [];
    } else {
      found = await findCandidatesWhere(trx, include.source, context, sql<boolean>`${column} in (${sql.join(pageIds.map((id) => sql`${id}`))})`, MAX_INCLUDED);
    }
    const type = include.kind === 'include' ? include.target : include.source;
    for (const candidate of found) {
      const key = `${type.type}/${candidate.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const patientId = type.auditPatientId?.(candidate);
      if (patientId) patientIds.push(patientId);
      entries.push({ fullUrl: `${context.baseUrl}/${key}`, resource: access.present(type, candidate) as Resource, search: { mode: 'include' } });
    }
  }
  return { entries, patientIds };
}

async function searchPage(
  trx: Db,
  context: FhirContext,
  definition: ResourceDefinition,
  parsed: ParsedSearch,
  selfUrl: string,
  present: (candidate: Candidate) => Resource | StoredJson,
  includeAccess?: IncludeAccess,
): Promise<Bundle> {
  {
    const audit = (count: number, patientIds: string[]) =>
      recordAudit(trx, context.audit, {
        action: 'search', recordType: definition.type,
        details: { via: 'fhir', parameters: [...new Set(parsed.echo.map(([name]) => name))], count, ...(patientIds.length ? { patientIds: patientIds.slice(0, 1000) } : {}) },
      });
    if (parsed.summaryCount) {
      const total = await countCandidates(trx, definition, context, parsed.where, parsed.narrowing);
      await audit(total, []);
      return { resourceType: 'Bundle', type: 'searchset', total, link: [{ relation: 'self', url: selfUrl }] };
    }
    const rows = parsed.count === 0 ? [] : await searchCandidates(trx, definition, context, {
      where: parsed.where, sortKey: parsed.sort.key, descending: parsed.sort.descending, limit: parsed.count + 1, narrowing: parsed.narrowing, ...(parsed.cursor ? { after: parsed.cursor } : {}),
    });
    const page = rows.slice(0, parsed.count);
    const last = page.at(-1);
    const links: NonNullable<Bundle['link']> = [{ relation: 'self', url: parsed.cursor ? `${selfUrl}${parsed.echo.length ? '&' : '?'}_cursor=${encodeCursor(parsed.cursor)}` : selfUrl }];
    if (rows.length > parsed.count && last) {
      links.push({ relation: 'next', url: `${context.baseUrl}/${definition.type}?${queryString([...parsed.echo, ['_cursor', encodeCursor({ key: last.sortKey ?? '', id: last.id })]])}` });
    }
    const total = parsed.totalAccurate ? await countCandidates(trx, definition, context, parsed.where, parsed.narrowing) : undefined;
    const included = includeAccess && parsed.includes.length && page.length ? await includedEntries(trx, context, parsed, page, definition.type, includeAccess) : { entries: [], patientIds: [] };
    await audit(page.length, [...page.map((candidate) => definition.auditPatientId?.(candidate)).filter((id): id is string => !!id), ...included.patientIds]);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      ...(total !== undefined ? { total } : {}),
      link: links,
      entry: [
        // A StoredJson stands in for its resource: bundleText splices its text in, JSON.stringify parses it.
        ...page.map((candidate) => ({ fullUrl: `${context.baseUrl}/${definition.type}/${candidate.id}`, resource: present(candidate) as Resource, search: { mode: 'match' as const } })),
        ...included.entries,
      ],
    };
  }
}
