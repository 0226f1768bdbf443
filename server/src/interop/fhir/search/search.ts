import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { Bundle } from '@medplum/fhirtypes';
import { recordAudit } from '../../../platform/index.js';
import type { Database } from '../../../platform/db/schema.js';
import { FhirError } from '../core/operation-outcome.js';
import type { Candidate, FhirContext, ResourceDefinition } from '../core/resource-definition.js';
import { countCandidates, searchCandidates } from '../core/resource-store.repository.js';
import { decodeCursor, encodeCursor, parameterPredicate, type Cursor } from './search-sql.js';

type Db = Kysely<Database> | Transaction<Database>;

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;
/** Result parameters the search understands besides the type's own search parameters. */
const RESULT_PARAMETERS = ['_count', '_sort', '_summary', '_total', '_cursor', '_format'];

interface ParsedSearch {
  where: RawBuilder<boolean>[];
  count: number;
  sort: { name: string; descending: boolean; key: RawBuilder<string> };
  summaryCount: boolean;
  totalAccurate: boolean;
  cursor: Cursor | undefined;
  /** The parameters that shape the result set, for self and next links (the cursor left out). */
  echo: Array<[string, string]>;
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
  for (const [rawName, value] of parameters) {
    const [name, modifier] = rawName.split(':') as [string, string | undefined];
    if (RESULT_PARAMETERS.includes(name)) {
      if (name === '_cursor') {
        cursor = decodeCursor(value);
        continue;
      }
      if (name === '_format') continue;
      echo.push([rawName, value]);
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
    echo.push([rawName, value]);
  }
  const descending = sortParameter.startsWith('-');
  const sortName = descending ? sortParameter.slice(1) : sortParameter;
  const key = definition.sorts[sortName];
  if (!key) throw new FhirError(400, 'not-supported', `${definition.type} cannot be sorted by ${sortName.slice(0, 64)}; use one of ${Object.keys(definition.sorts).join(', ')}.`);
  return { where, count, sort: { name: sortName, descending, key }, summaryCount, totalAccurate, cursor, echo };
}

/** Up to `limit` matches of a search query (If-None-Exist, conditional references). */
export async function findMatches(db: Db, context: FhirContext, definition: ResourceDefinition, parameters: URLSearchParams, limit: number): Promise<Candidate[]> {
  const parsed = parseSearch(definition, parameters);
  if (parsed.where.length === 0) throw new FhirError(400, 'invalid', 'A conditional request needs at least one search parameter.');
  return searchCandidates(db, definition, context, { where: parsed.where, sortKey: parsed.sort.key, descending: false, limit });
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
  present: (candidate: Candidate) => import('@medplum/fhirtypes').Resource,
): Promise<Bundle> {
  const parsed = parseSearch(definition, parameters);
  const selfUrl = `${context.baseUrl}/${definition.type}${parsed.echo.length ? `?${queryString(parsed.echo)}` : ''}`;
  const run = (trx: Transaction<Database>) => searchPage(trx, context, definition, parsed, selfUrl, present);
  return db.isTransaction ? run(db as Transaction<Database>) : (db as Kysely<Database>).transaction().execute(run);
}

async function searchPage(
  trx: Transaction<Database>,
  context: FhirContext,
  definition: ResourceDefinition,
  parsed: ParsedSearch,
  selfUrl: string,
  present: (candidate: Candidate) => import('@medplum/fhirtypes').Resource,
): Promise<Bundle> {
  {
    const audit = (count: number, patientIds: string[]) =>
      recordAudit(trx, context.audit, {
        action: 'search', recordType: definition.type,
        details: { via: 'fhir', parameters: [...new Set(parsed.echo.map(([name]) => name))], count, ...(patientIds.length ? { patientIds: patientIds.slice(0, 1000) } : {}) },
      });
    if (parsed.summaryCount) {
      const total = await countCandidates(trx, definition, context, parsed.where);
      await audit(total, []);
      return { resourceType: 'Bundle', type: 'searchset', total, link: [{ relation: 'self', url: selfUrl }] };
    }
    const rows = parsed.count === 0 ? [] : await searchCandidates(trx, definition, context, {
      where: parsed.where, sortKey: parsed.sort.key, descending: parsed.sort.descending, limit: parsed.count + 1, ...(parsed.cursor ? { after: parsed.cursor } : {}),
    });
    const page = rows.slice(0, parsed.count);
    const last = page.at(-1);
    const links: NonNullable<Bundle['link']> = [{ relation: 'self', url: parsed.cursor ? `${selfUrl}${parsed.echo.length ? '&' : '?'}_cursor=${encodeCursor(parsed.cursor)}` : selfUrl }];
    if (rows.length > parsed.count && last) {
      links.push({ relation: 'next', url: `${context.baseUrl}/${definition.type}?${queryString([...parsed.echo, ['_cursor', encodeCursor({ key: last.sortKey ?? '', id: last.id })]])}` });
    }
    const total = parsed.totalAccurate ? await countCandidates(trx, definition, context, parsed.where) : undefined;
    await audit(page.length, page.map((candidate) => definition.auditPatientId?.(candidate)).filter((id): id is string => !!id));
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      ...(total !== undefined ? { total } : {}),
      link: links,
      entry: page.map((candidate) => ({ fullUrl: `${context.baseUrl}/${definition.type}/${candidate.id}`, resource: present(candidate), search: { mode: 'match' as const } })),
    };
  }
}
